/// The SIMD vector Lepton's elementwise, reduction and pooling kernels work in: eight floats.
///
/// Eight lanes fill one AVX register or two SSE registers; without `-mavx` the compiler emits SSE, which
/// these memory-bound loops saturate as well.
typealias FloatVector = SIMD8<Float>

/// The integer vector with the lane count of ``FloatVector`` (bit patterns, exponents, indices).
typealias IntVector = SIMD8<Int32>

/// A lane mask from comparing two ``FloatVector``s.
typealias VectorMask = SIMDMask<IntVector>

/// The number of lanes in a ``FloatVector``.
let vectorWidth = FloatVector.scalarCount

extension UnsafePointer where Pointee == Float {
    /// The eight floats starting at `offset`, with no alignment requirement.
    @inline(__always)
    func vector(at offset: Int) -> FloatVector {
        UnsafeRawPointer(self + offset).loadUnaligned(as: FloatVector.self)
    }

    /// The first `count` (< 8) floats at `offset` in the low lanes, zeros in the others.
    @inline(__always)
    func partialVector(at offset: Int, count: Int) -> FloatVector {
        var result = FloatVector()
        for lane in 0..<count { result[lane] = self[offset + lane] }
        return result
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// The eight floats starting at `offset`, with no alignment requirement.
    @inline(__always)
    func vector(at offset: Int) -> FloatVector {
        UnsafeRawPointer(self + offset).loadUnaligned(as: FloatVector.self)
    }

    /// Stores eight floats at `offset`, with no alignment requirement.
    @inline(__always)
    func store(_ value: FloatVector, at offset: Int) {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: FloatVector.self)
    }

    /// Stores the first `count` (< 8) lanes of `value` at `offset`.
    @inline(__always)
    func storePartial(_ value: FloatVector, at offset: Int, count: Int) {
        for lane in 0..<count { self[offset + lane] = value[lane] }
    }
}

/// The bit patterns of the lanes.
@inline(__always)
func bitPattern(_ value: FloatVector) -> IntVector {
    unsafeBitCast(value, to: IntVector.self)
}

/// The floats with the given bit patterns.
@inline(__always)
func floats(bitPattern bits: IntVector) -> FloatVector {
    unsafeBitCast(bits, to: FloatVector.self)
}

/// `|x|` per lane (clears the sign bit, so NaN stays NaN).
@inline(__always)
func absolute(_ x: FloatVector) -> FloatVector {
    floats(bitPattern: bitPattern(x) & 0x7FFF_FFFF)
}

/// `-x` per lane (flips the sign bit, so `-0` and `+0` swap as they should).
@inline(__always)
func negated(_ x: FloatVector) -> FloatVector {
    floats(bitPattern: bitPattern(x) ^ IntVector(repeating: Int32(bitPattern: 0x8000_0000)))
}

/// `magnitude` with the sign of `sign`, per lane.
@inline(__always)
func copySign(_ magnitude: FloatVector, from sign: FloatVector) -> FloatVector {
    let signBits = bitPattern(sign) & IntVector(repeating: Int32(bitPattern: 0x8000_0000))
    return floats(bitPattern: (bitPattern(magnitude) & 0x7FFF_FFFF) | signBits)
}

/// The larger of `a` and `b` per lane; NaN in either input gives NaN.
///
/// (`pointwiseMax` compiles to a scalar loop with NaN branches, and drops NaN.)
@inline(__always)
func maximum(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
    a.replacing(with: b, where: (b .> a) .| (b .!= b))
}

/// The smaller of `a` and `b` per lane; NaN in either input gives NaN.
@inline(__always)
func minimum(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
    a.replacing(with: b, where: (b .< a) .| (b .!= b))
}

/// `sqrt(x)` per lane, correctly rounded (one scalar square-root instruction per lane: the vector form of
/// `squareRoot()` is not emitted without `-mavx`, and a Newton iteration would not round correctly).
@inline(__always)
func squareRoot(_ x: FloatVector) -> FloatVector {
    var result = x
    for lane in 0..<vectorWidth { result[lane] = x[lane].squareRoot() }
    return result
}

/// The largest lane, NaN if any lane is NaN.
@inline(__always)
func horizontalMaximum(_ x: FloatVector) -> Float {
    var best = x[0]
    // `!(v <= best)` holds when v is larger or NaN; once best is NaN it stays.
    for lane in 1..<vectorWidth where !best.isNaN && !(x[lane] <= best) { best = x[lane] }
    return best
}

/// The smallest lane, NaN if any lane is NaN.
@inline(__always)
func horizontalMinimum(_ x: FloatVector) -> Float {
    var best = x[0]
    for lane in 1..<vectorWidth where !best.isNaN && !(x[lane] >= best) { best = x[lane] }
    return best
}

extension UnsafePointer where Pointee == Float {
    /// The eight floats at `offset` when `count` is 8, else the first `count` of them and zeros.
    @inline(__always)
    func partialOrFull(at offset: Int, count: Int) -> FloatVector {
        count == vectorWidth ? vector(at: offset) : partialVector(at: offset, count: count)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// Stores all eight lanes when `count` is 8, else the first `count`.
    @inline(__always)
    func storePartialOrFull(_ value: FloatVector, at offset: Int, count: Int) {
        if count == vectorWidth { store(value, at: offset) } else { storePartial(value, at: offset, count: count) }
    }
}
