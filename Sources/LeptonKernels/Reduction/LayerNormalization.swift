/// Layer normalisation over the last axis of a row-major `[rows, columns]` buffer, `y = (x − μ)·σ⁻¹·scale + offset`
/// with each row's mean μ and biased variance (σ² = mean of (x − μ)² + ε), and its backward pass: the fused kernels
/// behind `Tensor.layerNormalized(scale:offset:epsilon:)`, eight lanes at a time, rows split over the pool.
package enum LayerNormalization {
    /// Elements per thread below which a pass stays on one thread.
    static let parallelGrain = 1 << 14

    /// The forward pass; also writes each row's mean and inverse standard deviation σ⁻¹ for the backward pass.
    ///
    /// - Parameters:
    ///   - x: The input, `rows·columns` floats.
    ///   - scale: The per-column scale, `columns` floats.
    ///   - offset: The per-column offset, `columns` floats.
    ///   - y: The output, `rows·columns` floats (not `x`).
    ///   - mean: Each row's mean, `rows` floats.
    ///   - inverseDeviation: Each row's `1 / √(variance + ε)`, `rows` floats.
    ///   - rows: The number of rows.
    ///   - columns: The length of each row (the normalised axis), at least 1.
    ///   - epsilon: Added to the variance.
    ///   - pool: The threads to use for large inputs.
    package static func forward(
        _ x: UnsafePointer<Float>, scale: UnsafePointer<Float>, offset: UnsafePointer<Float>,
        _ y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
        inverseDeviation: UnsafeMutablePointer<Float>, rows: Int, columns: Int, epsilon: Float,
        pool: ThreadPool = .shared
    ) {
        precondition(rows >= 0 && columns > 0, "LayerNormalization.forward: invalid shape [\(rows), \(columns)]")
        ParallelSplit.forEach(count: rows, costPerIndex: columns, grain: parallelGrain, pool: pool) { range in
            for row in range {
                let input = x + row * columns
                let output = y + row * columns
                let average = rowSum(columns) { input.partialOrFull(at: $0, count: $1) } / Float(columns)
                let variance =
                    rowSum(columns) { index, count in
                        let deviation = input.partialOrFull(at: index, count: count) - average
                        return ContiguousReduction.keepingFirst(count, of: deviation * deviation)
                    } / Float(columns)
                let inverse = 1 / (variance + epsilon).squareRoot()
                mean[row] = average
                inverseDeviation[row] = inverse
                var index = 0
                while index < columns {
                    let count = Swift.min(vectorWidth, columns - index)
                    let normalized = (input.partialOrFull(at: index, count: count) - average) * inverse
                    let value =
                        normalized * scale.partialOrFull(at: index, count: count)
                        + offset.partialOrFull(at: index, count: count)
                    output.storePartialOrFull(value, at: index, count: count)
                    index += vectorWidth
                }
            }
        }
    }

    /// The backward pass: with x̂ = (x − μ)·σ⁻¹ and g = dy·scale, `dx = σ⁻¹·(g − mean(g) − x̂·mean(g·x̂))` per row,
    /// `dscale = Σ_rows dy·x̂` and `doffset = Σ_rows dy`.
    ///
    /// - Parameters:
    ///   - x: The forward input, `rows·columns` floats.
    ///   - scale: The per-column scale, `columns` floats.
    ///   - mean: Each row's mean from the forward pass.
    ///   - inverseDeviation: Each row's σ⁻¹ from the forward pass.
    ///   - dy: The gradient with respect to the output, `rows·columns` floats.
    ///   - dx: The gradient with respect to the input, `rows·columns` floats, written.
    ///   - dScale: The gradient with respect to the scale, `columns` floats, written.
    ///   - dOffset: The gradient with respect to the offset, `columns` floats, written.
    ///   - rows: The number of rows.
    ///   - columns: The length of each row, at least 1.
    ///   - pool: The threads to use for large inputs.
    package static func backward(
        x: UnsafePointer<Float>, scale: UnsafePointer<Float>, mean: UnsafePointer<Float>,
        inverseDeviation: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
        dScale: UnsafeMutablePointer<Float>, dOffset: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
        pool: ThreadPool = .shared
    ) {
        precondition(rows >= 0 && columns > 0, "LayerNormalization.backward: invalid shape [\(rows), \(columns)]")
        let total = rows * columns
        let pieces = Swift.max(1, Swift.min(pool.threadCount, rows, total / parallelGrain))
        // Each piece sums its rows' dscale and doffset into its own two rows of `partials`; they are added after.
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: pieces * 2 * columns)
        defer { partials.deallocate() }
        partials.initialize(repeating: 0, count: pieces * 2 * columns)
        let body = { (piece: Int) in
            let pieceScale = partials + piece * 2 * columns
            let pieceOffset = pieceScale + columns
            for row in (rows * piece / pieces)..<(rows * (piece + 1) / pieces) {
                backwardRow(
                    x + row * columns, scale, mean[row], inverseDeviation[row], dy + row * columns,
                    dx + row * columns, pieceScale, pieceOffset, columns)
            }
        }
        if pieces > 1 { pool.parallelFor(pieces, body) } else { body(0) }
        dScale.update(from: partials, count: columns)
        dOffset.update(from: partials + columns, count: columns)
        for piece in 1..<pieces {
            let pieceScale = partials + piece * 2 * columns
            VectorLoop.map(dScale, pieceScale, dScale, 0..<columns, Add())
            VectorLoop.map(dOffset, pieceScale + columns, dOffset, 0..<columns, Add())
        }
    }

    /// One row of ``backward(x:scale:mean:inverseDeviation:dy:dx:dScale:dOffset:rows:columns:pool:)``, adding its
    /// terms of dscale and doffset into `dScale` and `dOffset`.
    private static func backwardRow(
        _ x: UnsafePointer<Float>, _ scale: UnsafePointer<Float>, _ mean: Float, _ inverse: Float,
        _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ dScale: UnsafeMutablePointer<Float>,
        _ dOffset: UnsafeMutablePointer<Float>, _ columns: Int
    ) {
        var sumG = FloatVector()
        var sumGX = FloatVector()
        var index = 0
        while index < columns {
            let count = Swift.min(vectorWidth, columns - index)
            let normalized = (x.partialOrFull(at: index, count: count) - mean) * inverse
            let gradient = dy.partialOrFull(at: index, count: count)
            // Missing lanes load 0 for dy, so they add nothing.
            let g = gradient * scale.partialOrFull(at: index, count: count)
            sumG += g
            sumGX += g * normalized
            dScale.storePartialOrFull(
                UnsafePointer(dScale).partialOrFull(at: index, count: count) + gradient * normalized, at: index,
                count: count)
            dOffset.storePartialOrFull(
                UnsafePointer(dOffset).partialOrFull(at: index, count: count) + gradient, at: index, count: count)
            index += vectorWidth
        }
        let meanG = sumG.sum() / Float(columns)
        let meanGX = sumGX.sum() / Float(columns)
        index = 0
        while index < columns {
            let count = Swift.min(vectorWidth, columns - index)
            let normalized = (x.partialOrFull(at: index, count: count) - mean) * inverse
            let g = dy.partialOrFull(at: index, count: count) * scale.partialOrFull(at: index, count: count)
            dx.storePartialOrFull((g - meanG - normalized * meanGX) * inverse, at: index, count: count)
            index += vectorWidth
        }
    }

    /// The sum of the vectors `term(index, count)` over a row of `columns` (count < 8 only for the last, whose
    /// missing lanes must be 0).
    @inline(__always)
    private static func rowSum(_ columns: Int, _ term: (Int, Int) -> FloatVector) -> Float {
        var total = FloatVector()
        var index = 0
        while index < columns {
            total += term(index, Swift.min(vectorWidth, columns - index))
            index += vectorWidth
        }
        return total.sum()
    }
}
