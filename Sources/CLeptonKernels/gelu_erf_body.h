// The exact (erf) GELU and its derivative, one vector at a time: the body shared by `gelu_erf_avx2.c` and
// `gelu_erf_avx512.c`. It is the arithmetic of LeptonKernels' `VectorMath.twiceNormalCDF`, `GELUErfFunction` and
// `GELUErfDerivative`, operation for operation and in the same order, without fused multiply-adds, so the vector
// loops agree bit for bit with the portable Swift loop (Swift's SIMD8 compiles to two SSE halves on baseline
// x86-64, where GELU's two exponentials, division and polynomials per element made it a quarter of a Transformer's
// training step).
//
// `gelu_erf_avx2.c` and `gelu_erf_avx512.c` include it with VECTOR_BITS (for `vector_vocabulary.h`) and FORWARD and
// BACKWARD (the exported loops' names) defined. FMA is enabled for the target but never used: contraction is off.

#if defined(__x86_64__)
#include "vector_vocabulary.h"

#define CMP_GT(a, b) CMP(a, b, _CMP_GT_OQ)
#define CMP_LT(a, b) CMP(a, b, _CMP_LT_OQ)
#define CMP_LE(a, b) CMP(a, b, _CMP_LE_OQ)
#define CMP_GE(a, b) CMP(a, b, _CMP_GE_OQ)
#define CMP_NE_UNORDERED(a, b) CMP(a, b, _CMP_NEQ_UQ)

#pragma STDC FP_CONTRACT OFF

// `e^x` per lane: `VectorMath.exp` (clamp to [-104, 89], n·ln2 + r reduction with a rounding shift, degree-7 Taylor
// polynomial of e^r − 1, two power-of-two factors; NaN stays NaN).
static inline TARGET VEC vector_exp(VEC x) {
    VEC c = SELECT(CMP_GT(x, SET1(89.0f)), SET1(89.0f), x);
    c = SELECT(CMP_LT(x, SET1(-104.0f)), SET1(-104.0f), c);
    const VEC shifted = ADD(MUL(c, SET1(1.44269504f)), SET1(12582912.0f));
    const VEC n = SUB(shifted, SET1(12582912.0f));
    const VEC r = SUB(SUB(c, MUL(n, SET1(0.693145751953125f))), MUL(n, SET1(1.428606765330187e-06f)));
    const IVEC ni = SUB_I(AS_INT(shifted), SETI(0x4B400000));
    VEC p = SET1(1.0f / 5040.0f);
    p = ADD(MUL(p, r), SET1(1.0f / 720.0f));
    p = ADD(MUL(p, r), SET1(1.0f / 120.0f));
    p = ADD(MUL(p, r), SET1(1.0f / 24.0f));
    p = ADD(MUL(p, r), SET1(1.0f / 6.0f));
    p = ADD(MUL(p, r), SET1(0.5f));
    p = ADD(MUL(p, r), SET1(1.0f));
    p = MUL(p, r);
    const IVEC half = SHIFT_RIGHT_ARITHMETIC_I(ni, 1);
    const IVEC rest = SUB_I(ni, half);
    const VEC first = AS_FLOAT(SHIFT_LEFT_I(ADD_I(half, SETI(127)), 23));
    const VEC second = AS_FLOAT(SHIFT_LEFT_I(ADD_I(rest, SETI(127)), 23));
    const VEC result = MUL(MUL(ADD(p, SET1(1.0f)), first), second);
    return SELECT(CMP_NE_UNORDERED(x, x), x, result);
}

// `scale·exp(−factor·x²)` with x split into a 12-bit high part and the rest: `VectorMath.expNegativeSquare`.
static inline TARGET VEC exp_negative_square(VEC x, VEC factor, VEC scale) {
    const VEC high = AND_BITS(x, AS_FLOAT(SETI((int)0xFFFFF000u)));
    const VEC low = SUB(x, high);
    const VEC sign = AS_FLOAT(SETI((int)0x80000000u));
    const VEC small = vector_exp(XOR_BITS(MUL(MUL(low, ADD(x, high)), factor), sign));
    const VEC large = vector_exp(XOR_BITS(MUL(MUL(high, high), factor), sign));
    return MUL(MUL(scale, small), large);
}

// `erf(x)/x` for |x| ≤ 1 as a polynomial in z = x²: `VectorMath.erfOverX`.
static inline TARGET VEC erf_over_x(VEC z) {
    VEC p = SET1(7.89797139e-05f);
    p = SUB(MUL(p, z), SET1(8.02428511e-04f));
    p = ADD(MUL(p, z), SET1(5.19004604e-03f));
    p = SUB(MUL(p, z), SET1(2.68548047e-02f));
    p = ADD(MUL(p, z), SET1(1.12836123e-01f));
    p = SUB(MUL(p, z), SET1(3.76126288e-01f));
    p = ADD(MUL(p, z), SET1(1.12837917f));
    return p;
}

