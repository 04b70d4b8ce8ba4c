/// Reductions of one contiguous run of floats, with several vector accumulators (Swift does not
/// reassociate float sums, so one accumulator would serialise on the add latency).
///
/// Sums are formed in blocks of 1024 elements, each block in 32 lanes, and the block sums are added with
/// Kahan compensation: the error stays near a few ulps of the result for any length, without Double.
enum ContiguousReduction {
    static let blockLength = 1024

    /// Lanes `0..<count` of `value`, the others zero.
    @inline(__always)
    static func keepingFirst(_ count: Int, of value: FloatVector) -> FloatVector {
        FloatVector().replacing(
            with: value, where: IntVector(0, 1, 2, 3, 4, 5, 6, 7) .< IntVector(repeating: Int32(count)))
    }

    /// The compensated blocked sum of `count` terms given by `terms`.
    static func blockedSum<Terms: SummandVectors>(count: Int, _ terms: Terms) -> Float {
        var total: Float = 0
        var compensation: Float = 0
        var blockStart = 0
        while blockStart < count {
            let blockEnd = min(blockStart + blockLength, count)
            var acc0 = FloatVector()
            var acc1 = FloatVector()
            var acc2 = FloatVector()
            var acc3 = FloatVector()
            var index = blockStart
            while index + 4 * vectorWidth <= blockEnd {
                acc0 += terms.vector(at: index)
                acc1 += terms.vector(at: index + vectorWidth)
                acc2 += terms.vector(at: index + 2 * vectorWidth)
                acc3 += terms.vector(at: index + 3 * vectorWidth)
                index += 4 * vectorWidth
            }
            while index + vectorWidth <= blockEnd {
                acc0 += terms.vector(at: index)
                index += vectorWidth
            }
            if index < blockEnd { acc1 += terms.partialVector(at: index, count: blockEnd - index) }
            let blockSum = ((acc0 + acc1) + (acc2 + acc3)).sum()
            let corrected = blockSum - compensation
            let newTotal = total + corrected
            compensation = (newTotal - total) - corrected
            total = newTotal
            blockStart = blockEnd
        }
        return total
    }

    /// `x[0] + … + x[count-1]`.
    static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        blockedSum(count: count, Elements(x: x))
    }

    /// `Σ x[i]·y[i]`.
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        blockedSum(count: count, Products(x: x, y: y))
    }

    /// `Σ (x[i] - mean)²`.
    static func squaredDeviations(_ x: UnsafePointer<Float>, count: Int, mean: Float) -> Float {
        blockedSum(count: count, SquaredDeviations(x: x, mean: mean))
    }

    /// The largest (or, with `largest` false, smallest) of `count` ≥ 1 floats; NaN if any is NaN.
    static func extremum(_ x: UnsafePointer<Float>, count: Int, largest: Bool) -> Float {
        precondition(count > 0, "ContiguousReduction.extremum: empty input")
        let first = FloatVector(repeating: x[0])
        var acc0 = first
        var acc1 = first
        var index = 0
        if largest {
            while index + 2 * vectorWidth <= count {
                acc0 = maximum(acc0, x.vector(at: index))
                acc1 = maximum(acc1, x.vector(at: index + vectorWidth))
                index += 2 * vectorWidth
            }
            while index + vectorWidth <= count {
                acc0 = maximum(acc0, x.vector(at: index))
                index += vectorWidth
            }
        } else {
            while index + 2 * vectorWidth <= count {
                acc0 = minimum(acc0, x.vector(at: index))
                acc1 = minimum(acc1, x.vector(at: index + vectorWidth))
                index += 2 * vectorWidth
            }
            while index + vectorWidth <= count {
                acc0 = minimum(acc0, x.vector(at: index))
                index += vectorWidth
            }
        }
        var result = largest ? horizontalMaximum(maximum(acc0, acc1)) : horizontalMinimum(minimum(acc0, acc1))
        while index < count && !result.isNaN {
            let value = x[index]
            if largest ? !(value <= result) : !(value >= result) { result = value }
            index += 1
        }
        return result
    }

    /// The index of the first largest element of `count` ≥ 1 floats (the first NaN, if there is one).
    static func indexOfMaximum(_ x: UnsafePointer<Float>, count: Int) -> Int {
        let best = extremum(x, count: count, largest: true)
        if best.isNaN {
            return (0..<count).first { x[$0].isNaN } ?? 0
        }
        return (0..<count).first { x[$0] == best } ?? 0
    }
}

/// The terms of a sum, eight at a time, for ``ContiguousReduction/blockedSum(count:_:)``.
protocol SummandVectors {
    /// Terms `index..<index + 8`.
    func vector(at index: Int) -> FloatVector
    /// Terms `index..<index + count` (count < 8) in the low lanes, zeros in the others.
    func partialVector(at index: Int, count: Int) -> FloatVector
}

/// The elements themselves.
private struct Elements: SummandVectors {
    let x: UnsafePointer<Float>
    @inline(__always) func vector(at index: Int) -> FloatVector { x.vector(at: index) }
    @inline(__always) func partialVector(at index: Int, count: Int) -> FloatVector {
        x.partialVector(at: index, count: count)
    }
}

/// `x[i]·y[i]`.
private struct Products: SummandVectors {
    let x: UnsafePointer<Float>
    let y: UnsafePointer<Float>
    @inline(__always) func vector(at index: Int) -> FloatVector { x.vector(at: index) * y.vector(at: index) }
    @inline(__always) func partialVector(at index: Int, count: Int) -> FloatVector {
        x.partialVector(at: index, count: count) * y.partialVector(at: index, count: count)
    }
}

/// `(x[i] - mean)²`.
private struct SquaredDeviations: SummandVectors {
    let x: UnsafePointer<Float>
    let mean: Float
    @inline(__always) func vector(at index: Int) -> FloatVector {
        let deviation = x.vector(at: index) - mean
        return deviation * deviation
    }
    @inline(__always) func partialVector(at index: Int, count: Int) -> FloatVector {
        let deviation = ContiguousReduction.keepingFirst(count, of: x.partialVector(at: index, count: count) - mean)
        return deviation * deviation
    }
}
