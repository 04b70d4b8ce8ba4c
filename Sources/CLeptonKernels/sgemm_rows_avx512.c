// AVX-512 loops for products with very few rows (batch-1 inference, small batches): up to 4 rows of C times
// 32 columns, reading A and B where they are stored (no packing), with several accumulator sets along k so that
// the FMA pipelines stay busy even for a single row.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void rows_kernel(long kc, const int MR, const int U, const float *a, long lda, const float *b,
                               long b_stride, float *c, long ldc, long nr, const LeptonTileEpilogue *ep) {
    const __mmask16 mask0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1u);
    const __mmask16 mask1 = nr >= 32 ? (__mmask16)0xFFFF : (nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1u));
    __m512 acc[4][4][2];
    for (int u = 0; u < U; u++)
        for (int i = 0; i < MR; i++) {
            acc[u][i][0] = _mm512_setzero_ps();
            acc[u][i][1] = _mm512_setzero_ps();
        }
    long p = 0;
    for (; p + U <= kc; p += U) {
        for (int u = 0; u < U; u++) {
            const float *row = b + (p + u) * b_stride;
            const __m512 b0 = _mm512_maskz_loadu_ps(mask0, row);
            const __m512 b1 = _mm512_maskz_loadu_ps(mask1, row + 16);
            for (int i = 0; i < MR; i++) {
                const __m512 ai = _mm512_set1_ps(a[i * lda + p + u]);
                acc[u][i][0] = _mm512_fmadd_ps(ai, b0, acc[u][i][0]);
                acc[u][i][1] = _mm512_fmadd_ps(ai, b1, acc[u][i][1]);
            }
        }
    }
    for (; p < kc; p++) {
        const float *row = b + p * b_stride;
        const __m512 b0 = _mm512_maskz_loadu_ps(mask0, row);
        const __m512 b1 = _mm512_maskz_loadu_ps(mask1, row + 16);
        for (int i = 0; i < MR; i++) {
            const __m512 ai = _mm512_set1_ps(a[i * lda + p]);
            acc[0][i][0] = _mm512_fmadd_ps(ai, b0, acc[0][i][0]);
            acc[0][i][1] = _mm512_fmadd_ps(ai, b1, acc[0][i][1]);
        }
    }
    __m512 colBias0 = _mm512_setzero_ps(), colBias1 = _mm512_setzero_ps();
    if (ep->col_bias) {
        colBias0 = _mm512_maskz_loadu_ps(mask0, ep->col_bias);
        colBias1 = _mm512_maskz_loadu_ps(mask1, ep->col_bias + 16);
    }
    const __m512 alpha = _mm512_set1_ps(ep->alpha);
    const __m512 beta = _mm512_set1_ps(ep->beta);
    for (int i = 0; i < MR; i++) {
        __m512 s0 = acc[0][i][0], s1 = acc[0][i][1];
        for (int u = 1; u < U; u++) {
            s0 = _mm512_add_ps(s0, acc[u][i][0]);
            s1 = _mm512_add_ps(s1, acc[u][i][1]);
        }
        float *out = c + i * ldc;
        __m512 v0 = _mm512_mul_ps(s0, alpha), v1 = _mm512_mul_ps(s1, alpha);
        if (ep->beta != 0.0f) {
            v0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask0, out), beta, v0);
            v1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask1, out + 16), beta, v1);
        }
        v0 = _mm512_add_ps(v0, colBias0);
        v1 = _mm512_add_ps(v1, colBias1);
        if (ep->row_bias) {
            const __m512 rowBias = _mm512_set1_ps(ep->row_bias[i]);
            v0 = _mm512_add_ps(v0, rowBias);
            v1 = _mm512_add_ps(v1, rowBias);
        }
        if (ep->relu) {
            v0 = _mm512_max_ps(v0, _mm512_setzero_ps());
            v1 = _mm512_max_ps(v1, _mm512_setzero_ps());
        }
        _mm512_mask_storeu_ps(out, mask0, v0);
        _mm512_mask_storeu_ps(out + 16, mask1, v1);
    }
}

__attribute__((target("avx512f,avx2,fma")))
void lepton_sgemm_rows_avx512(long kc, long mr, const float *a, long lda, const float *b, long b_stride, float *c,
                              long ldc, long nr, const LeptonTileEpilogue *epilogue) {
    switch (mr) {
    case 1: rows_kernel(kc, 1, 4, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    case 2: rows_kernel(kc, 2, 2, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    case 3: rows_kernel(kc, 3, 2, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    default: rows_kernel(kc, 4, 1, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    }
}

#else

void lepton_sgemm_rows_avx512(long kc, long mr, const float *a, long lda, const float *b, long b_stride, float *c,
                              long ldc, long nr, const LeptonTileEpilogue *epilogue) {
    (void)kc; (void)mr; (void)a; (void)lda; (void)b; (void)b_stride; (void)c; (void)ldc; (void)nr; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX-512 off x86-64.
}

#endif
