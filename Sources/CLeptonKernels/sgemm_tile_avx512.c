// The AVX-512 register tile for SGEMM: 12 rows x 32 columns held in 24 ZMM accumulators.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define MR 12

__attribute__((target("avx512f,avx2,fma")))
static inline __m512 finish(__m512 acc, const float *old, __mmask16 mask, float alpha, float beta, __m512 bias,
                            int relu) {
    __m512 value = _mm512_mul_ps(acc, _mm512_set1_ps(alpha));
    if (beta != 0.0f) {
        value = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, old), _mm512_set1_ps(beta), value);
    }
    value = _mm512_add_ps(value, bias);
    if (relu) {
        value = _mm512_max_ps(value, _mm512_setzero_ps());
    }
    return value;
}

__attribute__((target("avx512f,avx2,fma")))
void lepton_sgemm_tile_avx512_12x32(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                    long mr, long nr, const LeptonTileEpilogue *epilogue) {
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
            const __m512 ai = _mm512_set1_ps(a[i]);
            acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
            acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
        }
        a += a_step;
        b += b_stride;
    }

    const __mmask16 mask0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1u);
    const __mmask16 mask1 = nr >= 32 ? (__mmask16)0xFFFF : (nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1u));
    const float alpha = epilogue->alpha;
    const float beta = epilogue->beta;
    const int relu = epilogue->relu;
    __m512 colBias0 = _mm512_setzero_ps(), colBias1 = _mm512_setzero_ps();
    if (epilogue->col_bias) {
        colBias0 = _mm512_maskz_loadu_ps(mask0, epilogue->col_bias);
        colBias1 = _mm512_maskz_loadu_ps(mask1, epilogue->col_bias + 16);
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i < mr) {
            float *row = c + i * ldc;
            __m512 bias0 = colBias0, bias1 = colBias1;
            if (epilogue->row_bias) {
                const __m512 rowBias = _mm512_set1_ps(epilogue->row_bias[i]);
                bias0 = _mm512_add_ps(bias0, rowBias);
                bias1 = _mm512_add_ps(bias1, rowBias);
            }
            _mm512_mask_storeu_ps(row, mask0, finish(acc0[i], row, mask0, alpha, beta, bias0, relu));
            _mm512_mask_storeu_ps(row + 16, mask1, finish(acc1[i], row + 16, mask1, alpha, beta, bias1, relu));
        }
    }
}

#else

void lepton_sgemm_tile_avx512_12x32(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                    long mr, long nr, const LeptonTileEpilogue *epilogue) {
    (void)kc; (void)a; (void)a_step; (void)b; (void)b_stride; (void)c; (void)ldc; (void)mr; (void)nr; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX-512 off x86-64.
}

#endif
