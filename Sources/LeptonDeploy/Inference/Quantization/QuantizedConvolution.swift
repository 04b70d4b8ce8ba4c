import LeptonKernels
import LeptonTensor

/// A Conv2D layer with int8 weights: each image is quantised with one scale, unrolled into int8 patches (im2col),
/// multiplied by the packed weights, and written back as floats (NHWC).
struct QuantizedConvolution: Sendable {
    let weights: PackedInt8Weights
    /// The geometry for one image of the compiled input shape.
    let geometry: Conv2DGeometry
    let relu: Bool

    /// - Parameters:
    ///   - filter: `[kernelHeight, kernelWidth, inChannels, outChannels]` (batch norm already folded in).
    ///   - bias: `[outChannels]`, or `nil`.
    ///   - geometry: the geometry of one image.
    ///   - relu: whether ReLU is fused.
    init(filter: Tensor, bias: Tensor?, geometry: Conv2DGeometry, relu: Bool) {
        let depth = filter.shape[0] * filter.shape[1] * filter.shape[2]
        weights = PackedInt8Weights(weights: filter.reshaped(to: [depth, filter.shape[3]]), bias: bias)
        self.geometry = geometry
        self.relu = relu
    }

    /// The per-sample output shape.
    var outputShape: Shape { [geometry.outHeight, geometry.outWidth, geometry.outChannels] }

    /// Runs the convolution on `[batch, height, width, inChannels]`; images are spread over the thread pool.
    func callAsFunction(_ input: Tensor, kernel: Int8Kernel) -> Tensor {
        let batch = input.shape[0]
        let g = geometry
        let imageSize = g.height * g.width * g.inChannels
        let outputSize = g.outHeight * g.outWidth * g.outChannels
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
        defer {
            quantizedImage.deallocate()
            patches.deallocate()
            rowScales.deallocate()
        }
        for image in 0..<images {
            var scale: Float = 1
            QuantizedGEMM.quantizeRows(
                source + image * imageSize, rows: 1, columns: imageSize, sourceStride: imageSize,
                into: quantizedImage, destinationStride: imageSize, scales: &scale)
            rowScales.update(repeating: scale, count: pixels)
            unroll(quantizedImage, into: patches)
            QuantizedGEMM.multiply(
                patches, rows: pixels, lda: depth, rowScales: rowScales, weights: weights,
                into: output + image * pixels * g.outChannels, ldc: g.outChannels, relu: relu, kernel: kernel)
        }
    }

    /// im2col on int8: row `oh·outWidth + ow` holds the window's pixels, each `inChannels` bytes, in filter order
    /// (kernel row, kernel column, channel); pixels outside the image and the depth padding are zero.
    private func unroll(_ image: UnsafePointer<Int8>, into patches: UnsafeMutablePointer<Int8>) {
        let g = geometry
        let channels = g.inChannels
        let depth = weights.paddedDepth
        for outRow in 0..<g.outHeight {
            for outColumn in 0..<g.outWidth {
                var target = patches + (outRow * g.outWidth + outColumn) * depth
                for kernelRow in 0..<g.kernelHeight {
                    let inRow = outRow * g.strideHeight + kernelRow * g.dilationHeight - g.padTop
                    for kernelColumn in 0..<g.kernelWidth {
                        let inColumn = outColumn * g.strideWidth + kernelColumn * g.dilationWidth - g.padLeft
                        if inRow >= 0 && inRow < g.height && inColumn >= 0 && inColumn < g.width {
                            target.update(from: image + (inRow * g.width + inColumn) * channels, count: channels)
                        } else {
                            target.update(repeating: 0, count: channels)
                        }
                        target += channels
                    }
                }
                let used = g.kernelHeight * g.kernelWidth * channels
                target.update(repeating: 0, count: depth - used)
            }
        }
    }
}
