import LeptonKernels
import LeptonTensor

/// A Conv2D layer with int8 weights. On CPUs with AVX2 or AVX-512 VNNI it runs the direct int8 loop
/// (``Int8DirectConvolution``: no im2col, bias, ReLU and a 2×2 max pooling fused). Otherwise (the portable kernel,
/// dilation, another pooling) each image is quantised with one scale, unrolled into int8 patches (im2col),
/// multiplied by the packed weights, and written back as floats (NHWC) — or, when a max pooling follows, pooled
/// image by image while the convolution's output is still in cache.
struct QuantizedConvolution: Sendable {
    let weights: PackedInt8Weights
    /// The direct loop, when it applies to this layer and kernel.
    let direct: Int8DirectConvolution?
    /// The calibrated activation scale of the input, or `nil` for each image's own scale.
    let inputScale: Float?
    /// The geometry for one image of the compiled input shape.
    let geometry: Conv2DGeometry
    let relu: Bool
    /// A max pooling fused after the convolution: its geometry for one image.
    let maxPool: Pool2DGeometry?

    /// - Parameters:
    ///   - filter: `[kernelHeight, kernelWidth, inChannels, outChannels]` (batch norm already folded in).
    ///   - bias: `[outChannels]`, or `nil`.
    ///   - geometry: the geometry of one image.
    ///   - relu: whether ReLU is fused.
    ///   - maxPool: the geometry of a max pooling to fuse, for one image.
    ///   - inputScale: the calibrated scale of the input, or `nil` to quantise each image with its own.
    ///   - kernel: the int8 loops that will run the layer.
    init(
        filter: Tensor, bias: Tensor?, geometry: Conv2DGeometry, relu: Bool, maxPool: Pool2DGeometry?,
        inputScale: Float?, kernel: Int8Kernel
    ) {
        let depth = filter.shape[0] * filter.shape[1] * filter.shape[2]
        weights = PackedInt8Weights(weights: filter.reshaped(to: [depth, filter.shape[3]]), bias: bias)
        self.geometry = geometry
        self.relu = relu
        self.maxPool = maxPool
        self.inputScale = inputScale
        let twoByTwo = maxPool.map { pool in
            pool.windowHeight == 2 && pool.windowWidth == 2 && pool.strideHeight == 2 && pool.strideWidth == 2
                && pool.padTop == 0 && pool.padLeft == 0 && pool.padBottom == 0 && pool.padRight == 0
        }
        direct =
            Int8DirectConvolution.applies(to: geometry, kernel: kernel) && twoByTwo != false
            ? Int8DirectConvolution(
                filter: filter.scalars, bias: bias?.scalars, geometry: geometry, relu: relu, pooled: twoByTwo == true)
            : nil
    }

    /// The per-sample output shape.
    var outputShape: Shape {
        if let maxPool { return [maxPool.outHeight, maxPool.outWidth, geometry.outChannels] }
        return [geometry.outHeight, geometry.outWidth, geometry.outChannels]
    }

    /// Runs the convolution on `[batch, height, width, inChannels]`; images are spread over the thread pool.
    func callAsFunction(_ input: Tensor, kernel: Int8Kernel) -> Tensor {
        let batch = input.shape[0]
        if let direct {
            return Tensor(shape: Shape([batch] + outputShape.dimensions)) { output in
                input.withUnsafeBufferPointer { source in
                    guard batch > 0 else { return }
                    direct.run(
                        input: source.baseAddress!, batch: batch, output: output, inputScale: inputScale,
                        kernel: kernel)
                }
            }
        }
        let g = geometry
        let imageSize = g.height * g.width * g.inChannels
        let outputSize = outputShape.elementCount
        let work = batch * g.outHeight * g.outWidth * weights.paddedDepth * weights.paddedColumns
        let pieces = work >= 1 << 21 ? min(ThreadPool.shared.threadCount, batch) : 1
        let imagesPerPiece = (batch + pieces - 1) / max(pieces, 1)
        return Tensor(shape: Shape([batch] + outputShape.dimensions)) { output in
            input.withUnsafeBufferPointer { source in
                ThreadPool.shared.parallelFor(pieces) { piece in
                    let first = piece * imagesPerPiece
                    let count = min(imagesPerPiece, batch - first)
                    guard count > 0 else { return }
                    run(
                        source.baseAddress! + first * imageSize, images: count, into: output + first * outputSize,
                        kernel: kernel)
                }
            }
        }
    }

