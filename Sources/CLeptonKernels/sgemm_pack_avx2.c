// Packing the SGEMM operands with AVX2 (`Packing` in LeptonKernels describes the layouts).
// - Rows of an untransposed A, each contiguous along the depth, become panels of `kc` groups of `mr` floats (one per
//   row): eight depth steps of eight rows are loaded as eight vectors, transposed in registers and stored as eight
//   groups, so every load and store moves 32 bytes where a scalar gather moves 4.
// - Rows of an untransposed B become panels of `nr` columns, `kc` rows each: each row of B is read from start to
//   end and dealt out to the panels.
// Both prefetch ahead: with a large leading dimension every row starts a new 4 KiB page, and the hardware
// prefetchers do not follow a stream across pages.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))

/// Transposes the 8 x 8 block held in `r` in place: afterwards `r[q]` holds element q of every input vector.
TARGET static inline void transpose8x8(__m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/// Stores the first `width` lanes (1 to 8) of `r[q]` at `out + q * mr` for q = 0..<8. A group narrower than 8
/// lanes is stored whole when the next group's store overwrites its tail (the groups are stored in order), so
/// only the last one needs a lane mask; 4 lanes are one 16-byte store.
TARGET static inline void store_groups(float *out, long mr, long width, const __m256 r[8]) {
    if (width == 8) {
        for (int q = 0; q < 8; q++) _mm256_storeu_ps(out + q * mr, r[q]);
    } else if (width == 4) {
        for (int q = 0; q < 8; q++) _mm_storeu_ps(out + q * mr, _mm256_castps256_ps128(r[q]));
    } else if (mr == width) {
        // Consecutive groups: each whole store's tail lands where the next group goes.
        for (int q = 0; q < 7; q++) _mm256_storeu_ps(out + q * mr, r[q]);
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)width), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        _mm256_maskstore_ps(out + 7 * mr, mask, r[7]);
    } else {
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)width), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int q = 0; q < 8; q++) _mm256_maskstore_ps(out + q * mr, mask, r[q]);
    }
}

/// How many depth steps (of B) or panels (of A) ahead the packing loops prefetch: rows `ld` floats apart each start
/// a new 4 KiB page when `ld` is large, and the hardware prefetchers do not follow a stream across pages.
enum { PREFETCH_ROWS_AHEAD = 4 };

TARGET
void lepton_sgemm_pack_rows_avx2(long rows, long kc, const float *a, long lda, long mr, float *out) {
    const long vectorDepth = kc / 8 * 8;
    for (long panelStart = 0; panelStart < rows; panelStart += mr) {
        const long height = rows - panelStart < mr ? rows - panelStart : mr;
        const float *panel = a + panelStart * lda;
        float *panelOut = out + panelStart * kc;
        // The next panel's rows, one cache line of each per 16 depth steps.
        const long nextHeight = rows - panelStart - mr < mr ? rows - panelStart - mr : mr;
        for (long first = 0; first < mr; first += 8) {
            const long width = mr - first < 8 ? mr - first : 8;
            for (long p = 0; p < vectorDepth; p += 8) {
                if (first == 0 && p % 16 == 0) {
                    for (long i = 0; i < nextHeight; i++) _mm_prefetch((const char *)(panel + (mr + i) * lda + p), _MM_HINT_T0);
                }
                __m256 r[8];
                for (long i = 0; i < 8; i++) {
                    const long row = first + i;
                    r[i] = row < height ? _mm256_loadu_ps(panel + row * lda + p) : _mm256_setzero_ps();
                }
                transpose8x8(r);
                store_groups(panelOut + p * mr + first, mr, width, r);
            }
        }
        for (long p = vectorDepth; p < kc; p++) {
            for (long i = 0; i < mr; i++) panelOut[p * mr + i] = i < height ? panel[i * lda + p] : 0.0f;
        }
    }
}

TARGET
void lepton_sgemm_pack_columns_avx2(long kc, long columns, const float *b, long ldb, long nr, float *out) {
    const long fullPanels = columns / nr;
    const long edge = columns - fullPanels * nr;
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (long p = 0; p < kc; p++) {
        const float *row = b + p * ldb;
        if (p + PREFETCH_ROWS_AHEAD < kc) {
            const float *ahead = row + PREFETCH_ROWS_AHEAD * ldb;
            for (long j = 0; j < columns; j += 16) _mm_prefetch((const char *)(ahead + j), _MM_HINT_T0);
            _mm_prefetch((const char *)(ahead + columns - 1), _MM_HINT_T0);
        }
        float *slot = out + p * nr;
        for (long panel = 0; panel < fullPanels; panel++) {
            const float *source = row + panel * nr;
            float *target = slot + panel * kc * nr;
            for (long j = 0; j < nr; j += 8) _mm256_storeu_ps(target + j, _mm256_loadu_ps(source + j));
        }
        if (edge > 0) {
            // The ragged last panel: `edge` columns read through lane masks (nothing past the row is read), zeros
            // after them.
            const float *source = row + fullPanels * nr;
            float *target = slot + fullPanels * kc * nr;
            for (long j = 0; j < nr; j += 8) {
                const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(edge - j)), lanes);
                _mm256_storeu_ps(target + j, _mm256_maskload_ps(source + j, mask));
            }
        }
    }
}

#else

void lepton_sgemm_pack_rows_avx2(long rows, long kc, const float *a, long lda, long mr, float *out) {
    (void)rows; (void)kc; (void)a; (void)lda; (void)mr; (void)out;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

void lepton_sgemm_pack_columns_avx2(long kc, long columns, const float *b, long ldb, long nr, float *out) {
    (void)kc; (void)columns; (void)b; (void)ldb; (void)nr; (void)out;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

#endif
