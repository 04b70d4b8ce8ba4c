// The body of the direct convolution for few input channels, written once in the vector vocabulary
// (`vector_vocabulary.h`) for the file that includes it, which defines VECTOR_BITS and FUNCTION, the exported
// function's name (`conv_small_channels_avx512.c`: 16-lane ZMM, `conv_small_channels_avx2.c`: 8-lane YMM).
//
// Stride 1, no padding, with bias and ReLU fused and, optionally, 2×2 max pooling (stride 2) fused too: the
// convolution's outputs never leave the registers. One image per call. Output channels go in blocks of 2·LANES (two
// registers per position); a pooled output computes the four convolution outputs of its 2×2 window (eight
// accumulators), takes their maximum, adds the bias and applies ReLU — max, then bias, then ReLU equals pooling the
// biased, rectified outputs, since both are monotone.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include "vector_vocabulary.h"

TARGET __attribute__((always_inline))
static inline void accumulate(const float *input, long width, long cin, const float *weights, long kh, long kw,
                              long cout, long row, long column, MASK m0, MASK m1, VEC *a0, VEC *a1) {
    for (long i = 0; i < kh; i++) {
        const float *line = input + ((row + i) * width + column) * cin;
        const float *tap = weights + i * kw * cin * cout;
        for (long j = 0; j < kw * cin; j++) {
            const VEC x = SET1(line[j]);
            *a0 = FMA(x, LOAD(m0, tap + j * cout), *a0);
            *a1 = FMA(x, LOAD(m1, tap + j * cout + LANES), *a1);
        }
    }
}

TARGET
void FUNCTION(const float *input, long height, long width, long cin, const float *weights, long kh, long kw,
              long cout, const float *bias, int relu, int pool, float *output) {
    const long outHeight = height - kh + 1, outWidth = width - kw + 1;
    const long rows = pool ? outHeight / 2 : outHeight, columns = pool ? outWidth / 2 : outWidth;
    for (long block = 0; block < cout; block += 2 * LANES) {
        const long lanes = cout - block;
        const MASK m0 = MASK_FIRST(lanes), m1 = MASK_FIRST(lanes - LANES);
        const float *w = weights + block;
        const VEC b0 = bias ? LOAD(m0, bias + block) : ZERO();
        const VEC b1 = bias ? LOAD(m1, bias + block + LANES) : ZERO();
        for (long r = 0; r < rows; r++) {
            for (long c = 0; c < columns; c++) {
                VEC v0, v1;
                if (pool) {
                    VEC a0[4], a1[4];
                    for (int q = 0; q < 4; q++) {
                        a0[q] = ZERO();
                        a1[q] = ZERO();
                        accumulate(input, width, cin, w, kh, kw, cout, 2 * r + q / 2, 2 * c + q % 2, m0, m1, &a0[q],
                                   &a1[q]);
                    }
                    v0 = MAX(MAX(a0[0], a0[1]), MAX(a0[2], a0[3]));
                    v1 = MAX(MAX(a1[0], a1[1]), MAX(a1[2], a1[3]));
                } else {
                    v0 = ZERO();
                    v1 = ZERO();
                    accumulate(input, width, cin, w, kh, kw, cout, r, c, m0, m1, &v0, &v1);
                }
                v0 = ADD(v0, b0);
                v1 = ADD(v1, b1);
                if (relu) {
                    v0 = MAX(v0, ZERO());
                    v1 = MAX(v1, ZERO());
                }
                float *out = output + (r * columns + c) * cout + block;
                STORE(out, m0, v0);
                STORE(out + LANES, m1, v1);
            }
        }
    }
}

#else

void FUNCTION(const float *input, long height, long width, long cin, const float *weights, long kh, long kw, long cout,
              const float *bias, int relu, int pool, float *output) {
    (void)input; (void)height; (void)width; (void)cin; (void)weights; (void)kh; (void)kw; (void)cout; (void)bias;
    (void)relu; (void)pool; (void)output;
    __builtin_trap();  // Never selected: lepton_cpu_features reports neither AVX2 nor AVX-512 off x86-64.
}

#endif
