/// Softmax and log-softmax along the last axis of a row-major `[rows, columns]` buffer, and their
/// backward passes.
///
/// The forward passes subtract the row maximum before exponentiating, so no row overflows. A row holding
/// NaN, or only `-inf`, gives NaN. Rows are split over the pool when the buffer is large.
package enum Softmax {
    /// Elements per thread below which softmax stays on one thread.
    static let parallelGrain = 1 << 14

    private static func forEachRow(
        _ function: String, rows: Int, columns: Int, pool: ThreadPool, _ body: (Int) -> Void
    ) {
        precondition(rows >= 0 && columns >= 0, "Softmax.\(function): invalid shape [\(rows), \(columns)]")
        guard columns > 0 else { return }
        ParallelSplit.forEach(count: rows, costPerIndex: columns, grain: parallelGrain, pool: pool) { range in
            for row in range { body(row) }
        }
    }

    /// `y = exp(x - max) / Σ exp(x - max)` for every row.
    ///
    /// - Parameters:
    ///   - x: The logits, `rows·columns` floats.
    ///   - y: The probabilities, `rows·columns` floats; may be `x`.
    ///   - rows: The number of independent rows.
    ///   - columns: The length of each row.
    ///   - pool: The threads to use for large inputs.
    package static func forward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
        pool: ThreadPool = .shared
    ) {
        forEachRow("forward", rows: rows, columns: columns, pool: pool) { row in
            let input = x + row * columns
            let output = y + row * columns
            let shift = ContiguousReduction.extremum(input, count: columns, largest: true)
            // Store the exponentials while summing them.
            let total = ContiguousReduction.blockedSum(
                count: columns, ShiftedExponentials(input: input, output: output, shift: shift))
            let scale = 1 / total
            VectorLoop.map(output, output, 0..<columns, ScaleShift(scale: scale, shift: 0))
        }
    }

    /// `y = x - max - log Σ exp(x - max)` for every row.
    ///
    /// - Parameters:
    ///   - x: The logits, `rows·columns` floats.
    ///   - y: The log-probabilities, `rows·columns` floats; may be `x`.
    ///   - rows: The number of independent rows.
    ///   - columns: The length of each row.
    ///   - pool: The threads to use for large inputs.
    package static func logForward(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
        pool: ThreadPool = .shared
    ) {
        forEachRow("logForward", rows: rows, columns: columns, pool: pool) { row in
            let input = x + row * columns
            let shift = ContiguousReduction.extremum(input, count: columns, largest: true)
            let total = ContiguousReduction.blockedSum(
                count: columns, ShiftedExponentials(input: input, output: nil, shift: shift))
            let logTotal = VectorMath.log(FloatVector(repeating: total))[0]
            VectorLoop.map(input, y + row * columns, 0..<columns, SubtractTwice(first: shift, second: logTotal))
        }
    }

    /// The gradient of softmax: `dx = y·(dy - Σ dy·y)` per row, or `dx += …`.
    ///
    /// - Parameters:
    ///   - y: The forward output (probabilities), `rows·columns` floats.
    ///   - dy: The gradient with respect to `y`.
    ///   - dx: The gradient with respect to the logits, written or accumulated; may be `dy`.
    ///   - rows: The number of independent rows.
    ///   - columns: The length of each row.
    ///   - accumulate: Whether to add into `dx` instead of overwriting it.
    ///   - pool: The threads to use for large inputs.
    package static func backward(
        y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
        accumulate: Bool = false, pool: ThreadPool = .shared
    ) {
        forEachRow("backward", rows: rows, columns: columns, pool: pool) { row in
            let offset = row * columns
            let projection = ContiguousReduction.dot(dy + offset, y + offset, count: columns)
            VectorLoop.map(
                y + offset, dy + offset, dy + offset, dx + offset, 0..<columns, accumulate: accumulate,
                SoftmaxGradient(projection: projection))
        }
    }

    /// The gradient of log-softmax: `dx = dy - exp(y)·Σ dy` per row, or `dx += …`.
    ///
    /// - Parameters:
    ///   - y: The forward output (log-probabilities), `rows·columns` floats.
    ///   - dy: The gradient with respect to `y`.
    ///   - dx: The gradient with respect to the logits, written or accumulated; may be `dy`.
    ///   - rows: The number of independent rows.
    ///   - columns: The length of each row.
    ///   - accumulate: Whether to add into `dx` instead of overwriting it.
    ///   - pool: The threads to use for large inputs.
    package static func logBackward(
        y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
        accumulate: Bool = false, pool: ThreadPool = .shared
    ) {
        forEachRow("logBackward", rows: rows, columns: columns, pool: pool) { row in
            let offset = row * columns
            let total = ContiguousReduction.sum(dy + offset, count: columns)
            VectorLoop.map(
                y + offset, dy + offset, dy + offset, dx + offset, 0..<columns, accumulate: accumulate,
                LogSoftmaxGradient(total: total))
        }
    }
}

/// `y·(dy - projection)`, the softmax gradient given `projection = Σ dy·y`.
private struct SoftmaxGradient: TernaryVectorFunction {
    let projection: Float
    @inline(__always) func callAsFunction(_ y: FloatVector, _ dy: FloatVector, _ unused: FloatVector) -> FloatVector {
        y * (dy - projection)
    }
}

/// `dy - exp(y)·total`, the log-softmax gradient given `total = Σ dy`.
private struct LogSoftmaxGradient: TernaryVectorFunction {
    let total: Float
    @inline(__always) func callAsFunction(_ y: FloatVector, _ dy: FloatVector, _ unused: FloatVector) -> FloatVector {
        dy - VectorMath.exp(y) * total
    }
}

/// `exp(x[i] - shift)`, also stored into `output` when it is given.
private struct ShiftedExponentials: SummandVectors {
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>?
    let shift: Float

    @inline(__always) func vector(at index: Int) -> FloatVector {
        let e = VectorMath.exp(input.vector(at: index) - shift)
        output?.store(e, at: index)
        return e
    }

    @inline(__always) func partialVector(at index: Int, count: Int) -> FloatVector {
        let e = VectorMath.exp(input.partialVector(at: index, count: count) - shift)
        output?.storePartial(e, at: index, count: count)
        return ContiguousReduction.keepingFirst(count, of: e)
    }
}
