// Int8 matrix-product loops for dynamically quantised inference, one per instruction set.
//
// As for the float tiles, only the innermost loops live in C: quantisation, packing, threading and the choice of
// loop happen in Swift (LeptonKernels' QuantizedGEMM). `__attribute__((target(...)))` compiles each loop for its
// instruction set, and `lepton_cpu_features` (CLeptonKernels.h) tells at run time which ones the CPU has.

#ifndef CLEPTON_INT8_H
#define CLEPTON_INT8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What an int8 loop does with each int32 sum before it stores it as a float.
///
/// `C[i, j] = float(sum_k A[i, k] * B[k, j]) * row_scale[i] * col_scale[j] + bias[j]`, then `max(0, .)` when
/// `relu` is non-zero.
typedef struct {
    /// One scale per row of A (`m` values).
    const float *row_scale;
    /// One scale per column of B, `n` rounded up to 32 values (the padding is read, not used).
    const float *col_scale;
    /// One bias per column (padded like `col_scale`), or NULL.
    const float *bias;
    /// `sum_k B[k, j]` per column (padded like `col_scale`): the VNNI loop adds 128 to A to make it unsigned and
    /// subtracts `128 * col_sums[j]` again.
    const int32_t *col_sums;
    int relu;
} LeptonInt8Epilogue;

/// AVX-512 VNNI loop: `C = A · B` for `m` rows and `n` columns with the epilogue.
///
/// - `a`: `m` rows of `k_padded` int8 values in [-127, 127], row `i` at `a + i * lda`; `k_padded` is a multiple of 4
///   and the padding is zero.
/// - `packed_b`: B packed in panels of 32 columns: panel `p` starts at `packed_b + p * k_padded * 32`; within it,
///   group `g` (k = 4g ... 4g+3) is 128 bytes: the four k-values of column 0, then of column 1, ..., column 31.
///   Columns past `n` are zero.
/// - `c`: row `i` at `c + i * ldc`; only `n` floats per row are written.
void lepton_int8_gemm_avx512vnni(long m, long n, long k_padded, const int8_t *a, long lda, const int8_t *packed_b,
                                 float *c, long ldc, const LeptonInt8Epilogue *epilogue);

/// AVX2 loop with the same arguments, using `vpmaddubsw` on |a| and b carrying a's sign (no saturation, since
/// |a|, |b| <= 127).
void lepton_int8_gemm_avx2(long m, long n, long k_padded, const int8_t *a, long lda, const int8_t *packed_b, float *c,
                           long ldc, const LeptonInt8Epilogue *epilogue);

/// Quantises `rows` rows of `columns` floats (row `r` at `source + r * source_stride`) to int8 with one symmetric
/// scale per row: `q = round-to-nearest-even(x / scale)` with `scale = max |x| / 127` (1 for a row of zeros; a row
/// holding NaN or infinity gets garbage, callers validate first). Row `r` goes to
/// `destination + r * destination_stride`, zero-padded from `columns` up to `destination_stride`; its scale to
/// `scales[r]`.
void lepton_int8_quantize_rows_avx512(long rows, long columns, const float *source, long source_stride,
                                      int8_t *destination, long destination_stride, float *scales);

/// AVX2 version of `lepton_int8_quantize_rows_avx512`.
void lepton_int8_quantize_rows_avx2(long rows, long columns, const float *source, long source_stride,
                                    int8_t *destination, long destination_stride, float *scales);

#ifdef __cplusplus
}
#endif

#endif
