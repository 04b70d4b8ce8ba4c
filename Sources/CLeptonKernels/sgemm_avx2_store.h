// The epilogue of every AVX2 SGEMM loop, in one place: one row of a 16-column result (two YMM accumulators) scaled
// by alpha, plus beta times the old C, the column and row biases and ReLU, stored through lane masks so a tile at
// the right edge touches no element past its `nr` columns.

#ifndef LEPTON_SGEMM_AVX2_STORE_H
#define LEPTON_SGEMM_AVX2_STORE_H

#if defined(__x86_64__)
#include <immintrin.h>

#include "CLeptonKernels.h"

/// The lane masks, column bias and constants of one tile's epilogue.
typedef struct {
    __m256i mask0, mask1;
    __m256 col_bias0, col_bias1, alpha, beta;
    int full;
} LeptonAVX2Epilogue;

__attribute__((target("avx2,fma"), always_inline))
static inline LeptonAVX2Epilogue lepton_avx2_epilogue(long nr, const LeptonTileEpilogue *ep) {
    LeptonAVX2Epilogue e;
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    e.mask0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(nr < 8 ? nr : 8)), lanes);
    e.mask1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(nr < 8 ? 0 : (nr < 16 ? nr - 8 : 8))), lanes);
    e.full = nr >= 16;
    e.col_bias0 = ep->col_bias ? _mm256_maskload_ps(ep->col_bias, e.mask0) : _mm256_setzero_ps();
    e.col_bias1 = ep->col_bias ? _mm256_maskload_ps(ep->col_bias + 8, e.mask1) : _mm256_setzero_ps();
    e.alpha = _mm256_set1_ps(ep->alpha);
    e.beta = _mm256_set1_ps(ep->beta);
    return e;
}

/// Stores row `i` of the tile: `out` is that row of C.
__attribute__((target("avx2,fma"), always_inline))
static inline void lepton_avx2_store_row(float *out, long i, __m256 s0, __m256 s1, const LeptonAVX2Epilogue *e,
                                         const LeptonTileEpilogue *ep) {
    __m256 v0 = _mm256_mul_ps(s0, e->alpha), v1 = _mm256_mul_ps(s1, e->alpha);
    if (ep->beta != 0.0f) {
        v0 = _mm256_fmadd_ps(_mm256_maskload_ps(out, e->mask0), e->beta, v0);
        v1 = _mm256_fmadd_ps(_mm256_maskload_ps(out + 8, e->mask1), e->beta, v1);
    }
    v0 = _mm256_add_ps(v0, e->col_bias0);
    v1 = _mm256_add_ps(v1, e->col_bias1);
    if (ep->row_bias) {
        const __m256 rowBias = _mm256_set1_ps(ep->row_bias[i]);
        v0 = _mm256_add_ps(v0, rowBias);
        v1 = _mm256_add_ps(v1, rowBias);
    }
    if (ep->relu) {
        v0 = _mm256_max_ps(v0, _mm256_setzero_ps());
        v1 = _mm256_max_ps(v1, _mm256_setzero_ps());
    }
    if (e->full) {
        _mm256_storeu_ps(out, v0);
        _mm256_storeu_ps(out + 8, v1);
    } else {
        _mm256_maskstore_ps(out, e->mask0, v0);
        _mm256_maskstore_ps(out + 8, e->mask1, v1);
    }
}

#endif

#endif
