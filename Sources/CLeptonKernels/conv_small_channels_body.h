// The body of the direct convolution for few input channels, written once in the vector vocabulary
// (`vector_vocabulary.h`) for the file that includes it, which defines VECTOR_BITS and FUNCTION, the exported
// function's name (`conv_small_channels_avx512.c`: 16-lane ZMM, `conv_small_channels_avx2.c`: 8-lane YMM).
//
// Stride 1, no padding, with bias and ReLU fused and, optionally, 2×2 max pooling (stride 2) fused too: the
// convolution's outputs never leave the registers. One image per call. Output channels go in blocks of 2·LANES (two
// registers per position), four positions at a time (eight accumulators): a pooled output computes the four
// convolution outputs of its 2×2 window together, takes their maximum, adds the bias and applies ReLU — max, then
// bias, then ReLU equals pooling the biased, rectified outputs, since both are monotone; without pooling, four
// neighbouring positions of a row go together and the last columns of a row one at a time. For training, a pooled
// call can record each pooled value's winner (`winners`, offsets within the image's convolution output, the first of
// equal values winning); it then returns non-zero when the image produced NaN or infinity, which a `>` compare cannot
// pool like max pooling does, and the caller recomputes that image by the separate passes.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include "vector_vocabulary.h"

TARGET __attribute__((always_inline))
static inline void accumulate(const float *input, long width, long cin, const float *weights, long kh, long kw,
                              long cout, long row, long column, MASK m0, MASK m1, int full0, int full1, VEC *a0,
                              VEC *a1) {
    for (long i = 0; i < kh; i++) {
        const float *line = input + ((row + i) * width + column) * cin;
        const float *tap = weights + i * kw * cin * cout;
        for (long j = 0; j < kw * cin; j++) {
            const VEC x = SET1(line[j]);
            *a0 = FMA(x, LOAD_EDGE(full0, m0, tap + j * cout), *a0);
            *a1 = FMA(x, LOAD_EDGE(full1, m1, tap + j * cout + LANES), *a1);
        }
    }
}

// The outputs at four positions at once — `origin` and the positions `o1`, `o2`, `o3` floats after it: the 2×2 window
// of a pooled output, or four neighbours in a row — with each tap's weights loaded once for all four and eight
// independent accumulator chains, so the FMA latency is hidden (one position at a time has two chains). Each
// accumulator sums the taps in the same order as `accumulate`, so the results are the same bit for bit.
TARGET __attribute__((always_inline))
static inline void accumulate_four(const float *origin, long width, long cin, const float *weights, long kh, long kw,
                                   long cout, long o1, long o2, long o3, MASK m0, MASK m1, int full0, int full1,
                                   VEC a0[4], VEC a1[4]) {
    for (long i = 0; i < kh; i++) {
        const float *line = origin + i * width * cin;
        const float *tap = weights + i * kw * cin * cout;
        for (long j = 0; j < kw * cin; j++) {
            const VEC w0 = LOAD_EDGE(full0, m0, tap + j * cout);
            const VEC w1 = LOAD_EDGE(full1, m1, tap + j * cout + LANES);
            const VEC x0 = SET1(line[j]), x1 = SET1(line[j + o1]), x2 = SET1(line[j + o2]), x3 = SET1(line[j + o3]);
            a0[0] = FMA(x0, w0, a0[0]);
            a1[0] = FMA(x0, w1, a1[0]);
            a0[1] = FMA(x1, w0, a0[1]);
            a1[1] = FMA(x1, w1, a1[1]);
            a0[2] = FMA(x2, w0, a0[2]);
            a1[2] = FMA(x2, w1, a1[2]);
            a0[3] = FMA(x3, w0, a0[3]);
            a1[3] = FMA(x3, w1, a1[3]);
        }
    }
}

// Adds the bias, applies ReLU when asked and stores one position's block of output channels.
TARGET __attribute__((always_inline))
static inline void finish(VEC v0, VEC v1, VEC b0, VEC b1, int relu, float *out, MASK m0, MASK m1, int full0,
                          int full1) {
    v0 = ADD(v0, b0);
    v1 = ADD(v1, b1);
    if (relu) {
        // MAX(0, v): max_ps returns its second operand when one is NaN, so NaN stays NaN, as the Swift ReLU gives.
        v0 = MAX(ZERO(), v0);
        v1 = MAX(ZERO(), v1);
    }
    STORE_EDGE(full0, out, m0, v0);
    STORE_EDGE(full1, out + LANES, m1, v1);
}

#if VECTOR_BITS == 512
#define CONV_LANE_INDICES() _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#else
#define CONV_LANE_INDICES() _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#endif

// The largest of a window's four accumulators and, per lane, the offset of the one that won (`offsets[q] + lane`):
// compared in window order with `>`, so the first of equal values wins, as in max pooling's own loop. NaN never wins
// a `>` compare; the caller's probe reports it.
TARGET __attribute__((always_inline))
static inline VEC window_winner(const VEC a[4], const long offsets[4], IVEC lanes, IVEC *winner) {
    VEC best = a[0];
    IVEC index = ADD_I(SETI((int32_t)offsets[0]), lanes);
    for (int q = 1; q < 4; q++) {
        const __auto_type wins = CMP(a[q], best, _CMP_GT_OQ);
        best = SELECT(wins, a[q], best);
        index = AS_INT(SELECT(wins, AS_FLOAT(ADD_I(SETI((int32_t)offsets[q]), lanes)), AS_FLOAT(index)));
    }
    *winner = index;
    return best;
}

