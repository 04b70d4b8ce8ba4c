// The exact (erf) GELU forward and backward loops with AVX-512 F (sixteen lanes) and AVX2 (eight lanes): the body
// of `gelu_erf_body.h` once per instruction set, bit-identical to each other and to the portable Swift loop.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define BITS 512
#define LANES 16
#define TARGET __attribute__((target("avx512f")))
#define SUFFIX(name) name##_avx512
#define FORWARD lepton_gelu_erf_forward_avx512
#define BACKWARD lepton_gelu_erf_backward_avx512
#define CMP(a, b, predicate) _mm512_cmp_ps_mask(a, b, predicate)
#define SELECT(mask, if_true, if_false) _mm512_mask_blend_ps(mask, if_false, if_true)
#include "gelu_erf_body.h"
#undef BITS
#undef LANES
#undef TARGET
#undef SUFFIX
#undef FORWARD
#undef BACKWARD
#undef CMP
#undef SELECT

#define BITS 256
#define LANES 8
#define TARGET __attribute__((target("avx2")))
#define SUFFIX(name) name##_avx2
#define FORWARD lepton_gelu_erf_forward_avx2
#define BACKWARD lepton_gelu_erf_backward_avx2
#define CMP(a, b, predicate) _mm256_cmp_ps(a, b, predicate)
#define SELECT(mask, if_true, if_false) _mm256_blendv_ps(if_false, if_true, mask)
#include "gelu_erf_body.h"

#else

// Never selected: lepton_cpu_features reports neither AVX2 nor AVX-512 off x86-64.
void lepton_gelu_erf_forward_avx512(const float *x, float *y, long count) {
    (void)x; (void)y; (void)count;
    __builtin_trap();
}

void lepton_gelu_erf_backward_avx512(const float *x, const float *dy, float *dx, long count, int accumulate) {
    (void)x; (void)dy; (void)dx; (void)count; (void)accumulate;
    __builtin_trap();
}

void lepton_gelu_erf_forward_avx2(const float *x, float *y, long count) {
    (void)x; (void)y; (void)count;
    __builtin_trap();
}

void lepton_gelu_erf_backward_avx2(const float *x, const float *dy, float *dx, long count, int accumulate) {
    (void)x; (void)dy; (void)dx; (void)count; (void)accumulate;
    __builtin_trap();
}

#endif
