// The AVX2 + FMA register tiles for SGEMM: 6 rows x 16 columns held in 12 YMM accumulators, with A packed
// (`lepton_sgemm_tile_avx2_6x16`) or read where it is stored (`..._rows`, for products with few columns such as
// dense layers and convolutions, where packing A would cost as much as using it).

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include "sgemm_avx2_store.h"

#define MR 6

/// The tile's depth loop; row i of A at `a_row[i] + p * a_step` for depth step p.
__attribute__((target("avx2,fma"), always_inline))
static inline void tile_6x16(long kc, const float *a_row[MR], long a_step, const float *b, long b_stride, float *c,
                             long ldc, long mr, long nr, const LeptonTileEpilogue *epilogue) {
    __m256 acc0[MR], acc1[MR];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        acc0[i] = _mm256_setzero_ps();
        acc1[i] = _mm256_setzero_ps();
    }
    for (long p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b);
        const __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            const __m256 ai = _mm256_broadcast_ss(a_row[i] + p * a_step);
            acc0[i] = _mm256_fmadd_ps(ai, b0, acc0[i]);
            acc1[i] = _mm256_fmadd_ps(ai, b1, acc1[i]);
        }
        b += b_stride;
    }
    const LeptonAVX2Epilogue e = lepton_avx2_epilogue(nr, epilogue);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i < mr) lepton_avx2_store_row(c + i * ldc, i, acc0[i], acc1[i], &e, epilogue);
    }
}

__attribute__((target("avx2,fma")))
void lepton_sgemm_tile_avx2_6x16(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                 long mr, long nr, const LeptonTileEpilogue *epilogue) {
    // Packed A: the mr values of depth step p are consecutive, at a + p * a_step.
    const float *a_row[MR];
    for (int i = 0; i < MR; i++) a_row[i] = a + i;
    tile_6x16(kc, a_row, a_step, b, b_stride, c, ldc, mr, nr, epilogue);
}

__attribute__((target("avx2,fma")))
void lepton_sgemm_tile_avx2_6x16_rows(long kc, const float *a, long lda, const float *b, long b_stride, float *c,
                                      long ldc, long mr, long nr, const LeptonTileEpilogue *epilogue) {
    // A in place: row i at a + i * lda, consecutive along the depth. Rows past mr repeat row 0: computed but never
    // stored, and never read out of bounds.
    const float *a_row[MR];
    for (int i = 0; i < MR; i++) a_row[i] = a + (i < mr ? i : 0) * lda;
    tile_6x16(kc, a_row, 1, b, b_stride, c, ldc, mr, nr, epilogue);
}

#else

void lepton_sgemm_tile_avx2_6x16(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                 long mr, long nr, const LeptonTileEpilogue *epilogue) {
    (void)kc; (void)a; (void)a_step; (void)b; (void)b_stride; (void)c; (void)ldc; (void)mr; (void)nr; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

void lepton_sgemm_tile_avx2_6x16_rows(long kc, const float *a, long lda, const float *b, long b_stride, float *c,
                                      long ldc, long mr, long nr, const LeptonTileEpilogue *epilogue) {
    lepton_sgemm_tile_avx2_6x16(kc, a, lda, b, b_stride, c, ldc, mr, nr, epilogue);
}

#endif
