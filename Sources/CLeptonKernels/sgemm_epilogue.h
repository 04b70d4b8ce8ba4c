// The epilogue of the SGEMM loops, written once in the vector vocabulary (`vector_vocabulary.h`) for AVX2 and
// AVX-512: one row of a 2·LANES-column result (two accumulators) scaled by alpha, plus beta times the old C, the
// column bias, then the row bias, then ReLU, stored through lane masks so a tile at the right edge touches no element
// past its `nr` columns. (The packed AVX-512 tile, `sgemm_tile_avx512.c`, adds the two biases to each other first
// and keeps its own epilogue.)

#ifndef LEPTON_SGEMM_EPILOGUE_H
#define LEPTON_SGEMM_EPILOGUE_H

#include "CLeptonKernels.h"
#include "vector_vocabulary.h"

/// The lane masks, column bias and constants of one tile's epilogue.
typedef struct {
    MASK mask0, mask1;
    VEC col_bias0, col_bias1, alpha, beta;
    /// Whether all 2·LANES columns are stored (AVX2 then stores without masks).
    int full;
} LeptonEpilogueVectors;

TARGET __attribute__((always_inline))
static inline LeptonEpilogueVectors lepton_epilogue_vectors(long nr, const LeptonTileEpilogue *ep) {
    LeptonEpilogueVectors e;
    e.mask0 = MASK_FIRST(nr);
    e.mask1 = MASK_FIRST(nr - LANES);
    e.full = nr >= 2 * LANES;
    e.col_bias0 = ep->col_bias ? LOAD(e.mask0, ep->col_bias) : ZERO();
    e.col_bias1 = ep->col_bias ? LOAD(e.mask1, ep->col_bias + LANES) : ZERO();
    e.alpha = SET1(ep->alpha);
    e.beta = SET1(ep->beta);
    return e;
}

/// Stores row `i` of the tile: `out` is that row of C.
TARGET __attribute__((always_inline))
static inline void lepton_store_row(float *out, long i, VEC s0, VEC s1, const LeptonEpilogueVectors *e,
                                    const LeptonTileEpilogue *ep) {
    VEC v0 = MUL(s0, e->alpha), v1 = MUL(s1, e->alpha);
    if (ep->beta != 0.0f) {
        v0 = FMA(LOAD(e->mask0, out), e->beta, v0);
        v1 = FMA(LOAD(e->mask1, out + LANES), e->beta, v1);
    }
    v0 = ADD(v0, e->col_bias0);
    v1 = ADD(v1, e->col_bias1);
    if (ep->row_bias) {
        const VEC rowBias = SET1(ep->row_bias[i]);
        v0 = ADD(v0, rowBias);
        v1 = ADD(v1, rowBias);
    }
    if (ep->relu) {
        // ReLU as MAX(0, v): max_ps returns its second operand when one is NaN, so NaN stays NaN (as the Swift loops
        // and PyTorch's relu give), where MAX(v, 0) would make it 0.
        v0 = MAX(ZERO(), v0);
        v1 = MAX(ZERO(), v1);
    }
    STORE_EDGE(e->full, out, e->mask0, v0);
    STORE_EDGE(e->full, out + LANES, e->mask1, v1);
}

#endif
