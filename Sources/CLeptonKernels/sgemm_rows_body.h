// The loop for products with very few rows (batch-1 inference, small batches), written once in the vector
// vocabulary (`vector_vocabulary.h`) for the file that includes it, which defines VECTOR_BITS and FUNCTION
// (`sgemm_rows_avx2.c`, `sgemm_rows_avx512.c`): up to 4 rows of C times 2·LANES columns, reading A and B where they
// are stored (no packing), with several accumulator sets along k so that the FMA pipelines stay busy even for a
// single row. B's rows are loaded through lane masks, so a sliver at the right edge reads nothing past its `nr`
// columns.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include "sgemm_epilogue.h"

TARGET __attribute__((always_inline))
static inline void rows_kernel(long kc, const int MR, const int U, const float *a, long lda, const float *b,
                               long b_stride, float *c, long ldc, long nr, const LeptonTileEpilogue *ep) {
    const LeptonEpilogueVectors e = lepton_epilogue_vectors(nr, ep);
    VEC acc[4][4][2];
    for (int u = 0; u < U; u++)
        for (int i = 0; i < MR; i++) {
            acc[u][i][0] = ZERO();
            acc[u][i][1] = ZERO();
        }
    long p = 0;
    for (; p + U <= kc; p += U) {
        for (int u = 0; u < U; u++) {
            const float *row = b + (p + u) * b_stride;
            const VEC b0 = LOAD_EDGE(e.full, e.mask0, row);
            const VEC b1 = LOAD_EDGE(e.full, e.mask1, row + LANES);
            for (int i = 0; i < MR; i++) {
                const VEC ai = BROADCAST(a + i * lda + p + u);
                acc[u][i][0] = FMA(ai, b0, acc[u][i][0]);
                acc[u][i][1] = FMA(ai, b1, acc[u][i][1]);
            }
        }
    }
    for (; p < kc; p++) {
        const float *row = b + p * b_stride;
        const VEC b0 = LOAD(e.mask0, row);
        const VEC b1 = LOAD(e.mask1, row + LANES);
        for (int i = 0; i < MR; i++) {
            const VEC ai = BROADCAST(a + i * lda + p);
            acc[0][i][0] = FMA(ai, b0, acc[0][i][0]);
            acc[0][i][1] = FMA(ai, b1, acc[0][i][1]);
        }
    }
    for (int i = 0; i < MR; i++) {
        VEC s0 = acc[0][i][0], s1 = acc[0][i][1];
        for (int u = 1; u < U; u++) {
            s0 = ADD(s0, acc[u][i][0]);
            s1 = ADD(s1, acc[u][i][1]);
        }
        lepton_store_row(c + i * ldc, i, s0, s1, &e, ep);
    }
}

TARGET
void FUNCTION(long kc, long mr, const float *a, long lda, const float *b, long b_stride, float *c, long ldc, long nr,
              const LeptonTileEpilogue *epilogue) {
    switch (mr) {
    case 1: rows_kernel(kc, 1, 4, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    case 2: rows_kernel(kc, 2, 2, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    case 3: rows_kernel(kc, 3, 2, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    default: rows_kernel(kc, 4, 1, a, lda, b, b_stride, c, ldc, nr, epilogue); break;
    }
}

#else

void FUNCTION(long kc, long mr, const float *a, long lda, const float *b, long b_stride, float *c, long ldc, long nr,
              const LeptonTileEpilogue *epilogue) {
    (void)kc; (void)mr; (void)a; (void)lda; (void)b; (void)b_stride; (void)c; (void)ldc; (void)nr; (void)epilogue;
    __builtin_trap();  // Never selected: lepton_cpu_features reports neither AVX2 nor AVX-512 off x86-64.
}

#endif
