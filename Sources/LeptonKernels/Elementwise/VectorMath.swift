/// Vectorised exponential, logarithm and their relatives on eight floats at a time.
///
/// Each function reduces its argument to a small interval where a polynomial is accurate, then rebuilds
/// the result with exact power-of-two scaling. Accuracy (relative, normal range, measured against the
/// double-precision library in the tests): `exp` and `log` within 2e-7, `expm1`, `tanh` and `sigmoid`
/// within about 3e-7, `erf` within 2e-7 absolute. Overflow gives `+inf`, underflow `0` (through the
/// subnormals), NaN stays NaN, and `±inf` map to their limits.
enum VectorMath {
    private static let log2e: Float = 1.442_695_04
    /// ln 2 split in two: `ln2High` has 15 significant bits, so `n * ln2High` is exact for |n| ≤ 512.
    private static let ln2High: Float = 0.693_145_751_953_125
    private static let ln2Low: Float = 1.428_606_765_330_187e-06
    /// 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer held in the low mantissa bits.
    private static let roundingShift: Float = 12_582_912
    private static let roundingShiftBits: Int32 = 0x4B40_0000

    /// Splits `x` (|x| < 2²¹) into `n·ln2 + r` with `n` an integer and |r| ≤ ln2/2.
    @inline(__always)
    private static func reduce(_ x: FloatVector) -> (r: FloatVector, n: IntVector) {
        let shifted = x * log2e + roundingShift
        let n = shifted - roundingShift
        let r = (x - n * ln2High) - n * ln2Low
        return (r, bitPattern(shifted) &- roundingShiftBits)
    }

