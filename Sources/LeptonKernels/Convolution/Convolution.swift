/// 2-D convolution over NHWC images with HWIO weights, forward and backward, computed as GEMMs.
///
/// The forward pass gathers the receptive fields of a block of output pixels into an im2col matrix
/// (`[pixels, K]`, K = kernelHeight·kernelWidth·inChannels) and multiplies it by the weights read as
/// `[K, outChannels]`, with the bias and activation fused into the GEMM's store. A 1×1 kernel with stride 1
/// and no padding skips the gather: the input already is that matrix.
///
/// Output pixels are processed in blocks whose im2col matrix fits in cache (a few hundred KB from the
/// scratch pool, whatever the batch size). On a multi-core pool large problems are split into one range
/// of pixels per thread, each gathering and multiplying its own blocks; small ones stay on one thread.
package enum Convolution {
    /// The most floats one im2col block holds.
    static let blockFloats = 1 << 16
    /// Output pixels per thread below which a problem is not split by pixels.
    static let minimumRowsPerThread = 256

    /// Pixel ranges, one per thread when the problem is large enough, and the block size within them.
    struct Plan {
        let ranges: [Range<Int>]
        let rowsPerBlock: Int

        /// Plans `rows` units of work (output pixels, or whole images), each costing `flopsPerRow`.
        ///
        /// - Parameters:
        ///   - rows: The units to split.
        ///   - rowLength: Floats in one im2col row (sets the block size).
        ///   - flopsPerRow: The arithmetic per unit.
        ///   - minimumPerThread: Units per thread below which no split is made.
        ///   - pool: The threads available.
        init(rows: Int, rowLength: Int, flopsPerRow: Int, minimumPerThread: Int, pool: ThreadPool) {
            rowsPerBlock = max(1, Convolution.blockFloats / max(rowLength, 1))
            let worthSplitting = rows * max(flopsPerRow, rowLength) >= 1 << 18
            let threads = worthSplitting ? min(pool.threadCount, rows / minimumPerThread) : 1
            let pieces = max(1, threads)
            ranges = (0..<pieces).map { (rows * $0 / pieces)..<(rows * ($0 + 1) / pieces) }
        }

        /// Runs `body(blockRows)` for every block of every range, the ranges in parallel.
        func forEachBlock(pool: ThreadPool, _ body: (Int, Range<Int>) -> Void) {
            pool.parallelFor(ranges.count) { piece in
                let range = ranges[piece]
                for start in stride(from: range.lowerBound, to: range.upperBound, by: rowsPerBlock) {
                    body(piece, start..<min(start + rowsPerBlock, range.upperBound))
                }
            }
        }
    }

    /// The forward pass: `output = activation(conv(input, weights) + bias)`.
    ///
    /// - Parameters:
    ///   - input: NHWC input, `geometry.inputCount` floats.
    ///   - weights: HWIO weights, `geometry.weightCount` floats.
    ///   - bias: `outChannels` floats added to every output pixel, or `nil`.
    ///   - output: NHWC output, `geometry.outputCount` floats (overwritten).
    ///   - geometry: The shapes, strides, dilation and padding.
    ///   - activation: Applied after the bias, fused into the GEMM store.
    ///   - pool: The threads to use.
    package static func forward(
        input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry, activation: EpilogueActivation = .identity,
        pool: ThreadPool = .shared
    ) {
        let rows = geometry.outputPixels
        let k = geometry.patchLength
        let n = geometry.outChannels
        guard rows > 0 else { return }
        if DirectConvolution.applies(to: geometry) {
            DirectConvolution.run(
                input: input, weights: weights, bias: bias, output: output, geometry: geometry, activation: activation,
                pooled: false, pool: pool)
            return
        }
        let epilogue = GEMMEpilogue(bias: bias, biasAxis: .perColumn, activation: activation)
        if geometry.isPointwise {
            sgemm(
                .none, .none, m: rows, n: n, k: k, a: input, lda: k, b: weights, ldb: n, c: output, ldc: n,
                epilogue: epilogue, pool: pool)
            return
        }
        let plan = Plan(
            rows: rows, rowLength: k, flopsPerRow: 2 * k * n, minimumPerThread: minimumRowsPerThread, pool: pool)
        plan.forEachBlock(pool: pool) { _, block in
            ScratchPool.withBuffer(atLeast: block.count * k) { columns in
                if geometry.prefersTransposedColumns {
                    Im2Col.gatherTransposed(input, geometry: geometry, rows: block, into: columns)
                    sgemm(
                        .transposed, .none, m: block.count, n: n, k: k, a: columns, lda: block.count, b: weights,
                        ldb: n, c: output + block.lowerBound * n, ldc: n, epilogue: epilogue, pool: pool)
                } else {
                    Im2Col.gather(input, geometry: geometry, rows: block, into: columns)
                    sgemm(
                        .none, .none, m: block.count, n: n, k: k, a: columns, lda: k, b: weights, ldb: n,
                        c: output + block.lowerBound * n, ldc: n, epilogue: epilogue, pool: pool)
                }
            }
        }
    }
}
