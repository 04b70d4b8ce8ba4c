// The body of the int8 direct convolution, written once in the vector vocabulary (`vector_vocabulary.h`) for the
// file that includes it. That file defines VECTOR_BITS, FUNCTION (the exported name), INT8_TARGET (the function
// attribute), ZERO_CODE (the byte standing for a quantised 0), QUANTIZE_BYTES(i) (sixteen or eight clamped int32
// codes to their bytes, see below) and DOT4(acc, a, w) (per 32-bit lane: acc + the sum of four byte products of the
// activation bytes a, broadcast, and the weight bytes w):
//   - `int8_conv_avx512vnni.c`: `vpdpbusd` on unsigned activations (the int8 code + 128, so ZERO_CODE is 0x80) and
//     signed weights; the epilogue subtracts 128 · (sum of the channel's weights) again;
//   - `int8_conv_avx2.c`: `vpmaddubsw` on |a| and w with a's sign, then `vpmaddwd` by ones (signed codes,
//     ZERO_CODE 0, nothing to subtract; |a|, |w| <= 127 keeps the pair sums below int16 saturation).
//
// One image per call, no im2col: the image is quantised once into `scratch` with its zero padding around it
// (`q = round-to-nearest-even(x / scale)` clamped to [-127, 127]), and every output position reads its window
// from there. The packed weights hold, per kernel row, the `kw · cin` taps padded to a multiple of 4 (`segment`),
// so each group of four bytes of a window row is one 32-bit broadcast; the up to three bytes read past a window
// row meet zero weights. Output channels go in blocks of 2·LANES (two registers), four output positions at a time
// (four columns of a row, or with `pool` the 2×2 window of one pooled output, whose int32 sums are reduced with max
// before the epilogue: the epilogue is monotone, so this equals pooling its results). The epilogue converts the
// exact int32 sum to float, multiplies by `input scale · channel scale`, adds the bias and applies ReLU. An image
// holding NaN or infinity gives NaN outputs.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include "vector_vocabulary.h"

#define MAX_I(a, b) LEPTON_EPI32(max)(a, b)
#define MIN_I(a, b) LEPTON_EPI32(min)(a, b)
#define TO_FLOAT_I(i) LEPTON_PASTE(_mm, VECTOR_BITS, _cvtepi32_ps)(i)
#define ROUND_I(v) LEPTON_PASTE(_mm, VECTOR_BITS, _cvtps_epi32)(v)
#define LOADU_I(p) LEPTON_SI(loadu)((const IVEC *)(p))

/// Four bytes at `p` broadcast to every 32-bit lane.
INT8_TARGET __attribute__((always_inline))
static inline IVEC broadcast4(const uint8_t *p) {
    int32_t four;
    __builtin_memcpy(&four, p, 4);
    return SETI(four);
}

/// The largest |x| of `count` floats.
INT8_TARGET
static float largest_magnitude(const float *x, long count) {
    const VEC sign = AS_FLOAT(SETI(0x7FFFFFFF));
    VEC largest = ZERO();
    long j = 0;
    for (; j + LANES <= count; j += LANES) largest = MAX(largest, AND_BITS(LOADU(x + j), sign));
    float lanes[LANES];
    STOREU(lanes, largest);
    float result = 0;
    for (int l = 0; l < LANES; l++) result = lanes[l] > result ? lanes[l] : result;
    for (; j < count; j++) {
        const float magnitude = x[j] < 0 ? -x[j] : x[j];
        result = magnitude > result ? magnitude : result;
    }
    return result;
}

/// Quantises `count` floats to bytes (codes for the loop: see ZERO_CODE); returns whether all of them were finite.
INT8_TARGET
static int quantize_line(const float *x, long count, float inverse, uint8_t *q) {
    const VEC scale = SET1(inverse);
    const IVEC low = SETI(-127), high = SETI(127);
    VEC poison = ZERO();  // x · 0 summed: NaN exactly when some x is NaN or infinite
    long j = 0;
    for (; j + LANES <= count; j += LANES) {
        const VEC v = LOADU(x + j);
        poison = ADD(poison, MUL(v, ZERO()));
        const IVEC codes = MIN_I(MAX_I(ROUND_I(MUL(v, scale)), low), high);
        QUANTIZE_BYTES(q + j, codes);
    }
    float lanes[LANES];
    STOREU(lanes, poison);
    float tail = 0;
    for (int l = 0; l < LANES; l++) tail += lanes[l];
    for (; j < count; j++) {
        tail += x[j] * 0.0f;
        int code = _mm_cvtss_si32(_mm_set_ss(x[j] * inverse));  // the vector loop's rounding (MXCSR: to even)
        code = code < -127 ? -127 : (code > 127 ? 127 : code);
        q[j] = (uint8_t)((uint8_t)(int8_t)code ^ (uint8_t)ZERO_CODE);
    }
    return tail == tail;
}

/// Accumulates four output positions (window origins `p[0..3]` in the padded image) for two vectors of channels.
INT8_TARGET __attribute__((always_inline))
static inline void accumulate4(const uint8_t *const p[4], long line, const int8_t *w, long kh, long groups,
                               IVEC acc[4][2]) {
    for (int q = 0; q < 4; q++) acc[q][0] = acc[q][1] = SETI(0);
    for (long i = 0; i < kh; i++) {
        for (long g = 0; g < groups; g++) {
            const int8_t *tap = w + (i * groups + g) * 128;
            const IVEC w0 = LOADU_I(tap), w1 = LOADU_I(tap + 4 * LANES);
            for (int q = 0; q < 4; q++) {
                const IVEC a = broadcast4(p[q] + i * line + 4 * g);
                acc[q][0] = DOT4(acc[q][0], a, w0);
                acc[q][1] = DOT4(acc[q][1], a, w1);
            }
        }
    }
}

