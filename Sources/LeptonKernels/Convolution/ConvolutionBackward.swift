extension Convolution {
    /// The gradient with respect to the input: `dInput = col2im(dOutput · weightsᵀ)`.
    ///
    /// Blocks of output-pixel gradients are multiplied by the transposed weights into an im2col-shaped
    /// buffer, which is then added back onto the input pixels each row was gathered from. Threads take
    /// whole images, so their additions never overlap.
    ///
    /// - Parameters:
    ///   - outputGradient: NHWC gradient of the output, `geometry.outputCount` floats.
    ///   - weights: HWIO weights, `geometry.weightCount` floats.
    ///   - inputGradient: NHWC gradient of the input, `geometry.inputCount` floats; overwritten, or added
    ///     to when `accumulate`.
    ///   - geometry: The shapes, strides, dilation and padding.
    ///   - accumulate: Whether to add into `inputGradient` instead of overwriting it.
    ///   - pool: The threads to use.
    package static func backwardInput(
        outputGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>,
        geometry: Conv2DGeometry, accumulate: Bool = false, pool: ThreadPool = .shared
    ) {
        let k = geometry.patchLength
        let n = geometry.outChannels
        let rows = geometry.outputPixels
        if geometry.isPointwise && rows > 0 {
            sgemm(
                .none, .transposed, m: rows, n: k, k: n, a: outputGradient, lda: n, b: weights, ldb: n,
                beta: accumulate ? 1 : 0, c: inputGradient, ldc: k, pool: pool)
            return
        }
        let imageFloats = geometry.height * geometry.width * geometry.inChannels
        let pixelsPerImage = geometry.outHeight * geometry.outWidth
        let plan = Plan(
            rows: geometry.batch, rowLength: k, flopsPerRow: 2 * k * n * pixelsPerImage, minimumPerThread: 1, pool: pool
        )
        let images = plan.ranges
        let rowsPerBlock = plan.rowsPerBlock
        pool.parallelFor(images.count) { piece in
            let range = images[piece]
            if !accumulate {
                (inputGradient + range.lowerBound * imageFloats).update(repeating: 0, count: range.count * imageFloats)
            }
            let pixels = (range.lowerBound * pixelsPerImage)..<(range.upperBound * pixelsPerImage)
            for start in stride(from: pixels.lowerBound, to: pixels.upperBound, by: rowsPerBlock) {
                let block = start..<min(start + rowsPerBlock, pixels.upperBound)
                ScratchPool.withBuffer(atLeast: block.count * k) { columns in
                    let gradientRows = outputGradient + block.lowerBound * n
                    if geometry.prefersTransposedColumns {
                        // [K, pixels] = weights · dOutputᵀ: the GEMM's tiles run along the pixels, not the
                        // few columns of K.
                        sgemm(
                            .none, .transposed, m: k, n: block.count, k: n, a: weights, lda: n, b: gradientRows,
                            ldb: n, c: columns, ldc: block.count, pool: pool)
                        Im2Col.scatterAddTransposed(columns, geometry: geometry, rows: block, into: inputGradient)
                    } else {
                        sgemm(
                            .none, .transposed, m: block.count, n: k, k: n, a: gradientRows, lda: n, b: weights,
                            ldb: n, c: columns, ldc: k, pool: pool)
                        Im2Col.scatterAdd(columns, geometry: geometry, rows: block, into: inputGradient)
                    }
                }
            }
        }
    }

    /// The gradients with respect to the weights, `im2colᵀ · dOutput`, and the bias, the column sums of
    /// `dOutput`.
    ///
    /// On several threads each one reduces its own range of output pixels into a private partial result;
    /// the partials are added at the end.
    ///
    /// - Parameters:
    ///   - input: NHWC input of the forward pass, `geometry.inputCount` floats.
    ///   - outputGradient: NHWC gradient of the output, `geometry.outputCount` floats.
    ///   - weightGradient: HWIO gradient of the weights, `geometry.weightCount` floats; overwritten, or
    ///     added to when `accumulate`.
    ///   - biasGradient: `outChannels` floats for the bias gradient, or `nil` when there is no bias.
    ///   - geometry: The shapes, strides, dilation and padding.
    ///   - accumulate: Whether to add into the gradients instead of overwriting them.
    ///   - pool: The threads to use.
    package static func backwardWeights(
        input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
        biasGradient: UnsafeMutablePointer<Float>?, geometry: Conv2DGeometry, accumulate: Bool = false,
        pool: ThreadPool = .shared
    ) {
        let k = geometry.patchLength
        let n = geometry.outChannels
        let rows = geometry.outputPixels
        let plan = Plan(
            rows: rows, rowLength: k, flopsPerRow: 2 * k * n, minimumPerThread: minimumRowsPerThread, pool: pool)
        // With transposed im2col blocks, the K rows of the GEMM are padded with zero rows to a multiple of the
        // tile height: GEMM then packs whole panels (a ragged panel costs a short fill per depth step).
        let paddedK =
            geometry.prefersTransposedColumns && !geometry.isPointwise ? roundUp(k, TileKernel.best.mr) : k
        // A spare padding row filled with ones makes the GEMM sum the output gradient too: the bias gradient.
        let biasRow: Int? = biasGradient != nil && paddedK > k ? k : nil
        let partialFloats = paddedK * n + n
        let biasOffset = biasRow.map { $0 * n } ?? paddedK * n
        // One partial per range: [paddedK·N weight gradient, N bias gradient].
        ScratchPool.withBuffer(atLeast: plan.ranges.count * partialFloats) { partials in
            pool.parallelFor(plan.ranges.count) { piece in
                let range = plan.ranges[piece]
                let partial = partials + piece * partialFloats
                partial.update(repeating: 0, count: partialFloats)
                for start in stride(from: range.lowerBound, to: range.upperBound, by: plan.rowsPerBlock) {
                    let block = start..<min(start + plan.rowsPerBlock, range.upperBound)
                    let gradientRows = outputGradient + block.lowerBound * n
                    accumulateWeightGradient(
                        input: input, gradientRows: gradientRows, block: block, geometry: geometry,
                        paddedK: paddedK, onesRow: biasRow, into: partial, pool: pool)
                }
                if biasGradient != nil && biasRow == nil && !range.isEmpty {
                    ColumnReduction.sum(
                        outputGradient + range.lowerBound * n, rows: range.count, stride: n, width: n,
                        into: partial + biasOffset)
                }
            }
            for piece in 1..<max(plan.ranges.count, 1) {
                let partial = partials + piece * partialFloats
                VectorLoop.map(partials, partial, partials, 0..<partialFloats, Add())
            }
            if accumulate {
                VectorLoop.map(weightGradient, partials, weightGradient, 0..<(k * n), Add())
            } else {
                weightGradient.update(from: partials, count: k * n)
            }
            if let biasGradient {
                if accumulate {
                    VectorLoop.map(biasGradient, partials + biasOffset, biasGradient, 0..<n, Add())
                } else {
                    biasGradient.update(from: partials + biasOffset, count: n)
                }
            }
        }
    }

    /// `partial += im2col(block)ᵀ · gradientRows`, with `partial` holding `paddedK` rows: those past K
    /// receive zeros, except `onesRow`, which receives the column sums of `gradientRows`.
    private static func accumulateWeightGradient(
        input: UnsafePointer<Float>, gradientRows: UnsafePointer<Float>, block: Range<Int>, geometry: Conv2DGeometry,
        paddedK: Int, onesRow: Int?, into partial: UnsafeMutablePointer<Float>, pool: ThreadPool
    ) {
        let k = geometry.patchLength
        let n = geometry.outChannels
        if geometry.isPointwise {
            sgemm(
                .transposed, .none, m: k, n: n, k: block.count, a: input + block.lowerBound * k, lda: k,
                b: gradientRows, ldb: n, beta: 1, c: partial, ldc: n, pool: pool)
            return
        }
        ScratchPool.withBuffer(atLeast: block.count * paddedK) { columns in
            if geometry.prefersTransposedColumns {
                Im2Col.gatherTransposed(input, geometry: geometry, rows: block, into: columns)
                (columns + k * block.count).update(repeating: 0, count: (paddedK - k) * block.count)
                if let onesRow { (columns + onesRow * block.count).update(repeating: 1, count: block.count) }
                sgemm(
                    .none, .none, m: paddedK, n: n, k: block.count, a: columns, lda: block.count, b: gradientRows,
                    ldb: n,
                    beta: 1, c: partial, ldc: n, pool: pool)
            } else {
                Im2Col.gather(input, geometry: geometry, rows: block, into: columns)
                sgemm(
                    .transposed, .none, m: k, n: n, k: block.count, a: columns, lda: k, b: gradientRows, ldb: n,
                    beta: 1, c: partial, ldc: n, pool: pool)
            }
        }
    }
}
