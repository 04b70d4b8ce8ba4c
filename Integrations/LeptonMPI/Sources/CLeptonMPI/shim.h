// The part of Open MPI's C API that LeptonMPI uses, as plain functions of ints and pointers: Swift cannot import
// MPI's handle macros (MPI_COMM_WORLD, MPI_FLOAT, MPI_STATUS_IGNORE expand to casts of global symbols).
// Every function returns an MPI error code (MPI_SUCCESS on success) unless noted.

#ifndef LEPTON_MPI_SHIM_H
#define LEPTON_MPI_SHIM_H

#include <mpi.h>

/// MPI_SUCCESS, for Swift.
static inline int lepton_mpi_success(void) { return MPI_SUCCESS; }

/// Initialises MPI (serialised threads: calls may come from several threads, never at the same time — the
/// trainer all-reduces gradients on its communication thread) unless it already is, and makes errors on
/// MPI_COMM_WORLD return codes instead of aborting the job. Returns MPI_ERR_OTHER when the library cannot provide
/// that thread level.
static inline int lepton_mpi_init(void) {
    int initialized = 0;
    int code = MPI_Initialized(&initialized);
    if (code != MPI_SUCCESS) return code;
    int provided = 0;
    if (!initialized) {
        code = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    } else {
        code = MPI_Query_thread(&provided);
    }
    if (code != MPI_SUCCESS) return code;
    if (provided < MPI_THREAD_SERIALIZED) return MPI_ERR_OTHER;
    return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

/// Finalises MPI unless it already is.
static inline int lepton_mpi_finalize(void) {
    int finalized = 0;
    int code = MPI_Finalized(&finalized);
    if (code != MPI_SUCCESS || finalized) return code;
    return MPI_Finalize();
}

/// This process's rank in MPI_COMM_WORLD.
static inline int lepton_mpi_rank(int *rank) { return MPI_Comm_rank(MPI_COMM_WORLD, rank); }

/// The number of processes in MPI_COMM_WORLD.
static inline int lepton_mpi_size(int *size) { return MPI_Comm_size(MPI_COMM_WORLD, size); }

/// Sends `send_count` floats to `destination` while receiving `receive_count` floats from `source`.
static inline int lepton_mpi_sendrecv_float(
    const float *send, int send_count, int destination, float *receive, int receive_count, int source, int tag) {
    return MPI_Sendrecv(
        send, send_count, MPI_FLOAT, destination, tag, receive, receive_count, MPI_FLOAT, source, tag,
        MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

/// Broadcasts `count` floats from `root`.
static inline int lepton_mpi_bcast_float(float *buffer, int count, int root) {
    return MPI_Bcast(buffer, count, MPI_FLOAT, root, MPI_COMM_WORLD);
}

/// Waits for every process.
static inline int lepton_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

/// Gathers `count` doubles from every process into `receive` (size × count, in rank order).
static inline int lepton_mpi_allgather_double(const double *send, int count, double *receive) {
    return MPI_Allgather(send, count, MPI_DOUBLE, receive, count, MPI_DOUBLE, MPI_COMM_WORLD);
}

/// MPI's own all-reduction (sum) of `count` floats in place: its reduction order is MPI's choice.
static inline int lepton_mpi_allreduce_float_sum(float *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

/// Writes MPI's description of `code` into `text` (at least MPI_MAX_ERROR_STRING bytes, see below).
static inline int lepton_mpi_error_string(int code, char *text, int *length) {
    return MPI_Error_string(code, text, length);
}

/// MPI_MAX_ERROR_STRING, for Swift.
static inline int lepton_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

/// Ends every process of the job with `code` (does not return).
static inline int lepton_mpi_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }

#endif
