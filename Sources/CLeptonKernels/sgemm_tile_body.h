// The SGEMM register tile, written once in the vector vocabulary (`vector_vocabulary.h`) for the file that includes
// it, which defines VECTOR_BITS, MR (the tile's rows) and ROWS_FUNCTION (`sgemm_tile_avx2.c`: 6 x 16 in YMM
// registers, `sgemm_tile_avx512.c`: 12 x 32 in ZMM registers): the depth loop over MR rows of A times 2·LANES
// columns of B held in 2·MR accumulators, the tile with the shared epilogue (`sgemm_epilogue.h`), and the exported
// tile that reads A where it is stored (row-major, any leading dimension) instead of packed, for products with few
// columns (dense layers, convolutions), where packing A would cost as much as using it. With TILE_PREFETCH_STEPS
// defined, the depth loop prefetches B's row that many depth steps ahead.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include "sgemm_epilogue.h"

/// The tile's depth loop: `acc0[i]` and `acc1[i]` become row i of A times columns 0..<LANES and LANES..<2·LANES of
/// B, with row i of A at `a_row[i] + p * a_step` for depth step p and B's rows `b_stride` floats apart.
TARGET __attribute__((always_inline))
static inline void tile_accumulate(long kc, const float *const a_row[MR], long a_step, const float *b, long b_stride,
                                   VEC acc0[MR], VEC acc1[MR]) {
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        acc0[i] = ZERO();
        acc1[i] = ZERO();
    }
    for (long p = 0; p < kc; p++) {
        const VEC b0 = LOADU(b);
        const VEC b1 = LOADU(b + LANES);
#ifdef TILE_PREFETCH_STEPS
        _mm_prefetch((const char *)(b + TILE_PREFETCH_STEPS * b_stride), _MM_HINT_T0);
#endif
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            const VEC ai = BROADCAST(a_row[i] + p * a_step);
            acc0[i] = FMA(ai, b0, acc0[i]);
            acc1[i] = FMA(ai, b1, acc1[i]);
        }
        b += b_stride;
    }
}

/// Prefetches the tile's MR rows of 2·LANES floats of C, which the epilogue reads and writes after the depth loop:
/// when C is larger than the caches, the rows would otherwise miss there (1–2% at n = 1024 and 2048).
TARGET __attribute__((always_inline))
static inline void prefetch_tile_of_c(const float *c, long ldc) {
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
#pragma clang loop unroll(full)
        for (int j = 0; j < 2 * LANES; j += 16) _mm_prefetch((const char *)(c + i * ldc + j), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 2 * LANES - 1), _MM_HINT_T0);
    }
}

/// The tile with the shared epilogue; only its first `mr` rows and `nr` columns are stored.
TARGET __attribute__((always_inline))
static inline void tile(long kc, const float *const a_row[MR], long a_step, const float *b, long b_stride, float *c,
                        long ldc, long mr, long nr, const LeptonTileEpilogue *epilogue) {
    VEC acc0[MR], acc1[MR];
    prefetch_tile_of_c(c, ldc);
    tile_accumulate(kc, a_row, a_step, b, b_stride, acc0, acc1);
    const LeptonEpilogueVectors e = lepton_epilogue_vectors(nr, epilogue);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i < mr) lepton_store_row(c + i * ldc, i, acc0[i], acc1[i], &e, epilogue);
    }
}

TARGET
void ROWS_FUNCTION(long kc, const float *a, long lda, const float *b, long b_stride, float *c, long ldc, long mr,
                   long nr, const LeptonTileEpilogue *epilogue) {
    // A in place: row i at a + i * lda, consecutive along the depth. Rows past mr repeat row 0: computed but never
    // stored, and never read out of bounds.
    const float *a_row[MR];
    for (int i = 0; i < MR; i++) a_row[i] = a + (i < mr ? i : 0) * lda;
    tile(kc, a_row, 1, b, b_stride, c, ldc, mr, nr, epilogue);
}

#else

void ROWS_FUNCTION(long kc, const float *a, long lda, const float *b, long b_stride, float *c, long ldc, long mr,
                   long nr, const LeptonTileEpilogue *epilogue) {
    (void)kc; (void)a; (void)lda; (void)b; (void)b_stride; (void)c; (void)ldc; (void)mr; (void)nr; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports neither AVX2 nor AVX-512 off x86-64.
}

#endif
