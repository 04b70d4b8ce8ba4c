import CLeptonKernels

/// An int8 convolution without im2col: each image is quantised once into a padded byte image and every output
/// position reads its window from there (`int8_conv_body.h`), with the int32 sums dequantised, biased, rectified
/// and, when `pooled`, 2×2 max-pooled in registers. Per call it allocates nothing: the byte image lives in a
/// ``ScratchPool`` buffer borrowed per thread.
///
/// The weights are those of ``PackedInt8Weights`` (one symmetric scale per output channel) with each kernel row's
/// `kernelWidth · inChannels` taps padded to a multiple of four, so a window row is read four bytes at a time. It
/// applies to any stride and padding with dilation 1, on CPUs with AVX2 (``Int8Kernel/avx2``) or AVX-512 VNNI
/// (``Int8Kernel/vnni``); the portable kernel has no direct loop.
package struct Int8DirectConvolution: Sendable {
    /// The convolution of one image.
    package let geometry: Conv2DGeometry
    /// The packed weights, depth `kernelHeight · segment`.
    package let weights: PackedInt8Weights
    /// Whether ReLU follows the bias.
    package let relu: Bool
    /// Whether 2×2 max pooling (stride 2, no padding, rounded down) is fused.
    package let pooled: Bool
    /// `kernelWidth · inChannels` rounded up to a multiple of 4.
    package let segment: Int

    /// Whether the direct loop handles this convolution with this kernel.
    ///
    /// - Parameters:
    ///   - geometry: The convolution.
    ///   - kernel: The int8 loop family.
    /// - Returns: `true` for dilation 1 and a non-empty output, with the AVX2 or VNNI kernel.
    package static func applies(to geometry: Conv2DGeometry, kernel: Int8Kernel) -> Bool {
        kernel != .portable && geometry.dilationHeight == 1 && geometry.dilationWidth == 1 && geometry.outHeight > 0
            && geometry.outWidth > 0
    }

    /// Quantises HWIO weights for the direct loop.
    ///
    /// - Parameters:
    ///   - filter: `kernelHeight · kernelWidth · inChannels · outChannels` finite floats, HWIO.
    ///   - bias: `outChannels` floats, or `nil`.
    ///   - geometry: The convolution (any batch; one image is used).
    ///   - relu: Whether ReLU follows the bias.
    ///   - pooled: Whether 2×2 max pooling (stride 2) is fused.
    package init(filter: [Float], bias: [Float]?, geometry: Conv2DGeometry, relu: Bool, pooled: Bool) {
        let g = geometry.with(batch: 1)
        let taps = g.kernelWidth * g.inChannels
        let segment = (taps + 3) / 4 * 4
        precondition(
            filter.count == g.kernelHeight * taps * g.outChannels,
            "Int8DirectConvolution: \(filter.count) weights for the geometry")
        var padded = [Float](repeating: 0, count: g.kernelHeight * segment * g.outChannels)
        for row in 0..<g.kernelHeight {
            for tap in 0..<taps {
                for channel in 0..<g.outChannels {
                    padded[(row * segment + tap) * g.outChannels + channel] =
                        filter[(row * taps + tap) * g.outChannels + channel]
                }
            }
        }
        self.geometry = g
        self.segment = segment
        self.relu = relu
        self.pooled = pooled
        weights = PackedInt8Weights(
            weights: padded, depth: g.kernelHeight * segment, columns: g.outChannels, bias: bias)
    }

    /// Floats per output image: `[outHeight, outWidth, outChannels]`, each of the two halved (rounded down) when
    /// pooled.
    package var outputCount: Int {
        let g = geometry
        return pooled ? (g.outHeight / 2) * (g.outWidth / 2) * g.outChannels : g.outHeight * g.outWidth * g.outChannels
    }

    /// Bytes of scratch one image needs: the padded byte image and 64 bytes the loop may read past it.
    var scratchBytes: Int {
        let g = geometry
        return (g.height + g.padTop + g.padBottom) * (g.width + g.padLeft + g.padRight) * g.inChannels + 64
    }

    /// Convolves `batch` NHWC images, split over the pool by images.
    ///
    /// - Parameters:
    ///   - input: `batch · height · width · inChannels` floats.
    ///   - batch: The number of images.
    ///   - output: `batch · outputCount` floats (overwritten).
    ///   - inputScale: The activation scale from calibration (codes clamped to ±127), or `nil` for each image's own
    ///     `max |x| / 127`.
    ///   - kernel: ``Int8Kernel/vnni`` or ``Int8Kernel/avx2`` (see ``applies(to:kernel:)``).
    ///   - pool: The threads to use.
    package func run(
        input: UnsafePointer<Float>, batch: Int, output: UnsafeMutablePointer<Float>, inputScale: Float?,
        kernel: Int8Kernel, pool: ThreadPool = .shared
    ) {
        let loop:
            @convention(c) (
                UnsafePointer<LeptonInt8Convolution>?, UnsafePointer<Float>?, Float, UnsafeMutablePointer<UInt8>?,
                UnsafeMutablePointer<Float>?
            ) -> Void
        switch kernel {
        case .vnni: loop = lepton_int8_conv_avx512vnni
        case .avx2: loop = lepton_int8_conv_avx2
        case .portable: preconditionFailure("Int8DirectConvolution.run: no portable loop")
        }
        let g = geometry
        let inputCount = g.height * g.width * g.inChannels
        let outputCount = outputCount
        let scratchFloats = (scratchBytes + 3) / 4
        let costPerImage = g.outHeight * g.outWidth * g.outChannels * g.kernelHeight * segment / 4
        let scale = inputScale ?? 0
        weights.packed.withUnsafeBufferPointer { packed in
            weights.columnScales.withUnsafeBufferPointer { scales in
                weights.columnSums.withUnsafeBufferPointer { sums in
                    Self.withOptionalBuffer(weights.bias) { bias in
                        var convolution = LeptonInt8Convolution(
                            height: g.height, width: g.width, cin: g.inChannels, kh: g.kernelHeight,
                            kw: g.kernelWidth, cout: g.outChannels, stride_h: g.strideHeight, stride_w: g.strideWidth,
                            pad_top: g.padTop, pad_left: g.padLeft, padded_height: g.height + g.padTop + g.padBottom,
                            padded_width: g.width + g.padLeft + g.padRight, out_height: g.outHeight,
                            out_width: g.outWidth, segment: segment, packed_weights: packed.baseAddress,
                            channel_scale: scales.baseAddress, channel_sums: sums.baseAddress, bias: bias,
                            relu: relu ? 1 : 0, pool: pooled ? 1 : 0)
                        withUnsafePointer(to: &convolution) { description in
                            ParallelSplit.forEach(count: batch, costPerIndex: costPerImage, grain: 1 << 14, pool: pool)
                            { images in
                                ScratchPool.withBuffer(atLeast: scratchFloats) { floats in
                                    floats.withMemoryRebound(to: UInt8.self, capacity: scratchFloats * 4) { scratch in
                                        for image in images {
                                            loop(
                                                description, input + image * inputCount, scale, scratch,
                                                output + image * outputCount)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func withOptionalBuffer<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
        guard let values else { return body(nil) }
        return values.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
