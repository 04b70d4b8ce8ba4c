// AVX-512 direct convolution for few input channels (the first layer of an image model): 32 output channels per
// block in two ZMM registers. The loop itself is `conv_small_channels_body.h`, shared with the AVX2 file.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define VEC __m512
#define MASK __mmask16
#define LANES 16
#define MASK_FIRST(n) ((n) >= 16 ? (__mmask16)0xFFFF : ((n) <= 0 ? (__mmask16)0 : (__mmask16)((1u << (n)) - 1u)))
#define SET1(x) _mm512_set1_ps(x)
#define ZERO() _mm512_setzero_ps()
#define LOAD(mask, p) _mm512_maskz_loadu_ps(mask, p)
#define STORE(p, mask, v) _mm512_mask_storeu_ps(p, mask, v)
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define ADD(a, b) _mm512_add_ps(a, b)
#define MAX(a, b) _mm512_max_ps(a, b)
#define TARGET __attribute__((target("avx512f,avx2,fma")))
#define FUNCTION lepton_conv_small_channels_avx512

#include "conv_small_channels_body.h"

#else

void lepton_conv_small_channels_avx512(const float *input, long height, long width, long cin, const float *weights,
                                       long kh, long kw, long cout, const float *bias, int relu, int pool,
                                       float *output) {
    (void)input; (void)height; (void)width; (void)cin; (void)weights; (void)kh; (void)kw; (void)cout; (void)bias;
    (void)relu; (void)pool; (void)output;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX-512 off x86-64.
}

#endif
