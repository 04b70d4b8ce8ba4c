// The body of max pooling's forward pass over one image without padding, written once in the vector vocabulary
// (`vector_vocabulary.h`) for the file that includes it, which defines VECTOR_BITS and FUNCTION, the exported
// function's name (`max_pool_avx512.c`: 16 lanes, `max_pool_avx2.c`: 8 lanes).
//
// Channels go LANES at a time (the last block masked); each window is a compare-and-select in the order of the
// portable Swift loop (`Pooling.maxForwardUnpadded`): the window's first element, then the others row by row, a
// candidate winning only when strictly greater, so ties keep the first and the values and winners are the same bit
// for bit. NaN never wins a `>` compare, so the loop adds every value times zero into a probe and reports an image
// holding NaN or infinity; the caller then recomputes that image with NaN propagation.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include "vector_vocabulary.h"

#if VECTOR_BITS == 512
#define LANE_INDICES() _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#else
#define LANE_INDICES() _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#endif

TARGET
int FUNCTION(const float *image, long height, long width, long channels, long window_height, long window_width,
             long stride_height, long stride_width, long out_height, long out_width, long image_offset, float *output,
             int32_t *argmax) {
    (void)height;
    const long row_stride = width * channels;
    const IVEC lanes = LANE_INDICES();
    VEC probe = ZERO();
    long target = 0;
    for (long out_row = 0; out_row < out_height; out_row++) {
        for (long out_column = 0; out_column < out_width; out_column++) {
            const long corner = out_row * stride_height * row_stride + out_column * stride_width * channels;
            for (long channel = 0; channel < channels; channel += LANES) {
                const long count = channels - channel;
                const int full = count >= LANES;
                const MASK mask = MASK_FIRST(count);
                VEC best = LOAD_EDGE(full, mask, image + corner + channel);
                IVEC best_offset = SETI((int32_t)(image_offset + corner + channel));
                probe = ADD(probe, MUL(best, ZERO()));
                for (long row = 0; row < window_height; row++) {
                    for (long column = 0; column < window_width; column++) {
                        if (row == 0 && column == 0) continue;
                        const long offset = corner + row * row_stride + column * channels + channel;
                        const VEC candidate = LOAD_EDGE(full, mask, image + offset);
                        const __auto_type wins = CMP(candidate, best, _CMP_GT_OQ);
                        best = SELECT(wins, candidate, best);
                        best_offset = AS_INT(SELECT(wins, AS_FLOAT(SETI((int32_t)(image_offset + offset))),
                                                    AS_FLOAT(best_offset)));
                        probe = ADD(probe, MUL(candidate, ZERO()));
                    }
                }
                STORE_EDGE(full, output + target, mask, best);
                if (argmax) STORE_EDGE(full, (float *)(argmax + target), mask, AS_FLOAT(ADD_I(best_offset, lanes)));
                target += full ? LANES : count;
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

int FUNCTION(const float *image, long height, long width, long channels, long window_height, long window_width,
             long stride_height, long stride_width, long out_height, long out_width, long image_offset, float *output,
             int32_t *argmax) {
    (void)image; (void)height; (void)width; (void)channels; (void)window_height; (void)window_width;
    (void)stride_height; (void)stride_width; (void)out_height; (void)out_width; (void)image_offset; (void)output;
    (void)argmax;
    __builtin_trap();  // Never selected: lepton_cpu_features reports neither AVX2 nor AVX-512 off x86-64.
}

#endif
