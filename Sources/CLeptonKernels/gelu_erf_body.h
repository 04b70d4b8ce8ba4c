// The exact (erf) GELU and its derivative, one vector at a time: the body shared by `gelu_erf_avx2.c` and
// `gelu_erf_avx512.c`. It is the arithmetic of LeptonKernels' `VectorMath.twiceNormalCDF`, `GELUErfFunction` and
// `GELUErfDerivative`, operation for operation and in the same order, without fused multiply-adds, so the vector
// loops agree bit for bit with the portable Swift loop (Swift's SIMD8 compiles to two SSE halves on baseline
// x86-64, where GELU's two exponentials, division and polynomials per element made it a quarter of a Transformer's
// training step).
//
// `gelu_erf.c` includes it once per instruction set, defining before each inclusion:
//   BITS, LANES                   the vector width in bits (256 or 512) and in floats
//   TARGET                        the function attribute enabling the instruction set
//   SUFFIX(name)                  a per-instruction-set name for the static helpers
//   FORWARD, BACKWARD             the names of the exported loops
//   CMP(a, b, predicate)          a comparison giving the mask that SELECT takes
//   SELECT(mask, if_true, if_false)
// The other vector operations follow from BITS, as Intel names them `_mm256_…`/`_mm512_…`.

#define GELU_PASTE3(a, b, c) a##b##c
#define GELU_EXPAND3(a, b, c) GELU_PASTE3(a, b, c)
#define GELU_PASTE2(a, b) a##b
#define GELU_EXPAND2(a, b) GELU_PASTE2(a, b)
#define OP(name) GELU_EXPAND3(_mm, BITS, _##name)
#define VEC GELU_EXPAND2(__m, BITS)
#define IVEC GELU_EXPAND3(__m, BITS, i)
#define SET1(value) OP(set1_ps)(value)
#define SETI(value) OP(set1_epi32)(value)
#define LOAD(pointer) OP(loadu_ps)(pointer)
#define STORE(pointer, value) OP(storeu_ps)(pointer, value)
#define ADD(a, b) OP(add_ps)(a, b)
#define SUB(a, b) OP(sub_ps)(a, b)
#define MUL(a, b) OP(mul_ps)(a, b)
#define DIV(a, b) OP(div_ps)(a, b)
#define AS_INT(a) GELU_EXPAND3(_mm, BITS, GELU_EXPAND2(_castps_si, BITS))(a)
#define AS_FLOAT(a) GELU_EXPAND3(_mm, BITS, GELU_EXPAND3(_castsi, BITS, _ps))(a)
#define AND_BITS(a, b) AS_FLOAT(GELU_EXPAND3(_mm, BITS, GELU_EXPAND2(_and_si, BITS))(AS_INT(a), AS_INT(b)))
#define XOR_BITS(a, b) AS_FLOAT(GELU_EXPAND3(_mm, BITS, GELU_EXPAND2(_xor_si, BITS))(AS_INT(a), AS_INT(b)))
#define ADD_I(a, b) OP(add_epi32)(a, b)
#define SUB_I(a, b) OP(sub_epi32)(a, b)
#define SHIFT_LEFT_I(a, bits) OP(slli_epi32)(a, bits)
#define SHIFT_RIGHT_ARITHMETIC_I(a, bits) OP(srai_epi32)(a, bits)
#define CMP_GT(a, b) CMP(a, b, _CMP_GT_OQ)
#define CMP_LT(a, b) CMP(a, b, _CMP_LT_OQ)
#define CMP_LE(a, b) CMP(a, b, _CMP_LE_OQ)
#define CMP_GE(a, b) CMP(a, b, _CMP_GE_OQ)
#define CMP_NE_UNORDERED(a, b) CMP(a, b, _CMP_NEQ_UQ)

#pragma STDC FP_CONTRACT OFF