/// Dequantises two vectors of sums, adds the bias, applies ReLU and stores the `m0`/`m1` lanes at `out`.
INT8_TARGET __attribute__((always_inline))
static inline void finish(IVEC s0, IVEC s1, const IVEC c[2], const VEC scale[2], const VEC bias[2], int relu,
                          MASK m0, MASK m1, float *out) {
    VEC v0 = ADD(MUL(TO_FLOAT_I(SUB_I(s0, c[0])), scale[0]), bias[0]);
    VEC v1 = ADD(MUL(TO_FLOAT_I(SUB_I(s1, c[1])), scale[1]), bias[1]);
    if (relu) {
        // MAX(0, v): NaN (a NaN scale) stays NaN, as the Swift ReLU gives.
        v0 = MAX(ZERO(), v0);
        v1 = MAX(ZERO(), v1);
    }
    STORE(out, m0, v0);
    STORE(out + LANES, m1, v1);
}

INT8_TARGET
void FUNCTION(const LeptonInt8Convolution *conv, const float *image, float input_scale, uint8_t *scratch,
              float *output) {
    const long cin = conv->cin, cout = conv->cout, wp = conv->padded_width;
    const long line = wp * cin, row_bytes = conv->width * cin;
    float scale = input_scale;
    if (!(scale > 0)) {
        const float largest = largest_magnitude(image, conv->height * row_bytes);
        scale = largest > 0 ? largest / 127.0f : 1.0f;
    }
    const float inverse = 1.0f / scale;
    __builtin_memset(scratch, ZERO_CODE, (size_t)(conv->padded_height * line + 64));
    int finite = 1;
    for (long r = 0; r < conv->height; r++) {
        finite &= quantize_line(image + r * row_bytes, row_bytes, inverse,
                                scratch + ((r + conv->pad_top) * wp + conv->pad_left) * cin);
    }
    // NaN or infinity cannot be quantised: every output of the image becomes NaN (a NaN scale), as in the float
    // convolution's outputs that read it, rather than a finite answer computed from clamped codes.
    if (!finite) scale = __builtin_nanf("");

    const long groups = conv->segment / 4, depth = conv->kh * conv->segment;
    const long rows = conv->pool ? conv->out_height / 2 : conv->out_height;
    const long columns = conv->pool ? conv->out_width / 2 : conv->out_width;
    const long step_h = conv->stride_h * line, step_w = conv->stride_w * cin;
    const VEC input = SET1(scale);
    for (long block = 0; block < cout; block += 2 * LANES) {
        // Panels of 32 channels; AVX2 (2·LANES = 16) takes each panel in two halves of 64 bytes per group.
        const int8_t *w = conv->packed_weights + (block / 32) * depth * 32 + (block % 32) * 4;
        const MASK m0 = MASK_FIRST(cout - block), m1 = MASK_FIRST(cout - block - LANES);
        const VEC scale2[2] = {MUL(input, LOADU(conv->channel_scale + block)),
                               MUL(input, LOADU(conv->channel_scale + block + LANES))};
        const VEC bias2[2] = {conv->bias ? LOADU(conv->bias + block) : ZERO(),
                              conv->bias ? LOADU(conv->bias + block + LANES) : ZERO()};
        const IVEC correction[2] = {LEPTON_EPI32(mullo)(SETI(ZERO_CODE), LOADU_I(conv->channel_sums + block)),
                                    LEPTON_EPI32(mullo)(SETI(ZERO_CODE), LOADU_I(conv->channel_sums + block + LANES))};
        for (long r = 0; r < rows; r++) {
            for (long c = 0; c < columns; c += conv->pool ? 1 : 4) {
                const uint8_t *p[4];
                IVEC acc[4][2];
                if (conv->pool) {
                    const uint8_t *origin = scratch + 2 * r * step_h + 2 * c * step_w;
                    p[0] = origin;
                    p[1] = origin + step_w;
                    p[2] = origin + step_h;
                    p[3] = origin + step_h + step_w;
                    accumulate4(p, line, w, conv->kh, groups, acc);
                    const IVEC s0 = MAX_I(MAX_I(acc[0][0], acc[1][0]), MAX_I(acc[2][0], acc[3][0]));
                    const IVEC s1 = MAX_I(MAX_I(acc[0][1], acc[1][1]), MAX_I(acc[2][1], acc[3][1]));
                    finish(s0, s1, correction, scale2, bias2, conv->relu, m0, m1, output + (r * columns + c) * cout + block);
                } else {
                    // Past the row's end, the last column is computed again and not stored.
                    for (int q = 0; q < 4; q++) {
                        const long column = c + q < columns ? c + q : columns - 1;
                        p[q] = scratch + r * step_h + column * step_w;
                    }
                    accumulate4(p, line, w, conv->kh, groups, acc);
                    for (int q = 0; q < 4 && c + q < columns; q++) {
                        finish(acc[q][0], acc[q][1], correction, scale2, bias2, conv->relu, m0, m1,
                               output + (r * columns + c + q) * cout + block);
                    }
                }
            }
        }
    }
}

#else

void FUNCTION(const LeptonInt8Convolution *conv, const float *image, float input_scale, uint8_t *scratch,
              float *output) {
    (void)conv; (void)image; (void)input_scale; (void)scratch; (void)output;
    __builtin_trap();  // Never selected: lepton_cpu_features reports neither AVX2 nor AVX-512 off x86-64.
}

#endif
