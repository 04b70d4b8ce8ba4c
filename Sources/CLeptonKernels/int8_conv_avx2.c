// The int8 direct convolution with AVX2, for CPUs without AVX-512 VNNI: `vpmaddubsw` on |a| and w carrying a's
// sign (`vpsignb`), then `vpmaddwd` by ones, gives each lane's four products as one int32; 16 output channels per
// block in two YMM registers. The loop itself is `int8_conv_body.h`, shared with the AVX-512 VNNI file.

#define VECTOR_BITS 256
#define FUNCTION lepton_int8_conv_avx2
#define INT8_TARGET __attribute__((target("avx2")))
#define ZERO_CODE 0
#define QUANTIZE_BYTES(q, codes)                                                                                   \
    _mm_storel_epi64((__m128i *)(q), _mm_packs_epi16(_mm_packs_epi32(_mm256_castsi256_si128(codes),              \
                                                                     _mm256_extracti128_si256(codes, 1)),        \
                                                     _mm_setzero_si128()))
#define DOT4(acc, a, w)                                                                                            \
    _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_abs_epi8(a), _mm256_sign_epi8(w, a)),     \
                                            _mm256_set1_epi16(1)))
#include "int8_conv_body.h"
