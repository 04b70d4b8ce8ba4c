// The exact (erf) GELU forward and backward loops with AVX2 (eight lanes): `gelu_erf_body.h`, bit-identical to the
// portable Swift loop and to the AVX-512 loop.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#define VECTOR_BITS 256
#include "vector_vocabulary.h"
#define FORWARD lepton_gelu_erf_forward_avx2
#define BACKWARD lepton_gelu_erf_backward_avx2
#include "gelu_erf_body.h"

#else

// Never selected: lepton_cpu_features reports no AVX2 off x86-64.
void lepton_gelu_erf_forward_avx2(const float *x, float *y, long count) {
    (void)x; (void)y; (void)count;
    __builtin_trap();
}

void lepton_gelu_erf_backward_avx2(const float *x, const float *dy, float *dx, long count, int accumulate) {
    (void)x; (void)dy; (void)dx; (void)count; (void)accumulate;
    __builtin_trap();
}

#endif
