// The AVX-512 VNNI loop for int8 products: `vpdpbusd` multiplies 64 unsigned bytes of A by 64 signed bytes of B and
// adds each group of four products to one of 16 int32 lanes, so one instruction covers 4 values of k for 16
// columns. A is signed, so it is shifted to unsigned (a + 128, an XOR of the sign bit) and 128 * sum_k B[k, j] is
// subtracted from each sum at the end.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define PANEL 32

/// MR rows of C by one 32-column panel. With few rows, U independent accumulator sets along k hide the latency of
/// `vpdpbusd` (each set depends only on itself).
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline))
static inline void vnni_rows(const int MR, const int U, long groups, const int8_t *a, long lda, const int8_t *panel,
                             float *c, long ldc, long nr, const float *row_scale, const float *col_scale,
                             const float *bias, const int32_t *col_sums, int relu) {
    const __m512i flip = _mm512_set1_epi32((int)0x80808080u);
    __m512i acc[2][8][2];
    for (int u = 0; u < U; u++)
        for (int i = 0; i < MR; i++) {
            acc[u][i][0] = _mm512_setzero_si512();
            acc[u][i][1] = _mm512_setzero_si512();
        }
    long g = 0;
    for (; g + U <= groups; g += U) {
        for (int u = 0; u < U; u++) {
            const int8_t *w = panel + (g + u) * (4 * PANEL);
            const __m512i w0 = _mm512_loadu_si512((const void *)w);
            const __m512i w1 = _mm512_loadu_si512((const void *)(w + 64));
            for (int i = 0; i < MR; i++) {
                int32_t four;
                __builtin_memcpy(&four, a + i * lda + 4 * (g + u), 4);
                const __m512i ai = _mm512_xor_si512(_mm512_set1_epi32(four), flip);
                acc[u][i][0] = _mm512_dpbusd_epi32(acc[u][i][0], ai, w0);
                acc[u][i][1] = _mm512_dpbusd_epi32(acc[u][i][1], ai, w1);
            }
        }
    }
    for (; g < groups; g++) {
        const int8_t *w = panel + g * (4 * PANEL);
        const __m512i w0 = _mm512_loadu_si512((const void *)w);
        const __m512i w1 = _mm512_loadu_si512((const void *)(w + 64));
        for (int i = 0; i < MR; i++) {
            int32_t four;
            __builtin_memcpy(&four, a + i * lda + 4 * g, 4);
            const __m512i ai = _mm512_xor_si512(_mm512_set1_epi32(four), flip);
            acc[0][i][0] = _mm512_dpbusd_epi32(acc[0][i][0], ai, w0);
            acc[0][i][1] = _mm512_dpbusd_epi32(acc[0][i][1], ai, w1);
        }
    }

    const __mmask16 mask0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1u);
    const __mmask16 mask1 = nr >= 32 ? (__mmask16)0xFFFF : (nr <= 16 ? 0 : (__mmask16)((1u << (nr - 16)) - 1u));
    const __m512i offset0 = _mm512_slli_epi32(_mm512_loadu_si512((const void *)col_sums), 7);
    const __m512i offset1 = _mm512_slli_epi32(_mm512_loadu_si512((const void *)(col_sums + 16)), 7);
    const __m512 scale0 = _mm512_loadu_ps(col_scale);
    const __m512 scale1 = _mm512_loadu_ps(col_scale + 16);
    const __m512 bias0 = bias ? _mm512_loadu_ps(bias) : _mm512_setzero_ps();
    const __m512 bias1 = bias ? _mm512_loadu_ps(bias + 16) : _mm512_setzero_ps();
    for (int i = 0; i < MR; i++) {
        __m512i s0 = acc[0][i][0], s1 = acc[0][i][1];
        for (int u = 1; u < U; u++) {
            s0 = _mm512_add_epi32(s0, acc[u][i][0]);
            s1 = _mm512_add_epi32(s1, acc[u][i][1]);
        }
        const __m512 rowScale = _mm512_set1_ps(row_scale[i]);
        __m512 v0 = _mm512_cvtepi32_ps(_mm512_sub_epi32(s0, offset0));
        __m512 v1 = _mm512_cvtepi32_ps(_mm512_sub_epi32(s1, offset1));
        v0 = _mm512_add_ps(_mm512_mul_ps(v0, _mm512_mul_ps(scale0, rowScale)), bias0);
        v1 = _mm512_add_ps(_mm512_mul_ps(v1, _mm512_mul_ps(scale1, rowScale)), bias1);
        if (relu) {
            // NaN stays NaN: max_ps returns its second operand when one is NaN.
            v0 = _mm512_max_ps(_mm512_setzero_ps(), v0);
            v1 = _mm512_max_ps(_mm512_setzero_ps(), v1);
        }
        _mm512_mask_storeu_ps(c + i * ldc, mask0, v0);
        _mm512_mask_storeu_ps(c + i * ldc + 16, mask1, v1);
    }
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
void lepton_int8_gemm_avx512vnni(long m, long n, long k_padded, const int8_t *a, long lda, const int8_t *packed_b,
                                 float *c, long ldc, const LeptonInt8Epilogue *ep) {
    const long groups = k_padded / 4;
    long i = 0;
    while (i < m) {
        const long left = m - i;
        const int mr = left >= 8 ? 8 : (left >= 4 ? 4 : (left >= 2 ? 2 : 1));
        for (long j = 0; j < n; j += PANEL) {
            const int8_t *panel = packed_b + (j / PANEL) * k_padded * PANEL;
            const long nr = n - j < PANEL ? n - j : PANEL;
            const int8_t *rows = a + i * lda;
            float *out = c + i * ldc + j;
            const float *bias = ep->bias ? ep->bias + j : 0;
            switch (mr) {
            case 8:
                vnni_rows(8, 1, groups, rows, lda, panel, out, ldc, nr, ep->row_scale + i, ep->col_scale + j, bias,
                          ep->col_sums + j, ep->relu);
                break;
            case 4:
                vnni_rows(4, 1, groups, rows, lda, panel, out, ldc, nr, ep->row_scale + i, ep->col_scale + j, bias,
                          ep->col_sums + j, ep->relu);
                break;
            case 2:
                vnni_rows(2, 2, groups, rows, lda, panel, out, ldc, nr, ep->row_scale + i, ep->col_scale + j, bias,
                          ep->col_sums + j, ep->relu);
                break;
            default:
                vnni_rows(1, 2, groups, rows, lda, panel, out, ldc, nr, ep->row_scale + i, ep->col_scale + j, bias,
                          ep->col_sums + j, ep->relu);
                break;
            }
        }
        i += mr;
    }
}

#else

void lepton_int8_gemm_avx512vnni(long m, long n, long k_padded, const int8_t *a, long lda, const int8_t *packed_b,
                                 float *c, long ldc, const LeptonInt8Epilogue *epilogue) {
    (void)m; (void)n; (void)k_padded; (void)a; (void)lda; (void)packed_b; (void)c; (void)ldc; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no VNNI off x86-64.
}

#endif
