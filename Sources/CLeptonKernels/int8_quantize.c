// Quantisation of activations to int8, one symmetric scale per row (dynamic) or one calibrated scale for all rows
// (static), for the AVX-512 and AVX2 int8 loops. A row holding NaN or infinity gets a NaN scale, so that every output
// computed from it is NaN, as the float product gives: int8 codes cannot hold those values, and a finite answer
// computed from them would be a silent wrong answer.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

__attribute__((target("avx512f,avx512bw,avx512vl")))
void lepton_int8_quantize_rows_avx512(long rows, long columns, const float *source, long source_stride,
                                      int8_t *destination, long destination_stride, float *scales, float fixed_scale) {
    for (long r = 0; r < rows; r++) {
        const float *x = source + r * source_stride;
        int8_t *q = destination + r * destination_stride;
        __m512 inverse;
        if (fixed_scale > 0) {
            scales[r] = fixed_scale;
            inverse = _mm512_set1_ps(1.0f / fixed_scale);
        } else {
            __m512 largest0 = _mm512_setzero_ps(), largest1 = _mm512_setzero_ps();
            long j = 0;
            for (; j + 32 <= columns; j += 32) {
                largest0 = _mm512_max_ps(largest0, _mm512_abs_ps(_mm512_loadu_ps(x + j)));
                largest1 = _mm512_max_ps(largest1, _mm512_abs_ps(_mm512_loadu_ps(x + j + 16)));
            }
            for (; j < columns; j += 16) {
                const __mmask16 mask =
                    columns - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (columns - j)) - 1u);
                largest0 = _mm512_max_ps(largest0, _mm512_abs_ps(_mm512_maskz_loadu_ps(mask, x + j)));
            }
            const float largest = _mm512_reduce_max_ps(_mm512_max_ps(largest0, largest1));
            scales[r] = largest > 0 ? largest / 127.0f : 1.0f;
            inverse = _mm512_set1_ps(largest > 0 ? 127.0f / largest : 0.0f);
        }
        const __m512i lowest = _mm512_set1_epi32(-127);  // values past a calibrated range saturate to ±127
        __m512 poison = _mm512_setzero_ps();  // x · 0 summed: NaN exactly when some x is NaN or infinite
        for (long j = 0; j < columns; j += 16) {
            const __mmask16 mask = columns - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (columns - j)) - 1u);
            const __m512 v = _mm512_maskz_loadu_ps(mask, x + j);
            poison = _mm512_add_ps(poison, _mm512_mul_ps(v, _mm512_setzero_ps()));
            const __m512i rounded = _mm512_cvtps_epi32(_mm512_mul_ps(v, inverse));
            _mm_mask_storeu_epi8(q + j, mask, _mm512_cvtsepi32_epi8(_mm512_max_epi32(rounded, lowest)));
        }
        if (_mm512_cmp_ps_mask(poison, poison, _CMP_UNORD_Q)) scales[r] = __builtin_nanf("");
        if (destination_stride > columns) memset(q + columns, 0, (size_t)(destination_stride - columns));
    }
}

__attribute__((target("avx2")))
static inline float horizontal_max(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}

__attribute__((target("avx2")))
void lepton_int8_quantize_rows_avx2(long rows, long columns, const float *source, long source_stride,
                                    int8_t *destination, long destination_stride, float *scales, float fixed_scale) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (long r = 0; r < rows; r++) {
        const float *x = source + r * source_stride;
        int8_t *q = destination + r * destination_stride;
        float inverse;
        long j = 0;
        if (fixed_scale > 0) {
            scales[r] = fixed_scale;
            inverse = 1.0f / fixed_scale;
        } else {
            __m256 largest0 = _mm256_setzero_ps(), largest1 = _mm256_setzero_ps();
            for (; j + 16 <= columns; j += 16) {
                largest0 = _mm256_max_ps(largest0, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + j)));
                largest1 = _mm256_max_ps(largest1, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + j + 8)));
            }
            float largest = horizontal_max(_mm256_max_ps(largest0, largest1));
            for (; j < columns; j++) {
                const float magnitude = x[j] < 0 ? -x[j] : x[j];
                largest = magnitude > largest ? magnitude : largest;
            }
            scales[r] = largest > 0 ? largest / 127.0f : 1.0f;
            inverse = largest > 0 ? 127.0f / largest : 0.0f;
        }
        const __m256 inverse8 = _mm256_set1_ps(inverse);
        const __m256i lowest = _mm256_set1_epi32(-127);  // values past a calibrated range saturate to ±127
        __m256 poison = _mm256_setzero_ps();  // x · 0 summed: NaN exactly when some x is NaN or infinite
        const __m256 zero = _mm256_setzero_ps();
        for (j = 0; j + 32 <= columns; j += 32) {
            const __m256 x0 = _mm256_loadu_ps(x + j), x1 = _mm256_loadu_ps(x + j + 8);
            const __m256 x2 = _mm256_loadu_ps(x + j + 16), x3 = _mm256_loadu_ps(x + j + 24);
            // Each x times 0 on its own: a sum of large finite values could overflow to infinity.
            poison = _mm256_add_ps(poison, _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(x0, zero), _mm256_mul_ps(x1, zero)),
                                                         _mm256_add_ps(_mm256_mul_ps(x2, zero), _mm256_mul_ps(x3, zero))));
            const __m256i a = _mm256_max_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(x0, inverse8)), lowest);
            const __m256i b = _mm256_max_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(x1, inverse8)), lowest);
            const __m256i c = _mm256_max_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(x2, inverse8)), lowest);
            const __m256i d = _mm256_max_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(x3, inverse8)), lowest);
            // The packs work within 128-bit lanes; the permutation puts the four groups back in order.
            const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
            _mm256_storeu_si256((__m256i *)(q + j), _mm256_permutevar8x32_epi32(bytes, order));
        }
        float tail = 0;
        for (; j < columns; j++) {
            tail += x[j] * 0.0f;
            const long code = __builtin_lrintf(x[j] * inverse);
            q[j] = (int8_t)(code < -127 ? -127 : (code > 127 ? 127 : code));
        }
        if (_mm256_movemask_ps(_mm256_cmp_ps(poison, poison, _CMP_UNORD_Q)) || tail != tail) {
            scales[r] = __builtin_nanf("");
        }
        if (destination_stride > columns) memset(q + columns, 0, (size_t)(destination_stride - columns));
    }
}

#else

void lepton_int8_quantize_rows_avx512(long rows, long columns, const float *source, long source_stride,
                                      int8_t *destination, long destination_stride, float *scales, float fixed_scale) {
    (void)rows; (void)columns; (void)source; (void)source_stride; (void)destination; (void)destination_stride;
    (void)scales;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX-512 off x86-64.
}

void lepton_int8_quantize_rows_avx2(long rows, long columns, const float *source, long source_stride,
                                    int8_t *destination, long destination_stride, float *scales, float fixed_scale) {
    (void)rows; (void)columns; (void)source; (void)source_stride; (void)destination; (void)destination_stride;
    (void)scales;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

#endif
