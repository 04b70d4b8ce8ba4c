/// Reductions over the middle axis of a contiguous `[outer, axis, inner]` view of a buffer.
///
/// A tensor reduced along one dimension is such a view: `outer` is the product of the dimensions before
/// it, `inner` of those after it (1 for the last dimension). Results are `[outer, inner]`, row-major.
/// Work is split over the pool by slabs and column ranges when there is enough of it.
package enum Reduction {
    /// Elements per thread below which a reduction stays on one thread.
    static let parallelGrain = 1 << 16

    /// Runs `body(slab, columns)` for every slab `0..<outer` and a cover of the columns `0..<inner`,
    /// in parallel when the input is large.
    private static func forEachSlab(
        outer: Int, axis: Int, inner: Int, pool: ThreadPool, _ body: (Int, Range<Int>) -> Void
    ) {
        let columnChunk = inner >= 4096 ? 2048 : Swift.max(inner, 1)
        let chunks = (inner + columnChunk - 1) / columnChunk
        let items = outer * chunks
        ParallelSplit.forEach(count: items, costPerIndex: axis * columnChunk, grain: parallelGrain, pool: pool) {
            for item in $0 {
                let chunk = item % chunks
                body(item / chunks, (chunk * columnChunk)..<Swift.min(inner, (chunk + 1) * columnChunk))
            }
        }
    }

    private static func checkShape(_ function: String, outer: Int, axis: Int, inner: Int, nonEmpty: Bool) {
        precondition(
            outer >= 0 && inner >= 0 && axis >= (nonEmpty ? 1 : 0),
            "Reduction.\(function): invalid view outer \(outer), axis \(axis), inner \(inner)")
    }

    /// Sums along the axis: `out[o, i] = Σ_a x[o, a, i]` (0 for an empty axis).
    ///
    /// - Parameters:
    ///   - x: The input, `outer·axis·inner` floats.
    ///   - outer: The number of independent slabs.
    ///   - axis: The length of the reduced axis.
    ///   - inner: The number of elements after the axis (1 when it is the last one).
    ///   - out: The result, `outer·inner` floats.
    ///   - pool: The threads to use for large inputs.
    package static func sum(
        _ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int, into out: UnsafeMutablePointer<Float>,
        pool: ThreadPool = .shared
    ) {
        checkShape("sum", outer: outer, axis: axis, inner: inner, nonEmpty: false)
        forEachSlab(outer: outer, axis: axis, inner: inner, pool: pool) { slab, columns in
            let base = x + slab * axis * inner + columns.lowerBound
            if inner == 1 {
                out[slab] = ContiguousReduction.sum(base, count: axis)
            } else {
                let target = out + slab * inner + columns.lowerBound
                ColumnReduction.sum(base, rows: axis, stride: inner, width: columns.count, into: target)
            }
        }
    }

    /// The largest value along the axis (NaN if any is NaN); the axis must not be empty.
    ///
    /// - Parameters:
    ///   - x: The input, `outer·axis·inner` floats.
    ///   - outer: The number of independent slabs.
    ///   - axis: The length of the reduced axis, at least 1.
    ///   - inner: The number of elements after the axis.
    ///   - out: The result, `outer·inner` floats.
    ///   - pool: The threads to use for large inputs.
    package static func max(
        _ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int, into out: UnsafeMutablePointer<Float>,
        pool: ThreadPool = .shared
    ) {
        checkShape("max", outer: outer, axis: axis, inner: inner, nonEmpty: true)
        extremum(x, outer: outer, axis: axis, inner: inner, largest: true, into: out, pool: pool)
    }

    /// The smallest value along the axis (NaN if any is NaN); the axis must not be empty.
    ///
    /// - Parameters:
    ///   - x: The input, `outer·axis·inner` floats.
    ///   - outer: The number of independent slabs.
    ///   - axis: The length of the reduced axis, at least 1.
    ///   - inner: The number of elements after the axis.
    ///   - out: The result, `outer·inner` floats.
    ///   - pool: The threads to use for large inputs.
    package static func min(
        _ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int, into out: UnsafeMutablePointer<Float>,
        pool: ThreadPool = .shared
    ) {
        checkShape("min", outer: outer, axis: axis, inner: inner, nonEmpty: true)
        extremum(x, outer: outer, axis: axis, inner: inner, largest: false, into: out, pool: pool)
    }

    private static func extremum(
        _ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int, largest: Bool,
        into out: UnsafeMutablePointer<Float>, pool: ThreadPool
    ) {
        forEachSlab(outer: outer, axis: axis, inner: inner, pool: pool) { slab, columns in
            let base = x + slab * axis * inner + columns.lowerBound
            if inner == 1 {
                out[slab] = ContiguousReduction.extremum(base, count: axis, largest: largest)
            } else {
                let target = out + slab * inner + columns.lowerBound
                ColumnReduction.extremum(
                    base, rows: axis, stride: inner, width: columns.count, largest: largest, into: target)
            }
        }
    }

    /// The position along the axis of the largest value: the first one on ties, the first NaN if there
    /// is one (NaN counts as the largest, as in PyTorch); the axis must not be empty.
    ///
    /// - Parameters:
    ///   - x: The input, `outer·axis·inner` floats.
    ///   - outer: The number of independent slabs.
    ///   - axis: The length of the reduced axis, 1 to `Int32.max`.
    ///   - inner: The number of elements after the axis.
    ///   - out: The indices, `outer·inner` values in `0..<axis`.
    ///   - pool: The threads to use for large inputs.
    package static func argmax(
        _ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int, into out: UnsafeMutablePointer<Int32>,
        pool: ThreadPool = .shared
    ) {
        checkShape("argmax", outer: outer, axis: axis, inner: inner, nonEmpty: true)
        precondition(axis <= Int(Int32.max), "Reduction.argmax: axis \(axis) does not fit Int32 indices")
        forEachSlab(outer: outer, axis: axis, inner: inner, pool: pool) { slab, columns in
            let base = x + slab * axis * inner + columns.lowerBound
            if inner == 1 {
                out[slab] = Int32(ContiguousReduction.indexOfMaximum(base, count: axis))
            } else {
                let target = out + slab * inner + columns.lowerBound
                ColumnReduction.indexOfMaximum(base, rows: axis, stride: inner, width: columns.count, into: target)
            }
        }
    }

    /// The mean and the biased variance (divided by `axis`) along the axis, in two passes: the mean
    /// first, then the squared deviations from it, each summed in blocks, so large counts and large
    /// offsets stay accurate. The axis must not be empty.
    ///
    /// - Parameters:
    ///   - x: The input, `outer·axis·inner` floats.
    ///   - outer: The number of independent slabs.
    ///   - axis: The length of the reduced axis, at least 1.
    ///   - inner: The number of elements after the axis.
    ///   - mean: The means, `outer·inner` floats.
    ///   - variance: The variances, `outer·inner` floats.
    ///   - pool: The threads to use for large inputs.
    package static func meanAndVariance(
        _ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int, mean: UnsafeMutablePointer<Float>,
        variance: UnsafeMutablePointer<Float>, pool: ThreadPool = .shared
    ) {
        checkShape("meanAndVariance", outer: outer, axis: axis, inner: inner, nonEmpty: true)
        let scale = 1 / Float(axis)
        forEachSlab(outer: outer, axis: axis, inner: inner, pool: pool) { slab, columns in
            let base = x + slab * axis * inner + columns.lowerBound
            if inner == 1 {
                let average = ContiguousReduction.sum(base, count: axis) / Float(axis)
                mean[slab] = average
                variance[slab] = ContiguousReduction.squaredDeviations(base, count: axis, mean: average) * scale
            } else {
                let width = columns.count
                let meanRow = mean + slab * inner + columns.lowerBound
                let varianceRow = variance + slab * inner + columns.lowerBound
                ColumnReduction.sum(base, rows: axis, stride: inner, width: width, into: meanRow)
                VectorLoop.map(meanRow, meanRow, 0..<width, DivideBy(divisor: Float(axis)))
                ColumnReduction.squaredDeviations(
                    base, rows: axis, stride: inner, width: width, mean: meanRow, into: varianceRow)
                VectorLoop.map(varianceRow, varianceRow, 0..<width, ScaleShift(scale: scale, shift: 0))
            }
        }
    }

    /// The sum of all `count` elements, in blocks of 32 lanes with compensated block sums (accurate to a
    /// few ulps of the result for any count).
    ///
    /// - Parameters:
    ///   - x: The input.
    ///   - count: The number of elements.
    /// - Returns: The sum (0 when `count` is 0).
    package static func sumAll(_ x: UnsafePointer<Float>, count: Int) -> Float {
        precondition(count >= 0, "Reduction.sumAll: negative count \(count)")
        return ContiguousReduction.sum(x, count: count)
    }

    /// The dot product `Σ x[i]·y[i]`, accumulated like ``sumAll(_:count:)``.
    ///
    /// - Parameters:
    ///   - x: The first vector.
    ///   - y: The second vector.
    ///   - count: The number of elements of each.
    /// - Returns: The dot product (0 when `count` is 0).
    package static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
        precondition(count >= 0, "Reduction.dot: negative count \(count)")
        return ContiguousReduction.dot(x, y, count: count)
    }
}
