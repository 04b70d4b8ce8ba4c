// The AVX2 + FMA register tiles for SGEMM: 6 rows x 16 columns held in 12 YMM accumulators, with A packed
// (`lepton_sgemm_tile_avx2_6x16`) or read where it is stored (`..._rows`). The loops themselves are
// `sgemm_tile_body.h`, shared with the AVX-512 file.

#define VECTOR_BITS 256
#define MR 6
// Prefetching B (and C, which both tiles prefetch): at n = 2048, 0.945 of OpenBLAS-Haswell's speed with it and 0.931
// without (1 thread), 0.950 and 0.917 at 2 threads (3 alternating rounds); no difference at n = 256 and 1024. The
// AVX-512 tile gained nothing from prefetching B.
#define TILE_PREFETCH_STEPS 8
#define ROWS_FUNCTION lepton_sgemm_tile_avx2_6x16_rows
#include "sgemm_tile_body.h"

#if defined(__x86_64__)

TARGET
void lepton_sgemm_tile_avx2_6x16(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                 long mr, long nr, const LeptonTileEpilogue *epilogue) {
    // Packed A: the mr values of depth step p are consecutive, at a + p * a_step.
    const float *a_row[MR];
    for (int i = 0; i < MR; i++) a_row[i] = a + i;
    tile(kc, a_row, a_step, b, b_stride, c, ldc, mr, nr, epilogue);
}

#else

void lepton_sgemm_tile_avx2_6x16(long kc, const float *a, long a_step, const float *b, long b_stride, float *c, long ldc,
                                 long mr, long nr, const LeptonTileEpilogue *epilogue) {
    (void)kc; (void)a; (void)a_step; (void)b; (void)b_stride; (void)c; (void)ldc; (void)mr; (void)nr; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

#endif
