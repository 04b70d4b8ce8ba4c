// AVX2 + FMA loop for products with very few rows (batch-1 inference, small batches): up to 4 rows of C times 16
// columns, reading A and B where they are stored (no packing), with several accumulator sets along k so that the
// FMA pipelines stay busy even for a single row. B's rows are loaded through lane masks, so a sliver at the right
// edge reads nothing past its `nr` columns.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include "sgemm_avx2_store.h"

__attribute__((target("avx2,fma"), always_inline))
static inline void rows_kernel(long kc, const int MR, const int U, const float *a, long lda, const float *b,
                               long b_stride, float *c, long ldc, long nr, const LeptonTileEpilogue *ep) {
    const LeptonAVX2Epilogue e = lepton_avx2_epilogue(nr, ep);
    __m256 acc[4][4][2];
    for (int u = 0; u < U; u++)
        for (int i = 0; i < MR; i++) {
            acc[u][i][0] = _mm256_setzero_ps();
            acc[u][i][1] = _mm256_setzero_ps();
        }
    long p = 0;
    for (; p + U <= kc; p += U) {
        for (int u = 0; u < U; u++) {
            const float *row = b + (p + u) * b_stride;
            const __m256 b0 = e.full ? _mm256_loadu_ps(row) : _mm256_maskload_ps(row, e.mask0);
            const __m256 b1 = e.full ? _mm256_loadu_ps(row + 8) : _mm256_maskload_ps(row + 8, e.mask1);
            for (int i = 0; i < MR; i++) {
                const __m256 ai = _mm256_broadcast_ss(a + i * lda + p + u);
                acc[u][i][0] = _mm256_fmadd_ps(ai, b0, acc[u][i][0]);
                acc[u][i][1] = _mm256_fmadd_ps(ai, b1, acc[u][i][1]);
            }
        }
    }
    for (; p < kc; p++) {
        const float *row = b + p * b_stride;
        const __m256 b0 = _mm256_maskload_ps(row, e.mask0);
        const __m256 b1 = _mm256_maskload_ps(row + 8, e.mask1);
        for (int i = 0; i < MR; i++) {
            const __m256 ai = _mm256_broadcast_ss(a + i * lda + p);
            acc[0][i][0] = _mm256_fmadd_ps(ai, b0, acc[0][i][0]);
            acc[0][i][1] = _mm256_fmadd_ps(ai, b1, acc[0][i][1]);
        }
    }
    for (int i = 0; i < MR; i++) {
        __m256 s0 = acc[0][i][0], s1 = acc[0][i][1];
        for (int u = 1; u < U; u++) {
            s0 = _mm256_add_ps(s0, acc[u][i][0]);
            s1 = _mm256_add_ps(s1, acc[u][i][1]);
        }
        lepton_avx2_store_row(c + i * ldc, i, s0, s1, &e, ep);
    }
}

__attribute__((target("avx2,fma")))
void lepton_sgemm_rows_avx2(long kc, long mr, const float *a, long lda, const float *b, long b_stride, float *c,
                            long ldc, long nr, const LeptonTileEpilogue *epilogue) {
    switch (mr) {
    case 1: rows_kernel(kc, 1, 4, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    case 2: rows_kernel(kc, 2, 2, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    case 3: rows_kernel(kc, 3, 2, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    default: rows_kernel(kc, 4, 1, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    }
}

#else

void lepton_sgemm_rows_avx2(long kc, long mr, const float *a, long lda, const float *b, long b_stride, float *c,
                            long ldc, long nr, const LeptonTileEpilogue *epilogue) {
    (void)kc; (void)mr; (void)a; (void)lda; (void)b; (void)b_stride; (void)c; (void)ldc; (void)nr; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

#endif