// `e^x` per lane: `VectorMath.exp` (clamp to [-104, 89], n·ln2 + r reduction with a rounding shift, degree-7 Taylor
// polynomial of e^r − 1, two power-of-two factors; NaN stays NaN).
static inline TARGET VEC SUFFIX(exp)(VEC x) {
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
static inline TARGET VEC SUFFIX(exp_negative_square)(VEC x, VEC factor, VEC scale) {
    const VEC high = AND_BITS(x, AS_FLOAT(SETI((int)0xFFFFF000u)));
    const VEC low = SUB(x, high);
    const VEC sign = AS_FLOAT(SETI((int)0x80000000u));
    const VEC small = SUFFIX(exp)(XOR_BITS(MUL(MUL(low, ADD(x, high)), factor), sign));
    const VEC large = SUFFIX(exp)(XOR_BITS(MUL(MUL(high, high), factor), sign));
    return MUL(MUL(scale, small), large);
}

// `erf(x)/x` for |x| ≤ 1 as a polynomial in z = x²: `VectorMath.erfOverX`.
static inline TARGET VEC SUFFIX(erf_over_x)(VEC z) {
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
static inline TARGET VEC SUFFIX(scaled_erfc)(VEC u) {
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
static inline TARGET VEC SUFFIX(twice_normal_cdf)(VEC x) {
    const VEC a = AND_BITS(x, AS_FLOAT(SETI(0x7FFFFFFF)));
    const VEC scaled = MUL(x, SET1(0.70710677f));
    const VEC central = ADD(SET1(1.0f), MUL(scaled, SUFFIX(erf_over_x)(MUL(scaled, scaled))));
    VEC clamped = SELECT(CMP_LT(a, SET1(1.41421356f)), SET1(1.41421356f), a);
    clamped = SELECT(CMP_GT(a, SET1(15.0f)), SET1(15.0f), clamped);
    const VEC tail = SUFFIX(exp_negative_square)(
        clamped, SET1(0.5f), SUFFIX(scaled_erfc)(DIV(SET1(1.41421356f), clamped)));
    VEC result = SELECT(CMP_LE(x, SET1(-1.41421356f)), tail, central);
    return SELECT(CMP_GE(x, SET1(1.41421356f)), SUB(SET1(2.0f), tail), result);
}

// `x·Φ(x)`: `GELUErfFunction`.
static inline TARGET VEC SUFFIX(gelu)(VEC x) { return MUL(MUL(x, SUFFIX(twice_normal_cdf)(x)), SET1(0.5f)); }

// `g·(Φ(x) + x·φ(x))`: `GELUErfDerivative`.
static inline TARGET VEC SUFFIX(gelu_derivative)(VEC x, VEC g) {
    const VEC density = MUL(SUFFIX(exp_negative_square)(x, SET1(0.5f), SET1(1.0f)), SET1(0.39894228f));
    return MUL(g, ADD(MUL(SUFFIX(twice_normal_cdf)(x), SET1(0.5f)), MUL(x, density)));
}

TARGET void FORWARD(const float *x, float *y, long count) {
    long index = 0;
    for (; index + LANES <= count; index += LANES) STORE(y + index, SUFFIX(gelu)(LOAD(x + index)));
    if (index < count) {
        float in[LANES] = {0}, out[LANES];
        for (long lane = 0; lane < count - index; lane++) in[lane] = x[index + lane];
        STORE(out, SUFFIX(gelu)(LOAD(in)));
        for (long lane = 0; lane < count - index; lane++) y[index + lane] = out[lane];
    }
}

TARGET void BACKWARD(const float *x, const float *dy, float *dx, long count, int accumulate) {
    long index = 0;
    for (; index + LANES <= count; index += LANES) {
        VEC value = SUFFIX(gelu_derivative)(LOAD(x + index), LOAD(dy + index));
        if (accumulate) value = ADD(value, LOAD(dx + index));
        STORE(dx + index, value);
    }
    if (index < count) {
        float in[LANES] = {0}, gradient[LANES] = {0}, out[LANES];
        for (long lane = 0; lane < count - index; lane++) {
            in[lane] = x[index + lane];
            gradient[lane] = dy[index + lane];
        }
        STORE(out, SUFFIX(gelu_derivative)(LOAD(in), LOAD(gradient)));
        for (long lane = 0; lane < count - index; lane++) {
            dx[index + lane] = accumulate ? out[lane] + dx[index + lane] : out[lane];
        }
    }
}

#undef OP
#undef VEC
#undef IVEC
#undef SET1
#undef SETI
#undef LOAD
#undef STORE
#undef ADD
#undef SUB
#undef MUL
#undef DIV
#undef AS_INT
#undef AS_FLOAT
#undef AND_BITS
#undef XOR_BITS
#undef ADD_I
#undef SUB_I
#undef SHIFT_LEFT_I
#undef SHIFT_RIGHT_ARITHMETIC_I
#undef CMP_GT
#undef CMP_LT
#undef CMP_LE
#undef CMP_GE
#undef CMP_NE_UNORDERED
