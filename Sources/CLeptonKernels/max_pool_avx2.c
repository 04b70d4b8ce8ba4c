// Max pooling's forward pass over one unpadded image with AVX2 (eight lanes): `max_pool_body.h`.

#define VECTOR_BITS 256
#define FUNCTION lepton_max_pool_forward_avx2
#include "max_pool_body.h"
