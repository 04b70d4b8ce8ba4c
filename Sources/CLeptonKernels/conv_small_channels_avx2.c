// AVX2 + FMA direct convolution for few input channels (the first layer of an image model), for CPUs without
// AVX-512: 16 output channels per block in two YMM registers, masked loads and stores for a partial block. The
// loop itself is `conv_small_channels_body.h`, shared with the AVX-512 file.

#define VECTOR_BITS 256
#define FUNCTION lepton_conv_small_channels_avx2
#include "conv_small_channels_body.h"