    /// Runs `images` consecutive images on the calling thread.
    private func run(
        _ source: UnsafePointer<Float>, images: Int, into output: UnsafeMutablePointer<Float>, kernel: Int8Kernel
    ) {
        let g = geometry
        let imageSize = g.height * g.width * g.inChannels
        let pixels = g.outHeight * g.outWidth
        let depth = weights.paddedDepth
        let quantizedImage = UnsafeMutablePointer<Int8>.allocate(capacity: imageSize)
        let patches = UnsafeMutablePointer<Int8>.allocate(capacity: pixels * depth)
        let rowScales = UnsafeMutablePointer<Float>.allocate(capacity: pixels)
        let unpooled = maxPool.map { _ in UnsafeMutablePointer<Float>.allocate(capacity: pixels * g.outChannels) }
        defer {
            quantizedImage.deallocate()
            patches.deallocate()
            rowScales.deallocate()
            unpooled?.deallocate()
        }
        let outputSize = outputShape.elementCount
        for image in 0..<images {
            var scale: Float = 1
            QuantizedGEMM.quantizeRows(
                source + image * imageSize, rows: 1, columns: imageSize, sourceStride: imageSize,
                into: quantizedImage, destinationStride: imageSize, scales: &scale, fixedScale: inputScale,
                kernel: kernel)
            rowScales.update(repeating: scale, count: pixels)
            unroll(quantizedImage, into: patches)
            let target = output + image * outputSize
            QuantizedGEMM.multiply(
                patches, rows: pixels, lda: depth, rowScales: rowScales, weights: weights, into: unpooled ?? target,
                ldc: g.outChannels, relu: relu, kernel: kernel)
            if let maxPool, let unpooled {
                Pooling.maxForward(input: unpooled, output: target, argmax: nil, geometry: maxPool)
            }
        }
    }

    /// im2col on int8: row `oh·outWidth + ow` holds the window's pixels, each `inChannels` bytes, in filter order
    /// (kernel row, kernel column, channel); pixels outside the image and the depth padding are zero.
    ///
    /// The patches are zeroed once, then filled one kernel tap at a time: for a tap and an output row, the output
    /// columns whose input pixel lies inside the image form one range, copied without further checks.
    private func unroll(_ image: UnsafePointer<Int8>, into patches: UnsafeMutablePointer<Int8>) {
        let g = geometry
        let channels = g.inChannels
        let depth = weights.paddedDepth
        patches.update(repeating: 0, count: g.outHeight * g.outWidth * depth)
        for kernelRow in 0..<g.kernelHeight {
            for kernelColumn in 0..<g.kernelWidth {
                let tapOffset = (kernelRow * g.kernelWidth + kernelColumn) * channels
                let columnShift = kernelColumn * g.dilationWidth - g.padLeft
                // inColumn = outColumn·strideWidth + columnShift must lie in 0..<width.
                let firstColumn = max(0, Self.ceilingDivide(-columnShift, g.strideWidth))
                let endColumn = min(g.outWidth, Self.ceilingDivide(g.width - columnShift, g.strideWidth))
                guard firstColumn < endColumn else { continue }
                for outRow in 0..<g.outHeight {
                    let inRow = outRow * g.strideHeight + kernelRow * g.dilationHeight - g.padTop
                    guard inRow >= 0 && inRow < g.height else { continue }
                    let rowStart = (inRow * g.width + columnShift) * channels  // may be negative; see below
                    let target = patches + outRow * g.outWidth * depth + tapOffset
                    if channels == 1 {
                        for outColumn in firstColumn..<endColumn {
                            target[outColumn * depth] = image[rowStart + outColumn * g.strideWidth]
                        }
                    } else {
                        for outColumn in firstColumn..<endColumn {
                            // In range: outColumn ≥ firstColumn keeps the input column ≥ 0.
                            (target + outColumn * depth).update(
                                from: image + (rowStart + outColumn * g.strideWidth * channels), count: channels)
                        }
                    }
                }
            }
        }
    }

    /// ⌈a / b⌉ for b > 0 and any sign of a.
    private static func ceilingDivide(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? (a + b - 1) / b : -((-a) / b)
    }
}
