/// A function applied to every element on its own, with its derivative for the backward pass.
///
/// Conventions at the kinks follow PyTorch: the derivative of `abs` and `relu` at 0 is 0, of `leakyRelu`
/// at 0 is the slope, and `clamp` passes the gradient where `min ≤ x ≤ max`.
public enum UnaryOperation: Sendable, Hashable {
    /// `-x`.
    case negate
    /// `|x|`.
    case abs
    /// `x²`.
    case square
    /// `√x` (NaN below 0).
    case sqrt
    /// `1/√x`.
    case rsqrt
    /// `eˣ`.
    case exp
    /// The natural logarithm (`-inf` at 0, NaN below 0).
    case log
    /// The hyperbolic tangent.
    case tanh
    /// The logistic function `1 / (1 + e⁻ˣ)`.
    case sigmoid
    /// `max(x, 0)` (NaN stays NaN).
    case relu
    /// `x` for x > 0, `slope·x` otherwise.
    case leakyRelu(slope: Float)
    /// `x` for x > 0, `alpha·(eˣ - 1)` otherwise.
    case elu(alpha: Float)
    /// GELU with the exact normal CDF: `x·Φ(x) = ½x·(1 + erf(x/√2))`.
    case geluErf
    /// GELU with the tanh approximation: `½x·(1 + tanh(√(2/π)·(x + 0.044715x³)))`.
    case geluTanh
    /// SiLU (swish): `x·sigmoid(x)`.
    case silu
    /// `log(1 + eˣ)`, computed without overflow.
    case softplus
    /// `xᵖ`: NaN for a negative base with a non-integer power, 1 when p = 0. Relative error about
    /// 1e-7·(1 + |p·ln x|), except the exact shortcuts p = 0, 1, 2, 3, -1, -2 and ½.
    case power(Float)
    /// `x` limited to `[min, max]`.
    case clamp(min: Float, max: Float)
    /// `1/x`.
    case reciprocal
}

/// A function of two elements, applied pairwise.
public enum BinaryOperation: Sendable, Hashable {
    /// `a + b`.
    case add
    /// `a - b`.
    case subtract
    /// `a · b`.
    case multiply
    /// `a / b`.
    case divide
    /// The larger of `a` and `b`; NaN if either is NaN.
    case maximum
    /// The smaller of `a` and `b`; NaN if either is NaN.
    case minimum
    /// `aᵇ`, with the conventions of ``UnaryOperation/power(_:)``.
    case power
}

/// A comparison of two elements whose result is stored as 1 (true) or 0 (false).
///
/// Comparisons with NaN are false, except ``notEqual``, which is true.
package enum Comparison: Sendable, Hashable {
    /// `a < b`.
    case less
    /// `a ≤ b`.
    case lessOrEqual
    /// `a > b`.
    case greater
    /// `a ≥ b`.
    case greaterOrEqual
    /// `a == b`.
    case equal
    /// `a != b`.
    case notEqual
}

extension UnaryOperation {
    /// Elements per thread below which the operation is not worth splitting: cheap operations are
    /// bound by memory and need large pieces, the transcendental ones pay off earlier.
    var parallelGrain: Int {
        switch self {
        case .negate, .abs, .square, .relu, .leakyRelu, .clamp, .reciprocal, .sqrt, .rsqrt:
            return 1 << 16
        case .power(let p) where [0, 1, 2, 3, -1, -2].contains(p):
            return 1 << 16
        default:
            return 1 << 13
        }
    }
}
