// The Adam / AdamW / AMSGrad parameter update with AVX2 and AVX-512: the same arithmetic, in the same order, as the
// portable Swift loop of `OptimizerKernels` (separate multiplies and adds, no fused multiply-add, IEEE square root
// and division), so every variant gives bit-identical results. Swift's SIMD8 compiles to two SSE halves on baseline
// x86-64, where the square root and the division of every element make the update compute-bound; here they run 8
// or 16 lanes wide.

#include "CLeptonKernels.h"

#include <math.h>

// Keep every multiply and add separate, as the Swift loop does, so the variants agree bit for bit.
#pragma STDC FP_CONTRACT OFF

static inline void adam_scalar(long index, float *parameter, const float *gradient, float *first_moment,
                               float *second_moment, float *maximum_second_moment,
                               const LeptonAdamCoefficients *c) {
    const float g = gradient[index] + c->coupled_decay * parameter[index];
    const float m = c->beta1 * first_moment[index] + (1.0f - c->beta1) * g;
    const float v = c->beta2 * second_moment[index] + (1.0f - c->beta2) * g * g;
    first_moment[index] = m;
    second_moment[index] = v;
    float source = v;
    if (maximum_second_moment) {
        const float running = maximum_second_moment[index];
        source = v > running ? v : running;
        maximum_second_moment[index] = source;
    }
    parameter[index] = parameter[index] * c->decoupled_factor
                       - c->step_size * m / (sqrtf(source) * c->inverse_sqrt_correction2 + c->epsilon);
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f"))) void lepton_adam_update_avx512(
    float *parameter, const float *gradient, float *first_moment, float *second_moment,
    float *maximum_second_moment, long count, const LeptonAdamCoefficients *c) {
    const __m512 beta1 = _mm512_set1_ps(c->beta1), beta2 = _mm512_set1_ps(c->beta2);
    const __m512 one_minus_beta1 = _mm512_set1_ps(1.0f - c->beta1);
    const __m512 one_minus_beta2 = _mm512_set1_ps(1.0f - c->beta2);
    const __m512 coupled = _mm512_set1_ps(c->coupled_decay), decoupled = _mm512_set1_ps(c->decoupled_factor);
    const __m512 step = _mm512_set1_ps(c->step_size), epsilon = _mm512_set1_ps(c->epsilon);
    const __m512 correction = _mm512_set1_ps(c->inverse_sqrt_correction2);
    for (long index = 0; index < count; index += 16) {
        const long remaining = count - index;
        const __mmask16 lanes = remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1u);
        const __m512 p = _mm512_maskz_loadu_ps(lanes, parameter + index);
        const __m512 g = _mm512_add_ps(_mm512_maskz_loadu_ps(lanes, gradient + index), _mm512_mul_ps(coupled, p));
        const __m512 m = _mm512_add_ps(_mm512_mul_ps(beta1, _mm512_maskz_loadu_ps(lanes, first_moment + index)),
                                       _mm512_mul_ps(one_minus_beta1, g));
        const __m512 v = _mm512_add_ps(_mm512_mul_ps(beta2, _mm512_maskz_loadu_ps(lanes, second_moment + index)),
                                       _mm512_mul_ps(_mm512_mul_ps(one_minus_beta2, g), g));
        _mm512_mask_storeu_ps(first_moment + index, lanes, m);
        _mm512_mask_storeu_ps(second_moment + index, lanes, v);
        __m512 source = v;
        if (maximum_second_moment) {
            const __m512 running = _mm512_maskz_loadu_ps(lanes, maximum_second_moment + index);
            source = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, running, _CMP_GT_OQ), running, v);
            _mm512_mask_storeu_ps(maximum_second_moment + index, lanes, source);
        }
        const __m512 denominator = _mm512_add_ps(_mm512_mul_ps(_mm512_sqrt_ps(source), correction), epsilon);
        const __m512 update = _mm512_div_ps(_mm512_mul_ps(step, m), denominator);
        _mm512_mask_storeu_ps(parameter + index, lanes, _mm512_sub_ps(_mm512_mul_ps(p, decoupled), update));
    }
}

__attribute__((target("avx2"))) void lepton_adam_update_avx2(
    float *parameter, const float *gradient, float *first_moment, float *second_moment,
    float *maximum_second_moment, long count, const LeptonAdamCoefficients *c) {
    const __m256 beta1 = _mm256_set1_ps(c->beta1), beta2 = _mm256_set1_ps(c->beta2);
    const __m256 one_minus_beta1 = _mm256_set1_ps(1.0f - c->beta1);
    const __m256 one_minus_beta2 = _mm256_set1_ps(1.0f - c->beta2);
    const __m256 coupled = _mm256_set1_ps(c->coupled_decay), decoupled = _mm256_set1_ps(c->decoupled_factor);
    const __m256 step = _mm256_set1_ps(c->step_size), epsilon = _mm256_set1_ps(c->epsilon);
    const __m256 correction = _mm256_set1_ps(c->inverse_sqrt_correction2);
    long index = 0;
    for (; index + 8 <= count; index += 8) {
        const __m256 p = _mm256_loadu_ps(parameter + index);
        const __m256 g = _mm256_add_ps(_mm256_loadu_ps(gradient + index), _mm256_mul_ps(coupled, p));
        const __m256 m = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(first_moment + index)),
                                       _mm256_mul_ps(one_minus_beta1, g));
        const __m256 v = _mm256_add_ps(_mm256_mul_ps(beta2, _mm256_loadu_ps(second_moment + index)),
                                       _mm256_mul_ps(_mm256_mul_ps(one_minus_beta2, g), g));
        _mm256_storeu_ps(first_moment + index, m);
        _mm256_storeu_ps(second_moment + index, v);
        __m256 source = v;
        if (maximum_second_moment) {
            const __m256 running = _mm256_loadu_ps(maximum_second_moment + index);
            source = _mm256_blendv_ps(running, v, _mm256_cmp_ps(v, running, _CMP_GT_OQ));
            _mm256_storeu_ps(maximum_second_moment + index, source);
        }
        const __m256 denominator = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(source), correction), epsilon);
        const __m256 update = _mm256_div_ps(_mm256_mul_ps(step, m), denominator);
        _mm256_storeu_ps(parameter + index, _mm256_sub_ps(_mm256_mul_ps(p, decoupled), update));
    }
    for (; index < count; index++) {
        adam_scalar(index, parameter, gradient, first_moment, second_moment, maximum_second_moment, c);
    }
}

#else

void lepton_adam_update_avx512(float *parameter, const float *gradient, float *first_moment, float *second_moment,
                               float *maximum_second_moment, long count, const LeptonAdamCoefficients *c) {
    for (long index = 0; index < count; index++) {
        adam_scalar(index, parameter, gradient, first_moment, second_moment, maximum_second_moment, c);
    }
}

void lepton_adam_update_avx2(float *parameter, const float *gradient, float *first_moment, float *second_moment,
                             float *maximum_second_moment, long count, const LeptonAdamCoefficients *c) {
    lepton_adam_update_avx512(parameter, gradient, first_moment, second_moment, maximum_second_moment, count, c);
}

#endif
