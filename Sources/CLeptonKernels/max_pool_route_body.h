// The body of the routing step of max pooling's backward pass over one image, written once in the vector vocabulary
// (`vector_vocabulary.h`) for the file that includes it, which defines VECTOR_BITS and ROUTE_FUNCTION, the exported
// function's name (`max_pool_avx512.c`: 16 lanes, `max_pool_avx2.c`: 8 lanes).
//
// For windows that tile the image — the stride is the window, no padding — every input cell belongs to exactly one
// window or to none (the rows and columns past the last window). Each window's cells are written once, LANES
// channels at a time (the last block masked): the pooled gradient where the recorded winner is that cell, 0 elsewhere;
// with `relu`, a pooled output that is not positive (0, or NaN) routes nothing, the zero slope of a ReLU fused before
// the pooling. Cells outside every window get 0. Winners are offsets within the image; one outside its window routes
// nothing.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include "vector_vocabulary.h"

#if VECTOR_BITS == 512
#define ROUTE_LANE_INDICES() _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define ROUTE_WHERE_EQUAL(a, b, value) _mm512_maskz_mov_ps(_mm512_cmpeq_epi32_mask(a, b), value)
#else
#define ROUTE_LANE_INDICES() _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#define ROUTE_WHERE_EQUAL(a, b, value) _mm256_and_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b)), value)
#endif

TARGET
void ROUTE_FUNCTION(const float *pooled_gradient, const float *pooled_output, const int32_t *winners, int relu,
                    long height, long width, long channels, long window_height, long window_width, long out_height,
                    long out_width, float *gradient) {
    const long row_stride = width * channels;
    const long covered_columns = out_width * window_width;
    const IVEC lanes = ROUTE_LANE_INDICES();
    long source = 0;
    for (long out_row = 0; out_row < out_height; out_row++) {
        for (long out_column = 0; out_column < out_width; out_column++) {
            const long corner = out_row * window_height * row_stride + out_column * window_width * channels;
            for (long channel = 0; channel < channels; channel += LANES) {
                const long count = channels - channel;
                const int full = count >= LANES;
                const MASK mask = MASK_FIRST(count);
                const IVEC winner = AS_INT(LOAD_EDGE(full, mask, (const float *)(winners + source)));
                VEC value = LOAD_EDGE(full, mask, pooled_gradient + source);
                if (relu) {
                    const VEC output = LOAD_EDGE(full, mask, pooled_output + source);
                    value = SELECT(CMP(output, ZERO(), _CMP_GT_OQ), value, ZERO());
                }
                for (long row = 0; row < window_height; row++) {
                    for (long column = 0; column < window_width; column++) {
                        const long offset = corner + row * row_stride + column * channels + channel;
                        const IVEC here = ADD_I(SETI((int32_t)offset), lanes);
                        STORE_EDGE(full, gradient + offset, mask, ROUTE_WHERE_EQUAL(winner, here, value));
                    }
                }
                source += full ? LANES : count;
            }
        }
        for (long row = 0; row < window_height && covered_columns < width; row++) {
            float *rest = gradient + (out_row * window_height + row) * row_stride + covered_columns * channels;
            for (long index = 0; index < (width - covered_columns) * channels; index++) rest[index] = 0;
        }
    }
    for (long index = out_height * window_height * row_stride; index < height * row_stride; index++) gradient[index] = 0;
}

#else

void ROUTE_FUNCTION(const float *pooled_gradient, const float *pooled_output, const int32_t *winners, int relu,
                    long height, long width, long channels, long window_height, long window_width, long out_height,
                    long out_width, float *gradient) {
    (void)pooled_gradient; (void)pooled_output; (void)winners; (void)relu; (void)height; (void)width; (void)channels;
    (void)window_height; (void)window_width; (void)out_height; (void)out_width; (void)gradient;
    __builtin_trap();  // Never selected: lepton_cpu_features reports neither AVX2 nor AVX-512 off x86-64.
}

#endif
