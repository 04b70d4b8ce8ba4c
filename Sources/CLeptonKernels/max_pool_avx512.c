// Max pooling's forward pass over one unpadded image with AVX-512 F (sixteen lanes): `max_pool_body.h`, bit-identical
// to the portable Swift loop and to the AVX2 loop, winners included.

#define VECTOR_BITS 512
#define FUNCTION lepton_max_pool_forward_avx512
#include "max_pool_body.h"
