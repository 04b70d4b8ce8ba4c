// AVX-512 direct convolution for few input channels (the first layer of an image model), stride 1, no padding,
// with bias and ReLU fused and, optionally, 2×2 max pooling (stride 2) fused too: the convolution's outputs
// never leave the registers. One image per call.
//
// Output channels go in blocks of 32 (two ZMM registers per position); a pooled output computes the four
// convolution outputs of its 2×2 window (eight accumulators), takes their maximum, adds the bias and applies
// ReLU — max, then bias, then ReLU equals pooling the biased, rectified outputs, since both are monotone.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void accumulate(const float *input, long width, long cin, const float *weights, long kh, long kw,
                              long cout, long row, long column, __mmask16 m0, __mmask16 m1, __m512 *a0, __m512 *a1) {
    for (long i = 0; i < kh; i++) {
        const float *line = input + ((row + i) * width + column) * cin;
        const float *tap = weights + i * kw * cin * cout;
        for (long j = 0; j < kw * cin; j++) {
            const __m512 x = _mm512_set1_ps(line[j]);
            *a0 = _mm512_fmadd_ps(x, _mm512_maskz_loadu_ps(m0, tap + j * cout), *a0);
            *a1 = _mm512_fmadd_ps(x, _mm512_maskz_loadu_ps(m1, tap + j * cout + 16), *a1);
        }
    }
}

__attribute__((target("avx512f,avx2,fma")))
void lepton_conv_small_channels_avx512(const float *input, long height, long width, long cin, const float *weights,
                                       long kh, long kw, long cout, const float *bias, int relu, int pool,
                                       float *output) {
    const long outHeight = height - kh + 1, outWidth = width - kw + 1;
    const long rows = pool ? outHeight / 2 : outHeight, columns = pool ? outWidth / 2 : outWidth;
    for (long block = 0; block < cout; block += 32) {
        const long lanes = cout - block < 32 ? cout - block : 32;
        const __mmask16 m0 = lanes >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << lanes) - 1u);
        const __mmask16 m1 = lanes >= 32 ? (__mmask16)0xFFFF : (lanes <= 16 ? 0 : (__mmask16)((1u << (lanes - 16)) - 1u));
        const float *w = weights + block;
        const __m512 b0 = bias ? _mm512_maskz_loadu_ps(m0, bias + block) : _mm512_setzero_ps();
        const __m512 b1 = bias ? _mm512_maskz_loadu_ps(m1, bias + block + 16) : _mm512_setzero_ps();
        for (long r = 0; r < rows; r++) {
            for (long c = 0; c < columns; c++) {
                __m512 v0, v1;
                if (pool) {
                    __m512 a0[4], a1[4];
                    for (int q = 0; q < 4; q++) {
                        a0[q] = _mm512_setzero_ps();
                        a1[q] = _mm512_setzero_ps();
                        accumulate(input, width, cin, w, kh, kw, cout, 2 * r + q / 2, 2 * c + q % 2, m0, m1, &a0[q], &a1[q]);
                    }
                    v0 = _mm512_max_ps(_mm512_max_ps(a0[0], a0[1]), _mm512_max_ps(a0[2], a0[3]));
                    v1 = _mm512_max_ps(_mm512_max_ps(a1[0], a1[1]), _mm512_max_ps(a1[2], a1[3]));
                } else {
                    v0 = _mm512_setzero_ps();
                    v1 = _mm512_setzero_ps();
                    accumulate(input, width, cin, w, kh, kw, cout, r, c, m0, m1, &v0, &v1);
                }
                v0 = _mm512_add_ps(v0, b0);
                v1 = _mm512_add_ps(v1, b1);
                if (relu) {
                    v0 = _mm512_max_ps(v0, _mm512_setzero_ps());
                    v1 = _mm512_max_ps(v1, _mm512_setzero_ps());
                }
                float *out = output + (r * columns + c) * cout + block;
                _mm512_mask_storeu_ps(out, m0, v0);
                _mm512_mask_storeu_ps(out + 16, m1, v1);
            }
        }
    }
}

#else

void lepton_conv_small_channels_avx512(const float *input, long height, long width, long cin, const float *weights,
                                       long kh, long kw, long cout, const float *bias, int relu, int pool,
                                       float *output) {
    (void)input; (void)height; (void)width; (void)cin; (void)weights; (void)kh; (void)kw; (void)cout; (void)bias;
    (void)relu; (void)pool; (void)output;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX-512 off x86-64.
}

#endif
