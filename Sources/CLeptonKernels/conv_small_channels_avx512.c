// AVX-512 direct convolution for few input channels (the first layer of an image model): 32 output channels per
// block in two ZMM registers. The loop itself is `conv_small_channels_body.h`, shared with the AVX2 file.

#define VECTOR_BITS 512
#define FUNCTION lepton_conv_small_channels_avx512
#include "conv_small_channels_body.h"
