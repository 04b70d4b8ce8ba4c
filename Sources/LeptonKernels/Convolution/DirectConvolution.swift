import CLeptonKernels

/// Direct convolution for layers with few input channels — the first layer of an image model, where im2col
/// would build a matrix only 9 to 27 columns deep and the GEMM would spend its time storing results.
///
/// The AVX-512 loop (`lepton_conv_small_channels_avx512`) keeps 32 output channels of one position in registers,
/// fuses bias and ReLU, and can fuse 2×2 max pooling so that only pooled values are written. It applies to
/// stride 1, dilation 1, no padding, at most 4 input channels and whole blocks of 16 output channels; other
/// layers (and CPUs without AVX-512) use im2col and GEMM.
enum DirectConvolution {
    static let hasKernel = CPUFeatures.current.avx512F

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
        ParallelSplit.forEach(count: g.batch, costPerIndex: costPerImage, grain: 1 << 15, pool: pool) { images in
            for image in images {
                lepton_conv_small_channels_avx512(
                    input + image * inputPerImage, g.height, g.width, g.inChannels, weights, g.kernelHeight,
                    g.kernelWidth, g.outChannels, bias, activation == .relu ? 1 : 0, pooled ? 1 : 0,
                    output + image * outputPerImage)
            }
        }
    }
}