TARGET
int FUNCTION(const float *input, long height, long width, long cin, const float *weights, long kh, long kw,
             long cout, const float *bias, int relu, int pool, float *output, int32_t *winners) {
    const long outHeight = height - kh + 1, outWidth = width - kw + 1;
    const long rows = pool ? outHeight / 2 : outHeight, columns = pool ? outWidth / 2 : outWidth;
    const IVEC lane_offsets = CONV_LANE_INDICES();
    VEC probe = ZERO();
    for (long block = 0; block < cout; block += 2 * LANES) {
        const long lanes = cout - block;
        const MASK m0 = MASK_FIRST(lanes), m1 = MASK_FIRST(lanes - LANES);
        const int full0 = lanes >= LANES, full1 = lanes >= 2 * LANES;
        const float *w = weights + block;
        const VEC b0 = bias ? LOAD_EDGE(full0, m0, bias + block) : ZERO();
        const VEC b1 = bias ? LOAD_EDGE(full1, m1, bias + block + LANES) : ZERO();
        for (long r = 0; r < rows; r++) {
            float *outRow = output + r * columns * cout + block;
            if (pool) {
                for (long c = 0; c < columns; c++) {
                    VEC a0[4] = {ZERO(), ZERO(), ZERO(), ZERO()}, a1[4] = {ZERO(), ZERO(), ZERO(), ZERO()};
                    accumulate_four(input + (2 * r * width + 2 * c) * cin, width, cin, w, kh, kw, cout, cin,
                                    width * cin, (width + 1) * cin, m0, m1, full0, full1, a0, a1);
                    if (!winners) {
                        finish(MAX(MAX(a0[0], a0[1]), MAX(a0[2], a0[3])), MAX(MAX(a1[0], a1[1]), MAX(a1[2], a1[3])),
                               b0, b1, relu, outRow + c * cout, m0, m1, full0, full1);
                        continue;
                    }
                    // The window's convolution outputs within the image, channel `block` of each.
                    const long top = (2 * r * outWidth + 2 * c) * cout + block;
                    const long offsets[4] = {top, top + cout, top + outWidth * cout, top + (outWidth + 1) * cout};
                    IVEC winner0, winner1;
                    const VEC best0 = window_winner(a0, offsets, lane_offsets, &winner0);
                    const long offsets1[4] = {offsets[0] + LANES, offsets[1] + LANES, offsets[2] + LANES,
                                              offsets[3] + LANES};
                    const VEC best1 = window_winner(a1, offsets1, lane_offsets, &winner1);
                    for (int q = 0; q < 4; q++) probe = ADD(probe, ADD(MUL(a0[q], ZERO()), MUL(a1[q], ZERO())));
                    finish(best0, best1, b0, b1, relu, outRow + c * cout, m0, m1, full0, full1);
                    int32_t *slots = winners + (r * columns + c) * cout + block;
                    STORE_EDGE(full0, (float *)slots, m0, AS_FLOAT(winner0));
                    STORE_EDGE(full1, (float *)(slots + LANES), m1, AS_FLOAT(winner1));
                }
                continue;
            }
            long c = 0;
            for (; c + 4 <= columns; c += 4) {
                VEC a0[4] = {ZERO(), ZERO(), ZERO(), ZERO()}, a1[4] = {ZERO(), ZERO(), ZERO(), ZERO()};
                accumulate_four(input + (r * width + c) * cin, width, cin, w, kh, kw, cout, cin, 2 * cin, 3 * cin, m0,
                                m1, full0, full1, a0, a1);
                for (int q = 0; q < 4; q++) {
                    finish(a0[q], a1[q], b0, b1, relu, outRow + (c + q) * cout, m0, m1, full0, full1);
                }
            }
            for (; c < columns; c++) {
                VEC v0 = ZERO(), v1 = ZERO();
                accumulate(input, width, cin, w, kh, kw, cout, r, c, m0, m1, full0, full1, &v0, &v1);
                finish(v0, v1, b0, b1, relu, outRow + c * cout, m0, m1, full0, full1);
            }
        }
    }
    float sums[LANES];
    STOREU(sums, probe);
    for (int lane = 0; lane < LANES; lane++) {
        if (sums[lane] != sums[lane]) return 1;
    }
    return 0;
}

#else

int FUNCTION(const float *input, long height, long width, long cin, const float *weights, long kh, long kw, long cout,
             const float *bias, int relu, int pool, float *output, int32_t *winners) {
    (void)input; (void)height; (void)width; (void)cin; (void)weights; (void)kh; (void)kw; (void)cout; (void)bias;
    (void)relu; (void)pool; (void)output; (void)winners;
    __builtin_trap();  // Never selected: lepton_cpu_features reports neither AVX2 nor AVX-512 off x86-64.
}

#endif
