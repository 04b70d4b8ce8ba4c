extension Softmax {
    /// Softmax of every row over the entries its mask row keeps (attention with a causal or padding mask), eight
    /// lanes at a time: `y = exp(x − max) / Σ exp(x − max)` over the kept entries, exactly 0 at the others; a row
    /// with no entry kept (or only `−inf` ones) is all zeros, and one with a NaN kept is all NaN.
    ///
    /// The mask is not broadcast in memory: row `r` of `x` reads row `maskRow(r)` of `mask`, so a causal mask of
    /// `[time, time]` serves every batch and head.
    ///
    /// - Parameters:
    ///   - x: The scores, `rows·columns` floats.
    ///   - y: The probabilities, `rows·columns` floats; may be `x`.
    ///   - rows: The number of independent rows.
    ///   - columns: The length of each row.
    ///   - mask: Mask rows of `columns` floats: non-zero keeps an entry.
    ///   - maskRow: The mask row of each row of `x` (`rows` indices).
    ///   - pool: The threads to use for large inputs.
    package static func maskedForward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
        mask: UnsafePointer<Float>, maskRow: UnsafePointer<Int>, pool: ThreadPool = .shared
    ) {
        precondition(rows >= 0 && columns >= 0, "Softmax.maskedForward: invalid shape [\(rows), \(columns)]")
        guard columns > 0 else { return }
        ParallelSplit.forEach(count: rows, costPerIndex: columns, grain: parallelGrain, pool: pool) { range in
            for row in range {
                maskedRow(x + row * columns, y + row * columns, columns, mask + maskRow[row] * columns)
            }
        }
    }

    /// One row of ``maskedForward(_:_:rows:columns:mask:maskRow:pool:)``.
    private static func maskedRow(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ columns: Int,
        _ keep: UnsafePointer<Float>
    ) {
        let dropped = FloatVector(repeating: -.infinity)
        var largestLanes = dropped
        var index = 0
        while index < columns {
            let count = Swift.min(vectorWidth, columns - index)
            // Missing lanes of a partial vector load a mask of 0: dropped.
            let kept = keep.partialOrFull(at: index, count: count) .!= 0
            let values = input.partialOrFull(at: index, count: count)
            largestLanes = maximum(largestLanes, dropped.replacing(with: values, where: kept))
            index += vectorWidth
        }
        // A NaN among the kept entries makes the row NaN, as in the unmasked softmax.
        if any(largestLanes .!= largestLanes) {
            output.update(repeating: .nan, count: columns)
            return
        }
        let largest = largestLanes.max()
        guard largest > -.infinity else {
            output.update(repeating: 0, count: columns)
            return
        }
        let total = ContiguousReduction.blockedSum(
            count: columns, MaskedShiftedExponentials(input: input, keep: keep, output: output, shift: largest))
        let scale: Float = total > 0 ? 1 / total : 0
        VectorLoop.map(output, output, 0..<columns, ScaleShift(scale: scale, shift: 0))
    }
}

/// `exp(x − shift)` where the mask keeps an entry and 0 where it drops it, stored to `output` while they are summed.
private struct MaskedShiftedExponentials: SummandVectors {
    let input: UnsafePointer<Float>
    let keep: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let shift: Float

    @inline(__always) func vector(at index: Int) -> FloatVector {
        let e = FloatVector().replacing(
            with: VectorMath.exp(input.vector(at: index) - shift), where: keep.vector(at: index) .!= 0)
        output.store(e, at: index)
        return e
    }

    @inline(__always) func partialVector(at index: Int, count: Int) -> FloatVector {
        let e = FloatVector().replacing(
            with: VectorMath.exp(input.partialVector(at: index, count: count) - shift),
            where: keep.partialVector(at: index, count: count) .!= 0)
        output.storePartial(e, at: index, count: count)
        return e
    }
}
