// Max pooling's forward pass over one unpadded image with AVX-512 F (sixteen lanes): `max_pool_body.h`, bit-identical
// The routing step of its backward pass for windows that tile the image: `max_pool_route_body.h`.
// to the portable Swift loop and to the AVX2 loop, winners included.

#define VECTOR_BITS 512
#define FUNCTION lepton_max_pool_forward_avx512
#include "max_pool_body.h"

#define ROUTE_FUNCTION lepton_max_pool_route_avx512
#include "max_pool_route_body.h"
