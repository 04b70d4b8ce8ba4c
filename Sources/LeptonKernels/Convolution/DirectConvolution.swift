import CLeptonKernels

/// Direct convolution for layers with few input channels — the first layer of an image model, where im2col
/// would build a matrix only 9 to 27 columns deep and the GEMM would spend its time storing results.
///
/// The AVX-512 loop (`lepton_conv_small_channels_avx512`) keeps 32 output channels of four positions in registers
/// (the AVX2 + FMA loop, `lepton_conv_small_channels_avx2`, 16), loading each tap's weights once for the four, fuses
/// bias and ReLU, and can fuse 2×2 max pooling (the four positions are then the pooling window) so that only pooled
/// values are written. It applies to stride 1, dilation 1, no padding, at most 4 input channels
/// and whole blocks of 16 output channels; other layers (and CPUs without AVX2) use im2col and GEMM. The loop
/// follows the GEMM tile's instruction set (``TileKernel/best``), so `LEPTON_SGEMM_KERNEL=avx2` switches both.
enum DirectConvolution {
    /// `(input, height, width, cin, weights, kh, kw, cout, bias, relu, pool, output, winners)`: one image; with
    /// `pool` and `winners`, non-zero when the image produced NaN or infinity.
    typealias Loop =
        @convention(c) (
            UnsafePointer<Float>?, Int, Int, Int, UnsafePointer<Float>?, Int, Int, Int, UnsafePointer<Float>?, Int32,
            Int32, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Int32>?
        ) -> Int32

    /// Every loop the running CPU can execute, by instruction-set name, fastest first.
    static let supportedLoops: [(name: String, loop: Loop)] = {
        var loops: [(name: String, loop: Loop)] = []
        if CPUFeatures.current.avx512F { loops.append(("avx512", lepton_conv_small_channels_avx512)) }
        if CPUFeatures.current.avx2FMA { loops.append(("avx2", lepton_conv_small_channels_avx2)) }
        return loops
    }()

    /// The loop for the instruction set of ``TileKernel/best``, or `nil` when it has none.
    static let loop: Loop? = supportedLoops.first { $0.name == TileKernel.best.name }?.loop

    static var hasKernel: Bool { loop != nil }

    /// Whether the direct loop handles this geometry on this CPU.
    static func applies(to g: Conv2DGeometry) -> Bool {
        hasKernel && g.inChannels <= 4 && g.outChannels % 16 == 0 && g.strideHeight == 1 && g.strideWidth == 1
            && g.dilationHeight == 1 && g.dilationWidth == 1 && g.padTop == 0 && g.padBottom == 0 && g.padLeft == 0
            && g.padRight == 0 && g.outHeight > 0 && g.outWidth > 0
    }

    /// Convolves every image (split over the pool), with 2×2 max pooling fused when `pooled`.
    static func run(
        input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry, activation: EpilogueActivation, pooled: Bool,
        pool: ThreadPool
    ) {
        let inputPerImage = g.height * g.width * g.inChannels
        let outputPerImage =
            pooled ? (g.outHeight / 2) * (g.outWidth / 2) * g.outChannels : g.outHeight * g.outWidth * g.outChannels
        let costPerImage = g.outHeight * g.outWidth * g.outChannels * g.kernelHeight * g.kernelWidth * g.inChannels
        guard let loop = Self.loop else { preconditionFailure("DirectConvolution.run without a loop for this CPU") }
        ParallelSplit.forEach(count: g.batch, costPerIndex: costPerImage, grain: 1 << 15, pool: pool) { images in
            for image in images {
                _ = loop(
                    input + image * inputPerImage, g.height, g.width, g.inChannels, weights, g.kernelHeight,
                    g.kernelWidth, g.outChannels, bias, activation == .relu ? 1 : 0, pooled ? 1 : 0,
                    output + image * outputPerImage, nil)
            }
        }
    }

    /// Convolves one image with 2×2 max pooling fused, recording each pooled value's winner (its offset within the
    /// image's unpooled output, the first of equal values winning).
    ///
    /// - Returns: `false` when the image produced NaN or infinity: its pooled values and winners are then not those of
    ///   max pooling (which propagates NaN), and the caller must recompute it by separate passes.
    static func runPooledRecordingWinners(
        image input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>, geometry g: Conv2DGeometry,
        activation: EpilogueActivation
    ) -> Bool {
        guard let loop = Self.loop else { preconditionFailure("DirectConvolution without a loop for this CPU") }
        return loop(
            input, g.height, g.width, g.inChannels, weights, g.kernelHeight, g.kernelWidth, g.outChannels, bias,
            activation == .relu ? 1 : 0, 1, output, winners) == 0
    }
}
