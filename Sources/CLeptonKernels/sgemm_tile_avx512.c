// The AVX-512 register tiles for SGEMM: 12 rows x 32 columns held in 24 ZMM accumulators, with A packed
// (`lepton_sgemm_tile_avx512_12x32`) or read where it is stored (`..._rows`). The depth loop and the tile that reads
// A in place are `sgemm_tile_body.h`, shared with the AVX2 file; the packed tile keeps its own epilogue, which adds
// the row bias to the column bias before adding both to the product.

#define VECTOR_BITS 512
#define MR 12
#define ROWS_FUNCTION lepton_sgemm_tile_avx512_12x32_rows
#include "sgemm_tile_body.h"

#if defined(__x86_64__)

/// `alpha · acc + beta · old + bias`, then ReLU when `relu`; `old` is read through `mask` only when beta is not 0.
TARGET
static inline VEC finish(VEC acc, const float *old, MASK mask, const LeptonEpilogueVectors *e,
                         const LeptonTileEpilogue *ep, VEC bias) {
    VEC value = MUL(acc, e->alpha);
    if (ep->beta != 0.0f) {
        value = FMA(LOAD(mask, old), e->beta, value);
    }
    value = ADD(value, bias);
    if (ep->relu) {
        value = MAX(ZERO(), value);  // NaN stays NaN: max_ps returns its second operand when one is NaN
    }
    return value;
}

TARGET
void lepton_sgemm_tile_avx512_12x32(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                    long mr, long nr, const LeptonTileEpilogue *epilogue) {
    // Packed A: the mr values of depth step p are consecutive, at a + p * a_step.
    const float *a_row[MR];
    for (int i = 0; i < MR; i++) a_row[i] = a + i;
    VEC acc0[MR], acc1[MR];
    prefetch_tile_of_c(c, ldc);
    tile_accumulate(kc, a_row, a_step, b, b_stride, acc0, acc1);
    const LeptonEpilogueVectors e = lepton_epilogue_vectors(nr, epilogue);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i < mr) {
            float *row = c + i * ldc;
            VEC bias0 = e.col_bias0, bias1 = e.col_bias1;
            if (epilogue->row_bias) {
                const VEC rowBias = SET1(epilogue->row_bias[i]);
                bias0 = ADD(bias0, rowBias);
                bias1 = ADD(bias1, rowBias);
            }
            STORE(row, e.mask0, finish(acc0[i], row, e.mask0, &e, epilogue, bias0));
            STORE(row + LANES, e.mask1, finish(acc1[i], row + LANES, e.mask1, &e, epilogue, bias1));
        }
    }
}

#else

void lepton_sgemm_tile_avx512_12x32(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                    long mr, long nr, const LeptonTileEpilogue *epilogue) {
    (void)kc; (void)a; (void)a_step; (void)b; (void)b_stride; (void)c; (void)ldc; (void)mr; (void)nr; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX-512 off x86-64.
}

#endif
