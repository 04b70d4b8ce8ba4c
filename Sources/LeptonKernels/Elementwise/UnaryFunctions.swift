// The forward function of every UnaryOperation, as a vector function type for VectorLoop.

struct NegateFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { negated(x) }
}

struct AbsoluteFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { absolute(x) }
}

struct SquareFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { x * x }
}

struct SquareRootFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { squareRoot(x) }
}

struct ReciprocalSquareRootFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { 1 / squareRoot(x) }
}

struct ExpFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { VectorMath.exp(x) }
}

struct LogFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { VectorMath.log(x) }
}

struct TanhFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { VectorMath.tanh(x) }
}

struct SigmoidFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { VectorMath.sigmoid(x) }
}

struct ReLUFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { x.replacing(with: 0, where: x .< 0) }
}

struct LeakyReLUFunction: UnaryVectorFunction {
    let slope: Float
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector {
        x.replacing(with: x * slope, where: x .< 0)
    }
}

struct ELUFunction: UnaryVectorFunction {
    let alpha: Float
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector {
        x.replacing(with: VectorMath.expm1(x) * alpha, where: x .<= 0)
    }
}

struct GELUErfFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { x * VectorMath.twiceNormalCDF(x) * 0.5 }
}

struct GELUTanhFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector {
        x * VectorMath.sigmoid(GELUTanh.argument(x))
    }
}

struct SiLUFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { x * VectorMath.sigmoid(x) }
}

/// `log(1 + eˣ) = max(x, 0) + log1p(e^-|x|)`: no overflow, and exact-looking tails.
struct SoftplusFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector {
        let positivePart = x.replacing(with: 0, where: x .< 0)
        return positivePart + VectorMath.log1pNonNegative(VectorMath.exp(negated(absolute(x))))
    }
}

struct PowerFunction: UnaryVectorFunction {
    let exponent: Float
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { VectorMath.power(x, exponent) }
}

struct ClampFunction: UnaryVectorFunction {
    let low: Float
    let high: Float
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector {
        x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    }
}

struct ReciprocalFunction: UnaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { 1 / x }
}

/// The tanh approximation of GELU, written as `x·sigmoid(2u)` (equal to `½x·(1 + tanh u)` but without
/// the cancellation of `1 + tanh u` for negative x).
enum GELUTanh {
    private static let scale: Float = 0.797_884_56  // √(2/π)
    private static let cubic: Float = 0.044_715

    /// `2u = 2·√(2/π)·(x + 0.044715x³)`.
    @inline(__always)
    static func argument(_ x: FloatVector) -> FloatVector {
        (x + x * x * x * cubic) * (2 * scale)
    }

    /// d/dx of `x·sigmoid(2u)`: `s + x·s·(1 - s)·2u'`.
    @inline(__always)
    static func derivative(_ x: FloatVector) -> FloatVector {
        let s = VectorMath.sigmoid(argument(x))
        let slope = (x * x * (3 * cubic) + 1) * (2 * scale)
        return s + x * s * (1 - s) * slope
    }
}
