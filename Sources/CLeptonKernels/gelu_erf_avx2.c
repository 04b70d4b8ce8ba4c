// The exact (erf) GELU forward and backward loops with AVX2 (eight lanes): `gelu_erf_body.h`, bit-identical to the
// portable Swift loop and to the AVX-512 loop.

#include "CLeptonKernels.h"

#define VECTOR_BITS 256
#define FORWARD lepton_gelu_erf_forward_avx2
#define BACKWARD lepton_gelu_erf_backward_avx2
#include "gelu_erf_body.h"
