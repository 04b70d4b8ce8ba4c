// The backward function of every UnaryOperation: given (x, y = op(x), dy), the vector dy·op'(x).

struct NegateDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        negated(g)
    }
}

struct AbsoluteDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        FloatVector().replacing(with: g, where: x .> 0).replacing(with: negated(g), where: x .< 0)
    }
}

struct SquareDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g * x * 2
    }
}

struct SquareRootDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g * 0.5 / y
    }
}

struct ReciprocalSquareRootDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g * y * y * y * -0.5
    }
}

/// For exp: `dy·y`.
struct ExpDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g * y
    }
}

struct LogDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g / x
    }
}

struct TanhDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g * (1 - y * y)
    }
}

struct SigmoidDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g * y * (1 - y)
    }
}

struct ReLUDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g.replacing(with: 0, where: .!(x .> 0))
    }
}

struct LeakyReLUDerivative: TernaryVectorFunction {
    let slope: Float
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g.replacing(with: g * slope, where: .!(x .> 0))
    }
}

/// For x ≤ 0, `alpha·eˣ = y + alpha`.
struct ELUDerivative: TernaryVectorFunction {
    let alpha: Float
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g.replacing(with: g * (y + alpha), where: .!(x .> 0))
    }
}

/// `Φ(x) + x·φ(x)`.
struct GELUErfDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        let density = VectorMath.expNegativeSquare(x, factor: 0.5) * 0.398_942_28
        return g * (VectorMath.twiceNormalCDF(x) * 0.5 + x * density)
    }
}

struct GELUTanhDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g * GELUTanh.derivative(x)
    }
}

/// `s·(1 + x·(1 - s))` with `s = sigmoid(x)`.
struct SiLUDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        let s = VectorMath.sigmoid(x)
        return g * s * (1 + x * (1 - s))
    }
}

/// `sigmoid(x)`.
struct SoftplusDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        g * VectorMath.sigmoid(x)
    }
}

/// `p·x^(p-1)`.
struct PowerDerivative: TernaryVectorFunction {
    let exponent: Float
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        exponent == 0 ? FloatVector() : g * VectorMath.power(x, exponent - 1) * exponent
    }
}

/// 1 where `low ≤ x ≤ high`, 0 elsewhere.
struct ClampDerivative: TernaryVectorFunction {
    let low: Float
    let high: Float
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        FloatVector().replacing(with: g, where: (x .>= low) .& (x .<= high))
    }
}

/// `-y²`.
struct ReciprocalDerivative: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ y: FloatVector, _ g: FloatVector) -> FloatVector {
        negated(g * y * y)
    }
}
