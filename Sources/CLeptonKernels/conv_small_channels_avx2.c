// AVX2 + FMA direct convolution for few input channels (the first layer of an image model), for CPUs without
// AVX-512: 16 output channels per block in two YMM registers, masked loads and stores for a partial block. The
// loop itself is `conv_small_channels_body.h`, shared with the AVX-512 file.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define VEC __m256
#define MASK __m256i
#define LANES 8
#define MASK_FIRST(n) \
    _mm256_cmpgt_epi32(_mm256_set1_epi32((int)((n) >= 8 ? 8 : ((n) <= 0 ? 0 : (n)))), \
                       _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define SET1(x) _mm256_set1_ps(x)
#define ZERO() _mm256_setzero_ps()
#define LOAD(mask, p) _mm256_maskload_ps(p, mask)
#define STORE(p, mask, v) _mm256_maskstore_ps(p, mask, v)
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define ADD(a, b) _mm256_add_ps(a, b)
#define MAX(a, b) _mm256_max_ps(a, b)
#define TARGET __attribute__((target("avx2,fma")))
#define FUNCTION lepton_conv_small_channels_avx2

#include "conv_small_channels_body.h"

#else

void lepton_conv_small_channels_avx2(const float *input, long height, long width, long cin, const float *weights,
                                     long kh, long kw, long cout, const float *bias, int relu, int pool,
                                     float *output) {
    (void)input; (void)height; (void)width; (void)cin; (void)weights; (void)kh; (void)kw; (void)cout; (void)bias;
    (void)relu; (void)pool; (void)output;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

#endif
