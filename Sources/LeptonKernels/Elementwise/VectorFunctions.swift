// Small arithmetic functions shared by the elementwise, reduction, softmax, convolution and pooling loops.

/// `a + b`.
struct Add: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a + b }
}

/// `a - b`.
struct Subtract: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a - b }
}

/// `a · b`.
struct Multiply: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a * b }
}

/// `a / b`.
struct Divide: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a / b }
}

/// The larger of `a` and `b`, NaN if either is.
struct Maximum: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector { maximum(a, b) }
}

/// The smaller of `a` and `b`, NaN if either is.
struct Minimum: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector { minimum(a, b) }
}

/// `aᵇ`.
struct Power: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        VectorMath.power(a, b)
    }
}

/// `a·scale + b`.
struct ScaledAdd: BinaryVectorFunction {
    let scale: Float
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector { a * scale + b }
}

/// `x·scale + shift`.
struct ScaleShift: UnaryVectorFunction {
    let scale: Float
    let shift: Float
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { x * scale + shift }
}

/// `x / divisor` (a true division, one rounding).
struct DivideBy: UnaryVectorFunction {
    let divisor: Float
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { x / divisor }
}

/// `(x - first) - second`, subtracting in that order.
struct SubtractTwice: UnaryVectorFunction {
    let first: Float
    let second: Float
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { (x - first) - second }
}

/// `condition != 0 ? a : b`.
struct Select: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ condition: FloatVector, _ a: FloatVector, _ b: FloatVector) -> FloatVector {
        b.replacing(with: a, where: condition .!= 0)
    }
}

/// `1` where `a < b`, else `0`.
struct IsLess: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        FloatVector().replacing(with: 1, where: a .< b)
    }
}

/// `1` where `a ≤ b`, else `0`.
struct IsLessOrEqual: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        FloatVector().replacing(with: 1, where: a .<= b)
    }
}

/// `1` where `a > b`, else `0`.
struct IsGreater: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        FloatVector().replacing(with: 1, where: a .> b)
    }
}

/// `1` where `a ≥ b`, else `0`.
struct IsGreaterOrEqual: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        FloatVector().replacing(with: 1, where: a .>= b)
    }
}

/// `1` where `a == b`, else `0`.
struct IsEqual: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        FloatVector().replacing(with: 1, where: a .== b)
    }
}

/// `1` where `a != b` (or either is NaN), else `0`.
struct IsNotEqual: BinaryVectorFunction {
    @inline(__always) func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        FloatVector().replacing(with: 1, where: a .!= b)
    }
}

/// `partial + (x - mean)²`.
struct AddSquaredDeviation: TernaryVectorFunction {
    @inline(__always) func callAsFunction(_ x: FloatVector, _ mean: FloatVector, _ partial: FloatVector) -> FloatVector
    {
        let deviation = x - mean
        return partial + deviation * deviation
    }
}
