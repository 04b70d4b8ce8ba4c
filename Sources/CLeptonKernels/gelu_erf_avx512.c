// The exact (erf) GELU forward and backward loops with AVX-512 F (sixteen lanes): `gelu_erf_body.h`, bit-identical to the
// portable Swift loop and to the AVX2 loop.

#include "CLeptonKernels.h"

#define VECTOR_BITS 512
#define FORWARD lepton_gelu_erf_forward_avx512
#define BACKWARD lepton_gelu_erf_backward_avx512
#include "gelu_erf_body.h"
