// The AVX2 + FMA register tile for SGEMM: 6 rows x 16 columns held in 12 YMM accumulators.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define MR 6
#define NR 16

__attribute__((target("avx2,fma")))
void lepton_sgemm_tile_avx2_6x16(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                 long mr, long nr, const LeptonTileEpilogue *epilogue) {
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
            const __m256 ai = _mm256_broadcast_ss(a + i);
            acc0[i] = _mm256_fmadd_ps(ai, b0, acc0[i]);
            acc1[i] = _mm256_fmadd_ps(ai, b1, acc1[i]);
        }
        a += a_step;
        b += b_stride;
    }

    // Full tiles store straight into C; edge tiles go through a stack tile so no lane outside C is touched.
    float edge[MR * NR];
    const int full = (mr == MR && nr == NR);
    float *target = full ? c : edge;
    const long targetStride = full ? ldc : NR;
    if (!full && epilogue->beta != 0.0f) {
        for (long i = 0; i < mr; i++) {
            for (long j = 0; j < nr; j++) {
                edge[i * NR + j] = c[i * ldc + j];
            }
        }
    }
    const __m256 alpha = _mm256_set1_ps(epilogue->alpha);
    const __m256 beta = _mm256_set1_ps(epilogue->beta);
    const int readOld = epilogue->beta != 0.0f;
    __m256 colBias0 = _mm256_setzero_ps(), colBias1 = _mm256_setzero_ps();
    float colBiasEdge[NR] = {0};
    if (epilogue->col_bias) {
        for (long j = 0; j < nr; j++) {
            colBiasEdge[j] = epilogue->col_bias[j];
        }
        colBias0 = _mm256_loadu_ps(colBiasEdge);
        colBias1 = _mm256_loadu_ps(colBiasEdge + 8);
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i < mr) {
            float *row = target + i * targetStride;
            __m256 v0 = _mm256_mul_ps(acc0[i], alpha);
            __m256 v1 = _mm256_mul_ps(acc1[i], alpha);
            if (readOld) {
                v0 = _mm256_fmadd_ps(_mm256_loadu_ps(row), beta, v0);
                v1 = _mm256_fmadd_ps(_mm256_loadu_ps(row + 8), beta, v1);
            }
            v0 = _mm256_add_ps(v0, colBias0);
            v1 = _mm256_add_ps(v1, colBias1);
            if (epilogue->row_bias) {
                const __m256 rowBias = _mm256_set1_ps(epilogue->row_bias[i]);
                v0 = _mm256_add_ps(v0, rowBias);
                v1 = _mm256_add_ps(v1, rowBias);
            }
            if (epilogue->relu) {
                v0 = _mm256_max_ps(v0, _mm256_setzero_ps());
                v1 = _mm256_max_ps(v1, _mm256_setzero_ps());
            }
            _mm256_storeu_ps(row, v0);
            _mm256_storeu_ps(row + 8, v1);
        }
    }
    if (!full) {
        for (long i = 0; i < mr; i++) {
            for (long j = 0; j < nr; j++) {
                c[i * ldc + j] = edge[i * NR + j];
            }
        }
    }
}

#else

void lepton_sgemm_tile_avx2_6x16(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                 long mr, long nr, const LeptonTileEpilogue *epilogue) {
    (void)kc; (void)a; (void)a_step; (void)b; (void)b_stride; (void)c; (void)ldc; (void)mr; (void)nr; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

#endif
