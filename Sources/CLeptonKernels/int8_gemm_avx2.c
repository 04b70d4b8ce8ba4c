// The AVX2 loop for int8 products. `vpmaddubsw` multiplies unsigned bytes by signed bytes and adds adjacent pairs
// into saturating int16; feeding it |a| and b with a's sign (`vpsignb`) keeps every pair sum within
// 2 * 127 * 127 = 32258, so nothing saturates. `vpmaddwd` by ones then widens the pairs to int32 sums of four.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define PANEL 32

__attribute__((target("avx2"), always_inline))
static inline void avx2_rows(const int MR, long groups, const int8_t *a, long lda, const int8_t *panel, float *c,
                             long ldc, long nr, const float *row_scale, const float *col_scale, const float *bias,
                             int relu) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i acc[2][4];
    for (int i = 0; i < MR; i++)
        for (int v = 0; v < 4; v++) acc[i][v] = _mm256_setzero_si256();
    for (long g = 0; g < groups; g++) {
        const int8_t *w = panel + g * (4 * PANEL);
        __m256i wv[4];
        for (int v = 0; v < 4; v++) wv[v] = _mm256_loadu_si256((const __m256i *)(w + 32 * v));
        for (int i = 0; i < MR; i++) {
            int32_t four;
            __builtin_memcpy(&four, a + i * lda + 4 * g, 4);
            const __m256i ai = _mm256_set1_epi32(four);
            const __m256i magnitude = _mm256_abs_epi8(ai);
            for (int v = 0; v < 4; v++) {
                const __m256i pairs = _mm256_maddubs_epi16(magnitude, _mm256_sign_epi8(wv[v], ai));
                acc[i][v] = _mm256_add_epi32(acc[i][v], _mm256_madd_epi16(pairs, ones));
            }
        }
    }
    for (int i = 0; i < MR; i++) {
        const __m256 rowScale = _mm256_set1_ps(row_scale[i]);
        float row[PANEL];
        for (int v = 0; v < 4; v++) {
            __m256 value = _mm256_cvtepi32_ps(acc[i][v]);
            value = _mm256_mul_ps(value, _mm256_mul_ps(_mm256_loadu_ps(col_scale + 8 * v), rowScale));
            if (bias) value = _mm256_add_ps(value, _mm256_loadu_ps(bias + 8 * v));
            // NaN stays NaN: max_ps returns its second operand when one is NaN.
            if (relu) value = _mm256_max_ps(_mm256_setzero_ps(), value);
            _mm256_storeu_ps(row + 8 * v, value);
        }
        float *out = c + i * ldc;
        for (long j = 0; j < nr; j++) out[j] = row[j];
    }
}

__attribute__((target("avx2")))
void lepton_int8_gemm_avx2(long m, long n, long k_padded, const int8_t *a, long lda, const int8_t *packed_b, float *c,
                           long ldc, const LeptonInt8Epilogue *ep) {
    const long groups = k_padded / 4;
    long i = 0;
    while (i < m) {
        const int mr = m - i >= 2 ? 2 : 1;
        for (long j = 0; j < n; j += PANEL) {
            const int8_t *panel = packed_b + (j / PANEL) * k_padded * PANEL;
            const long nr = n - j < PANEL ? n - j : PANEL;
            const float *bias = ep->bias ? ep->bias + j : 0;
            if (mr == 2) {
                avx2_rows(2, groups, a + i * lda, lda, panel, c + i * ldc + j, ldc, nr, ep->row_scale + i,
                          ep->col_scale + j, bias, ep->relu);
            } else {
                avx2_rows(1, groups, a + i * lda, lda, panel, c + i * ldc + j, ldc, nr, ep->row_scale + i,
                          ep->col_scale + j, bias, ep->relu);
            }
        }
        i += mr;
    }
}

#else

void lepton_int8_gemm_avx2(long m, long n, long k_padded, const int8_t *a, long lda, const int8_t *packed_b, float *c,
                           long ldc, const LeptonInt8Epilogue *epilogue) {
    (void)m; (void)n; (void)k_padded; (void)a; (void)lda; (void)packed_b; (void)c; (void)ldc; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

#endif
