/// The shapes of a 2-D convolution over NHWC images.
///
/// Input `[batch, height, width, inChannels]`, weights HWIO `[kernelHeight, kernelWidth, inChannels,
/// outChannels]` (the Keras/TensorFlow layout, which is already the `[K, outChannels]` operand of the GEMM
/// that computes the convolution), output `[batch, outHeight, outWidth, outChannels]`.
public struct Conv2DGeometry: Sendable, Hashable {
    /// How the input is padded with zeros at its borders.
    public enum Padding: Sendable, Hashable {
        /// No padding: only windows that fit entirely inside the input.
        case valid
        /// TensorFlow's "same": `ceil(size / stride)` outputs per dimension, the padding split evenly with
        /// the odd cell at the bottom/right.
        case same
        /// Given padding on each side (each ≥ 0).
        case explicit(top: Int, bottom: Int, left: Int, right: Int)
    }

    /// Images in the batch.
    package let batch: Int
    /// Input height.
    package let height: Int
    /// Input width.
    package let width: Int
    /// Channels of the input.
    package let inChannels: Int
    /// Channels of the output (filters).
    package let outChannels: Int
    /// Kernel height.
    package let kernelHeight: Int
    /// Kernel width.
    package let kernelWidth: Int
    /// Vertical step between windows.
    package let strideHeight: Int
    /// Horizontal step between windows.
    package let strideWidth: Int
    /// Vertical spacing of kernel taps (1 for a dense kernel).
    package let dilationHeight: Int
    /// Horizontal spacing of kernel taps.
    package let dilationWidth: Int
    /// Zero rows above the input.
    package let padTop: Int
    /// Zero rows below the input.
    package let padBottom: Int
    /// Zero columns left of the input.
    package let padLeft: Int
    /// Zero columns right of the input.
    package let padRight: Int

    /// Creates the geometry and resolves the padding.
    ///
    /// "Same" padding is TensorFlow's: per dimension, `total = max((ceil(in/stride) - 1)·stride +
    /// (k - 1)·dilation + 1 - in, 0)`, `top = total / 2`, `bottom = total - top`.
    ///
    /// - Parameters:
    ///   - batch: Images in the batch (≥ 0).
    ///   - height: Input height (≥ 1).
    ///   - width: Input width (≥ 1).
    ///   - inChannels: Input channels (≥ 1).
    ///   - outChannels: Output channels (≥ 1).
    ///   - kernelHeight: Kernel height (≥ 1).
    ///   - kernelWidth: Kernel width (≥ 1).
    ///   - strideHeight: Vertical stride (≥ 1).
    ///   - strideWidth: Horizontal stride (≥ 1).
    ///   - dilationHeight: Vertical dilation (≥ 1).
    ///   - dilationWidth: Horizontal dilation (≥ 1).
    ///   - padding: The padding rule.
    package init(
        batch: Int, height: Int, width: Int, inChannels: Int, outChannels: Int, kernelHeight: Int, kernelWidth: Int,
        strideHeight: Int = 1, strideWidth: Int = 1, dilationHeight: Int = 1, dilationWidth: Int = 1,
        padding: Padding = .valid
    ) {
        precondition(
            batch >= 0 && height >= 1 && width >= 1 && inChannels >= 1 && outChannels >= 1,
            "Conv2DGeometry: invalid shape batch \(batch) height \(height) width \(width) "
                + "inChannels \(inChannels) outChannels \(outChannels)")
        precondition(
            kernelHeight >= 1 && kernelWidth >= 1 && strideHeight >= 1 && strideWidth >= 1 && dilationHeight >= 1
                && dilationWidth >= 1,
            "Conv2DGeometry: kernel \(kernelHeight)x\(kernelWidth), stride \(strideHeight)x\(strideWidth) and "
                + "dilation \(dilationHeight)x\(dilationWidth) must all be at least 1")
        self.batch = batch
        self.height = height
        self.width = width
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        (padTop, padBottom, padLeft, padRight) = resolvePadding(
            padding, height: height, width: width, window: (kernelHeight, kernelWidth),
            stride: (strideHeight, strideWidth), dilation: (dilationHeight, dilationWidth))
    }

    /// Output height (0 when the dilated kernel does not fit the padded input).
    package var outHeight: Int {
        outputLength(height + padTop + padBottom, window: (kernelHeight - 1) * dilationHeight + 1, stride: strideHeight)
    }

    /// Output width (0 when the dilated kernel does not fit the padded input).
    package var outWidth: Int {
        outputLength(width + padLeft + padRight, window: (kernelWidth - 1) * dilationWidth + 1, stride: strideWidth)
    }

    /// Floats in the input: `batch·height·width·inChannels`.
    package var inputCount: Int { batch * height * width * inChannels }

    /// Floats in the weights: `kernelHeight·kernelWidth·inChannels·outChannels`.
    package var weightCount: Int { kernelHeight * kernelWidth * inChannels * outChannels }

    /// Floats in the output: `batch·outHeight·outWidth·outChannels`.
    package var outputCount: Int { batch * outHeight * outWidth * outChannels }

    /// The depth of the GEMM: `kernelHeight·kernelWidth·inChannels`, the length of one im2col row.
    var patchLength: Int { kernelHeight * kernelWidth * inChannels }

    /// Output pixels over the whole batch: the rows of the GEMM.
    var outputPixels: Int { batch * outHeight * outWidth }

    /// Whether im2col matrices are better built transposed (`[K, pixels]`): with few input channels, where
    /// the gather copies runs of pixels and GEMM packs the operand without one short copy per pixel.
    var prefersTransposedColumns: Bool { inChannels < 8 }

    /// Whether the convolution is a plain matrix product of the input: a 1×1 kernel, stride 1, no padding.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1 && padTop == 0
            && padBottom == 0 && padLeft == 0 && padRight == 0
    }
}

/// Outputs of a window of `window` cells sliding with `stride` over `paddedLength` cells.
func outputLength(_ paddedLength: Int, window: Int, stride: Int) -> Int {
    paddedLength < window ? 0 : (paddedLength - window) / stride + 1
}

/// Resolves a padding rule to (top, bottom, left, right) for a window of the given size, stride and dilation.
func resolvePadding(
    _ padding: Conv2DGeometry.Padding, height: Int, width: Int, window: (Int, Int), stride: (Int, Int),
    dilation: (Int, Int)
) -> (Int, Int, Int, Int) {
    switch padding {
    case .valid:
        return (0, 0, 0, 0)
    case .same:
        func total(_ size: Int, _ window: Int, _ stride: Int, _ dilation: Int) -> Int {
            let outputs = (size + stride - 1) / stride
            return max((outputs - 1) * stride + (window - 1) * dilation + 1 - size, 0)
        }
        let vertical = total(height, window.0, stride.0, dilation.0)
        let horizontal = total(width, window.1, stride.1, dilation.1)
        return (vertical / 2, vertical - vertical / 2, horizontal / 2, horizontal - horizontal / 2)
    case .explicit(let top, let bottom, let left, let right):
        precondition(
            top >= 0 && bottom >= 0 && left >= 0 && right >= 0,
            "explicit padding must not be negative: top \(top) bottom \(bottom) left \(left) right \(right)")
        return (top, bottom, left, right)
    }
}
