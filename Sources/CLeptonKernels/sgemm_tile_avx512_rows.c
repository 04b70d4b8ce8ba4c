// The AVX-512 register tile reading A where it is stored (row-major, any leading dimension) instead of packed:
// for products with few columns (dense layers, convolutions), where packing A would cost as much as using it.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define MR 12

__attribute__((target("avx512f,avx2,fma")))
void lepton_sgemm_tile_avx512_12x32_rows(long kc, const float *a, long lda, const float *b, long b_stride, float *c,
                                         long ldc, long mr, long nr, const LeptonTileEpilogue *epilogue) {
    // Rows past mr repeat row 0: computed but never stored, and never read out of bounds.
    const float *row[MR];
    for (int i = 0; i < MR; i++) row[i] = a + (i < mr ? i : 0) * lda;
    __m512 acc0[MR], acc1[MR];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        acc0[i] = _mm512_setzero_ps();
        acc1[i] = _mm512_setzero_ps();
    }
    for (long p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b);
        const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            const __m512 ai = _mm512_set1_ps(row[i][p]);
            acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
            acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
        }
        b += b_stride;
    }
    const __mmask16 mask0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1u);
    const __mmask16 mask1 = nr >= 32 ? (__mmask16)0xFFFF : (nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1u));
    __m512 colBias0 = _mm512_setzero_ps(), colBias1 = _mm512_setzero_ps();
    if (epilogue->col_bias) {
        colBias0 = _mm512_maskz_loadu_ps(mask0, epilogue->col_bias);
        colBias1 = _mm512_maskz_loadu_ps(mask1, epilogue->col_bias + 16);
    }
    const __m512 alpha = _mm512_set1_ps(epilogue->alpha);
    const __m512 beta = _mm512_set1_ps(epilogue->beta);
    for (int i = 0; i < MR; i++) {
        if (i >= mr) break;
        float *out = c + i * ldc;
        __m512 v0 = _mm512_mul_ps(acc0[i], alpha), v1 = _mm512_mul_ps(acc1[i], alpha);
        if (epilogue->beta != 0.0f) {
            v0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask0, out), beta, v0);
            v1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask1, out + 16), beta, v1);
        }
        v0 = _mm512_add_ps(v0, colBias0);
        v1 = _mm512_add_ps(v1, colBias1);
        if (epilogue->row_bias) {
            const __m512 rowBias = _mm512_set1_ps(epilogue->row_bias[i]);
            v0 = _mm512_add_ps(v0, rowBias);
            v1 = _mm512_add_ps(v1, rowBias);
        }
        if (epilogue->relu) {
            v0 = _mm512_max_ps(v0, _mm512_setzero_ps());
            v1 = _mm512_max_ps(v1, _mm512_setzero_ps());
        }
        _mm512_mask_storeu_ps(out, mask0, v0);
        _mm512_mask_storeu_ps(out + 16, mask1, v1);
    }
}

#else

void lepton_sgemm_tile_avx512_12x32_rows(long kc, const float *a, long lda, const float *b, long b_stride, float *c,
                                         long ldc, long mr, long nr, const LeptonTileEpilogue *epilogue) {
    (void)kc; (void)a; (void)lda; (void)b; (void)b_stride; (void)c; (void)ldc; (void)mr; (void)nr; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX-512 off x86-64.
}

#endif
