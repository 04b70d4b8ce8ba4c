// Max pooling's forward pass over one unpadded image with AVX2 (eight lanes): `max_pool_body.h`.
// The routing step of its backward pass for windows that tile the image: `max_pool_route_body.h`.

#define VECTOR_BITS 256
#define FUNCTION lepton_max_pool_forward_avx2
#include "max_pool_body.h"

#define ROUTE_FUNCTION lepton_max_pool_route_avx2
#include "max_pool_route_body.h"
