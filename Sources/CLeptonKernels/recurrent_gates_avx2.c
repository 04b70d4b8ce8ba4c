// The LSTM and GRU forward gate math (and the LSTM backward gate math) of one batch row with AVX2 + FMA, eight units
// at a time (units a multiple of 8): the transcendental-heavy part of a recurrent step, which Swift's SIMD8 compiles
// to two SSE halves without FMA.
// exp is Cephes' single-precision reduction and polynomial (about 1e-7 relative); tanh uses Cephes' odd polynomial
// below |x| = 0.625 (no cancellation near 0) and 1 - 2/(e^{2|x|} + 1) above.

#include "CLeptonKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))

static inline TARGET __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i scale = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(scale));
}

static inline TARGET __m256 sigmoid8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

static inline TARGET __m256 tanh8(__m256 x) {
    const __m256 sign = _mm256_and_ps(x, _mm256_set1_ps(-0.0f));
    const __m256 magnitude = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
    // Large: 1 - 2 / (e^{2|x|} + 1), with the sign put back.
    const __m256 e = exp8(_mm256_add_ps(magnitude, magnitude));
    const __m256 large = _mm256_or_ps(
        sign, _mm256_sub_ps(_mm256_set1_ps(1.0f),
                            _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f)))));
    // Small: x + x^3 P(x^2).
    const __m256 z = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-5.70498872745e-3f);
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954e-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531e-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036e-1f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422e-1f));
    const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
    const __m256 isSmall = _mm256_cmp_ps(magnitude, _mm256_set1_ps(0.625f), _CMP_LT_OQ);
    return _mm256_blendv_ps(large, small, isSmall);
}

TARGET void lepton_lstm_gates_forward_avx2(float *gates, const float *cell_previous, float *cell, float *hidden,
                                           float *cell_tanh, long units) {
    for (long j = 0; j + 8 <= units; j += 8) {
        const __m256 i = sigmoid8(_mm256_loadu_ps(gates + j));
        const __m256 f = sigmoid8(_mm256_loadu_ps(gates + units + j));
        const __m256 g = tanh8(_mm256_loadu_ps(gates + 2 * units + j));
        const __m256 o = sigmoid8(_mm256_loadu_ps(gates + 3 * units + j));
        const __m256 c = _mm256_fmadd_ps(f, _mm256_loadu_ps(cell_previous + j), _mm256_mul_ps(i, g));
        const __m256 t = tanh8(c);
        _mm256_storeu_ps(gates + j, i);
        _mm256_storeu_ps(gates + units + j, f);
        _mm256_storeu_ps(gates + 2 * units + j, g);
        _mm256_storeu_ps(gates + 3 * units + j, o);
        _mm256_storeu_ps(cell + j, c);
        _mm256_storeu_ps(cell_tanh + j, t);
        _mm256_storeu_ps(hidden + j, _mm256_mul_ps(o, t));
    }
}

TARGET void lepton_gru_gates_forward_avx2(float *gates, const float *recurrent, const float *hidden_previous,
                                          float *hidden, float *recurrent_new, long units) {
    for (long j = 0; j + 8 <= units; j += 8) {
        const __m256 r = sigmoid8(_mm256_add_ps(_mm256_loadu_ps(gates + j), _mm256_loadu_ps(recurrent + j)));
        const __m256 z =
            sigmoid8(_mm256_add_ps(_mm256_loadu_ps(gates + units + j), _mm256_loadu_ps(recurrent + units + j)));
        const __m256 from_state = _mm256_loadu_ps(recurrent + 2 * units + j);
        const __m256 n = tanh8(_mm256_fmadd_ps(r, from_state, _mm256_loadu_ps(gates + 2 * units + j)));
        _mm256_storeu_ps(gates + j, r);
        _mm256_storeu_ps(gates + units + j, z);
        _mm256_storeu_ps(gates + 2 * units + j, n);
        _mm256_storeu_ps(recurrent_new + j, from_state);
        _mm256_storeu_ps(hidden + j,
                         _mm256_fmadd_ps(z, _mm256_sub_ps(_mm256_loadu_ps(hidden_previous + j), n), n));
    }
}

TARGET void lepton_lstm_gates_backward_avx2(const float *activations, const float *cell_previous,
                                            const float *cell_tanh, const float *d_hidden, const float *d_output,
                                            float *d_cell, float *d_gates, long units) {
    const __m256 one = _mm256_set1_ps(1.0f);
    for (long j = 0; j + 8 <= units; j += 8) {
        const __m256 i = _mm256_loadu_ps(activations + j);
        const __m256 f = _mm256_loadu_ps(activations + units + j);
        const __m256 g = _mm256_loadu_ps(activations + 2 * units + j);
        const __m256 o = _mm256_loadu_ps(activations + 3 * units + j);
        const __m256 t = _mm256_loadu_ps(cell_tanh + j);
        __m256 dh = _mm256_loadu_ps(d_hidden + j);
        if (d_output) dh = _mm256_add_ps(dh, _mm256_loadu_ps(d_output + j));
        // dc = dCell + dh·o·(1 − tanh²c)
        const __m256 dc = _mm256_fmadd_ps(_mm256_mul_ps(dh, o), _mm256_fnmadd_ps(t, t, one), _mm256_loadu_ps(d_cell + j));
        _mm256_storeu_ps(d_gates + j, _mm256_mul_ps(_mm256_mul_ps(dc, g), _mm256_fnmadd_ps(i, i, i)));
        _mm256_storeu_ps(d_gates + units + j,
                         _mm256_mul_ps(_mm256_mul_ps(dc, _mm256_loadu_ps(cell_previous + j)), _mm256_fnmadd_ps(f, f, f)));
        _mm256_storeu_ps(d_gates + 2 * units + j, _mm256_mul_ps(_mm256_mul_ps(dc, i), _mm256_fnmadd_ps(g, g, one)));
        _mm256_storeu_ps(d_gates + 3 * units + j, _mm256_mul_ps(_mm256_mul_ps(dh, t), _mm256_fnmadd_ps(o, o, o)));
        _mm256_storeu_ps(d_cell + j, _mm256_mul_ps(dc, f));
    }
}

#else

void lepton_lstm_gates_backward_avx2(const float *activations, const float *cell_previous, const float *cell_tanh,
                                     const float *d_hidden, const float *d_output, float *d_cell, float *d_gates,
                                     long units) {
    (void)activations; (void)cell_previous; (void)cell_tanh; (void)d_hidden; (void)d_output; (void)d_cell;
    (void)d_gates; (void)units;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

void lepton_lstm_gates_forward_avx2(float *gates, const float *cell_previous, float *cell, float *hidden,
                                    float *cell_tanh, long units) {
    (void)gates; (void)cell_previous; (void)cell; (void)hidden; (void)cell_tanh; (void)units;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

void lepton_gru_gates_forward_avx2(float *gates, const float *recurrent, const float *hidden_previous, float *hidden,
                                   float *recurrent_new, long units) {
    (void)gates; (void)recurrent; (void)hidden_previous; (void)hidden; (void)recurrent_new; (void)units;
    __builtin_trap();  // Never selected: lepton_cpu_features reports no AVX2 off x86-64.
}

#endif