    /// `e^r - 1` for |r| ≤ ln2/2: the Taylor polynomial to degree 7 (truncation below 5e-9 relative).
    @inline(__always)
    private static func expm1Reduced(_ r: FloatVector) -> FloatVector {
        var p = FloatVector(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        return p * r
    }

    /// Two normal floats whose product is `2^n`, for n in [-150, 128] (one factor would leave the
    /// exponent range at both ends).
    @inline(__always)
    private static func powersOfTwo(_ n: IntVector) -> (FloatVector, FloatVector) {
        let half = n &>> 1
        let rest = n &- half
        return (floats(bitPattern: (half &+ 127) &<< 23), floats(bitPattern: (rest &+ 127) &<< 23))
    }

    /// Limits an exponent argument to [-104, 89]: beyond, `e^x` is 0 or `+inf` in Float anyway.
    @inline(__always)
    private static func clampExponent(_ x: FloatVector) -> FloatVector {
        x.replacing(with: 89, where: x .> 89).replacing(with: -104, where: x .< -104)
    }

    /// `e^x` per lane.
    @inline(__always)
    static func exp(_ x: FloatVector) -> FloatVector {
        let (r, n) = reduce(clampExponent(x))
        let (first, second) = powersOfTwo(n)
        let result = ((expm1Reduced(r) + 1) * first) * second
        return result.replacing(with: x, where: x .!= x)
    }

    /// `e^x - 1` per lane, accurate near 0 as well (no cancellation).
    @inline(__always)
    static func expm1(_ x: FloatVector) -> FloatVector {
        let (r, n) = reduce(clampExponent(x))
        let (first, second) = powersOfTwo(n)
        // 2^n·(1 + q) - 1 = (2^n - 1) + 2^n·q; for n = 0 this is q itself.
        let result = (first * second - 1) + (expm1Reduced(r) * first) * second
        return result.replacing(with: x, where: x .!= x)
    }

    /// The natural logarithm per lane: `-inf` at 0, NaN below 0.
    @inline(__always)
    static func log(_ x: FloatVector) -> FloatVector {
        // x = m·2^e with m in [√½, √2); subnormals are scaled by 2²³ first.
        let isSubnormal = x .< Float.leastNormalMagnitude
        let scaled = x.replacing(with: x * 8_388_608, where: isSubnormal)
        var exponent = (bitPattern(scaled) &>> 23) &- 127
        exponent = exponent.replacing(with: exponent &- 23, where: isSubnormal)
        var m = floats(bitPattern: (bitPattern(scaled) & 0x007F_FFFF) | 0x3F80_0000)
        let isHigh = m .> 1.414_213_56
        m = m.replacing(with: m * 0.5, where: isHigh)
        exponent = exponent.replacing(with: exponent &+ 1, where: isHigh)
        // log(1 + f) = 2·atanh(s) with s = f / (2 + f), written as f - (f²/2 - s·(f²/2 + R)) so that the
        // rounding errors fall on the small correction term; R = 2s²/3 + 2s⁴/5 + … (|s| ≤ 0.172).
        let f = m - 1
        let s = f / (f + 2)
        let z = s * s
        var series = FloatVector(repeating: 2.0 / 11)
        series = series * z + 2.0 / 9
        series = series * z + 2.0 / 7
        series = series * z + 2.0 / 5
        series = series * z + 2.0 / 3
        series = series * z
        let halfSquare = 0.5 * f * f
        let e = FloatVector(exponent)
        var result = e * ln2High + (f - (halfSquare - (s * (halfSquare + series) + e * ln2Low)))
        result = result.replacing(with: -.infinity, where: x .== 0)
        result = result.replacing(with: .nan, where: x .< 0)
        result = result.replacing(with: .infinity, where: x .== .infinity)
        return result.replacing(with: x, where: x .!= x)
    }

    /// `log(1 + u)` for u ≥ 0, accurate for tiny `u` (the rounding of `1 + u` is corrected for).
    @inline(__always)
    static func log1pNonNegative(_ u: FloatVector) -> FloatVector {
        let w = u + 1
        let corrected = log(w) * (u / (w - 1))
        return corrected.replacing(with: u, where: w .== 1).replacing(with: w, where: w .== .infinity)
    }

    /// The hyperbolic tangent per lane.
    @inline(__always)
    static func tanh(_ x: FloatVector) -> FloatVector {
        // tanh|x| = e / (e + 2) with e = expm1(2|x|); beyond |x| = 10 the result rounds to 1.
        let magnitude = absolute(x)
        let clamped = magnitude.replacing(with: 10, where: magnitude .> 10)
        let e = expm1(clamped * 2)
        return copySign(e / (e + 2), from: x)
    }

    /// The logistic function `1 / (1 + e^-x)` per lane, as `e^x / (1 + e^x)` for negative x so that the
    /// exponential never overflows and the tiny results of the left tail keep their precision.
    @inline(__always)
    static func sigmoid(_ x: FloatVector) -> FloatVector {
        let e = exp(negated(absolute(x)))
        let positive = 1 / (e + 1)
        return positive.replacing(with: e * positive, where: x .< 0)
    }

    /// `scale·exp(-factor·x²)` for `factor` 1 or ½, without the error of rounding x² (which would be 20×
    /// the result's precision at x = 10): x = hi + lo with `hi` on 12 bits, so `hi²` is exact and
    /// x² = hi² + lo·(x + hi). The possibly subnormal factor is multiplied last, so it is rounded once.
    @inline(__always)
    static func expNegativeSquare(
        _ x: FloatVector, factor: Float, scale: FloatVector = FloatVector(repeating: 1)
    ) -> FloatVector {
        let high = floats(bitPattern: bitPattern(x) & IntVector(repeating: Int32(bitPattern: 0xFFFF_F000)))
        let low = x - high
        return (scale * exp(negated(low * (x + high) * factor))) * exp(negated(high * high * factor))
    }

    /// `erf(x) / x` for |x| ≤ 1, as a polynomial in x² (least-squares fit, 1.4e-9 relative).
    @inline(__always)
    static func erfOverX(squared z: FloatVector) -> FloatVector {
        var p = FloatVector(repeating: 7.897_971_39e-05)
        p = p * z - 8.024_285_11e-04
        p = p * z + 5.190_046_04e-03
        p = p * z - 2.685_480_47e-02
        p = p * z + 1.128_361_23e-01
        p = p * z - 3.761_262_88e-01
        p = p * z + 1.128_379_17
        return p
    }

    /// `erfc(t)·exp(t²)` for t in [1, 10.5], as a polynomial in u = 1/t (least-squares fit, 2e-8
    /// relative; about 4e-7 once evaluated in Float).
    @inline(__always)
    static func scaledErfc(reciprocal u: FloatVector) -> FloatVector {
        var p = FloatVector(repeating: -4.725_891_25e-02)
        p = p * u + 3.229_843_95e-01
        p = p * u - 9.756_274_31e-01
        p = p * u + 1.693_236_77
        p = p * u - 1.803_992_64
        p = p * u + 1.092_950_08
        p = p * u - 1.591_041_43e-01
        p = p * u - 2.575_527_37e-01
        p = p * u - 2.367_318_49e-03
        p = p * u + 5.643_185_20e-01
        p = p * u - 3.007_823_51e-06
        return p
    }

    /// The error function per lane.
    @inline(__always)
    static func erf(_ x: FloatVector) -> FloatVector {
        let a = absolute(x)
        let small = a * erfOverX(squared: a * a)
        // For |x| ≥ 1, erf = 1 - erfc; past 4 erfc is below half an ulp of 1.
        let t = a.replacing(with: 4, where: a .> 4).replacing(with: 1, where: a .< 1)
        let large = 1 - expNegativeSquare(t, factor: 1, scale: scaledErfc(reciprocal: 1 / t))
        return copySign(small.replacing(with: large, where: .!(a .< 1)), from: x)
    }

    /// `2·Φ(x)`, twice the standard normal cumulative distribution `1 + erf(x/√2)`, accurate relative to
    /// its value in the far negative tail too (used by GELU).
    @inline(__always)
    static func twiceNormalCDF(_ x: FloatVector) -> FloatVector {
        let a = absolute(x)
        let scaledX = x * 0.707_106_77
        let central = 1 + scaledX * erfOverX(squared: scaledX * scaledX)
        // erfc(|x|/√2) for |x| ≥ √2, with exp(-x²/2) computed from x itself (x/√2 would be rounded).
        let clamped = a.replacing(with: 1.414_213_56, where: a .< 1.414_213_56).replacing(with: 15, where: a .> 15)
        let tail = expNegativeSquare(clamped, factor: 0.5, scale: scaledErfc(reciprocal: 1.414_213_56 / clamped))
        var result = central.replacing(with: tail, where: x .<= -1.414_213_56)
        result = result.replacing(with: 2 - tail, where: x .>= 1.414_213_56)
        return result
    }

    /// Whether each lane of `p` is an integer, and whether that integer is odd.
    @inline(__always)
    static func integerParity(_ p: FloatVector) -> (isInteger: VectorMask, isOdd: VectorMask) {
        let a = absolute(p)
        let twoTo23: Float = 8_388_608
        // Below 2²³, adding 2²³ rounds to an integer whose parity is the lowest mantissa bit; from 2²³ to
        // 2²⁴ every float is an integer with that parity bit itself; above 2²⁴ every float is even.
        let shifted = a + twoTo23
        let isSmall = a .< twoTo23
        let isInteger = .!isSmall .| ((shifted - twoTo23) .== a)
        let smallOdd = isSmall .& ((bitPattern(shifted) & 1) .== 1)
        let mediumOdd = .!isSmall .& (a .< 2 * twoTo23) .& ((bitPattern(a) & 1) .== 1)
        return (isInteger, isInteger .& (smallOdd .| mediumOdd))
    }

    /// `x^p` per lane, as `exp(p·log|x|)` with the sign of an odd power of a negative base; NaN for a
    /// negative base and a non-integer power, 1 when p = 0 or x = 1. Relative error about
    /// 1e-7·(1 + |p·ln x|).
    @inline(__always)
    static func power(_ x: FloatVector, _ p: FloatVector) -> FloatVector {
        var result = exp(p * log(absolute(x)))
        let isNegative = x .< 0
        if any(isNegative) {
            let (isInteger, isOdd) = integerParity(p)
            result = result.replacing(with: negated(result), where: isNegative .& isOdd)
            result = result.replacing(with: .nan, where: isNegative .& .!isInteger)
        }
        return result.replacing(with: 1, where: (p .== 0) .| (x .== 1))
    }

    /// `x^p` per lane for a fixed power, with exact shortcuts for the common small powers.
    @inline(__always)
    static func power(_ x: FloatVector, _ p: Float) -> FloatVector {
        switch p {
        case 0: return FloatVector(repeating: 1)
        case 1: return x
        case 2: return x * x
        case 3: return x * x * x
        case -1: return 1 / x
        case -2: return 1 / (x * x)
        case 0.5: return squareRoot(x)
        default: return power(x, FloatVector(repeating: p))
        }
    }
}