// `erfc(t)·exp(t²)` for t in [1, 10.5] as a polynomial in u = 1/t: `VectorMath.scaledErfc`.
static inline TARGET VEC scaled_erfc(VEC u) {
    VEC p = SET1(-4.72589125e-02f);
    p = ADD(MUL(p, u), SET1(3.22984395e-01f));
    p = SUB(MUL(p, u), SET1(9.75627431e-01f));
    p = ADD(MUL(p, u), SET1(1.69323677f));
    p = SUB(MUL(p, u), SET1(1.80399264f));
    p = ADD(MUL(p, u), SET1(1.09295008f));
    p = SUB(MUL(p, u), SET1(1.59104143e-01f));
    p = SUB(MUL(p, u), SET1(2.57552737e-01f));
    p = SUB(MUL(p, u), SET1(2.36731849e-03f));
    p = ADD(MUL(p, u), SET1(5.64318520e-01f));
    p = SUB(MUL(p, u), SET1(3.00782351e-06f));
    return p;
}

// `2·Φ(x) = 1 + erf(x/√2)`, accurate relative to its value in the far negative tail: `VectorMath.twiceNormalCDF`.
static inline TARGET VEC twice_normal_cdf(VEC x) {
    const VEC a = AND_BITS(x, AS_FLOAT(SETI(0x7FFFFFFF)));
    const VEC scaled = MUL(x, SET1(0.70710677f));
    const VEC central = ADD(SET1(1.0f), MUL(scaled, erf_over_x(MUL(scaled, scaled))));
    VEC clamped = SELECT(CMP_LT(a, SET1(1.41421356f)), SET1(1.41421356f), a);
    clamped = SELECT(CMP_GT(a, SET1(15.0f)), SET1(15.0f), clamped);
    const VEC tail = exp_negative_square(
        clamped, SET1(0.5f), scaled_erfc(DIV(SET1(1.41421356f), clamped)));
    VEC result = SELECT(CMP_LE(x, SET1(-1.41421356f)), tail, central);
    return SELECT(CMP_GE(x, SET1(1.41421356f)), SUB(SET1(2.0f), tail), result);
}

// `x·Φ(x)`: `GELUErfFunction`.
static inline TARGET VEC gelu(VEC x) { return MUL(MUL(x, twice_normal_cdf(x)), SET1(0.5f)); }

// `g·(Φ(x) + x·φ(x))`: `GELUErfDerivative`.
static inline TARGET VEC gelu_derivative(VEC x, VEC g) {
    const VEC density = MUL(exp_negative_square(x, SET1(0.5f), SET1(1.0f)), SET1(0.39894228f));
    return MUL(g, ADD(MUL(twice_normal_cdf(x), SET1(0.5f)), MUL(x, density)));
}

TARGET void FORWARD(const float *x, float *y, long count) {
    long index = 0;
    for (; index + LANES <= count; index += LANES) STOREU(y + index, gelu(LOADU(x + index)));
    if (index < count) {
        float in[LANES] = {0}, out[LANES];
        for (long lane = 0; lane < count - index; lane++) in[lane] = x[index + lane];
        STOREU(out, gelu(LOADU(in)));
        for (long lane = 0; lane < count - index; lane++) y[index + lane] = out[lane];
    }
}

TARGET void BACKWARD(const float *x, const float *dy, float *dx, long count, int accumulate) {
    long index = 0;
    for (; index + LANES <= count; index += LANES) {
        VEC value = gelu_derivative(LOADU(x + index), LOADU(dy + index));
        if (accumulate) value = ADD(value, LOADU(dx + index));
        STOREU(dx + index, value);
    }
    if (index < count) {
        float in[LANES] = {0}, gradient[LANES] = {0}, out[LANES];
        for (long lane = 0; lane < count - index; lane++) {
            in[lane] = x[index + lane];
            gradient[lane] = dy[index + lane];
        }
        STOREU(out, gelu_derivative(LOADU(in), LOADU(gradient)));
        for (long lane = 0; lane < count - index; lane++) {
            dx[index + lane] = accumulate ? out[lane] + dx[index + lane] : out[lane];
        }
    }
}

#else

// Never selected: lepton_cpu_features reports no AVX2 or AVX-512 off x86-64.
void FORWARD(const float *x, float *y, long count) {
    (void)x; (void)y; (void)count;
    __builtin_trap();
}

void BACKWARD(const float *x, const float *dy, float *dx, long count, int accumulate) {
    (void)x; (void)dy; (void)dx; (void)count; (void)accumulate;
    __builtin_trap();
}

#endif
