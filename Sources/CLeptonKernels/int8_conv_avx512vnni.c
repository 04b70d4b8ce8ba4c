// The int8 direct convolution with AVX-512 VNNI: `vpdpbusd` multiplies the unsigned activation codes (int8 + 128)
// by the signed weights and adds each lane's four products to its int32 sum in one instruction; 32 output channels
// per block in two ZMM registers. The loop itself is `int8_conv_body.h`, shared with the AVX2 file.

#define VECTOR_BITS 512
#define FUNCTION lepton_int8_conv_avx512vnni
#define INT8_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma")))
#define ZERO_CODE 0x80
#define QUANTIZE_BYTES(q, codes) \
    _mm_storeu_si128((__m128i *)(q), _mm_xor_si128(_mm512_cvtepi32_epi8(codes), _mm_set1_epi8((char)0x80)))
#define DOT4(acc, a, w) _mm512_dpbusd_epi32(acc, a, w)
#include "int8_conv_body.h"
