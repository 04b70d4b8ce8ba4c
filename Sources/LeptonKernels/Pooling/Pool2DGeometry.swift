/// The shapes of a 2-D pooling window sliding over NHWC images.
///
/// Padding follows ``Conv2DGeometry/Padding`` (with "same" as in TensorFlow), and padded cells never
/// take part: they cannot win a max, and an average divides by the number of real cells under the window
/// (Keras/TensorFlow "same", PyTorch `count_include_pad=False`). Each padding must be smaller than the
/// window, so every window covers at least one real cell.
package struct Pool2DGeometry: Sendable, Hashable {
    /// Images in the batch.
    package let batch: Int
    /// Input height.
    package let height: Int
    /// Input width.
    package let width: Int
    /// Channels (pooled independently).
    package let channels: Int
    /// Window height.
    package let windowHeight: Int
    /// Window width.
    package let windowWidth: Int
    /// Vertical step between windows.
    package let strideHeight: Int
    /// Horizontal step between windows.
    package let strideWidth: Int
    /// Padding rows above the input.
    package let padTop: Int
    /// Padding rows below the input.
    package let padBottom: Int
    /// Padding columns left of the input.
    package let padLeft: Int
    /// Padding columns right of the input.
    package let padRight: Int

    /// Creates the geometry and resolves the padding.
    ///
    /// - Parameters:
    ///   - batch: Images in the batch (≥ 0).
    ///   - height: Input height (≥ 1).
    ///   - width: Input width (≥ 1).
    ///   - channels: Channels (≥ 1).
    ///   - windowHeight: Window height (≥ 1).
    ///   - windowWidth: Window width (≥ 1).
    ///   - strideHeight: Vertical stride (≥ 1); Keras's default is the window height.
    ///   - strideWidth: Horizontal stride (≥ 1).
    ///   - padding: The padding rule; explicit padding must be smaller than the window on each side.
    package init(
        batch: Int, height: Int, width: Int, channels: Int, windowHeight: Int, windowWidth: Int, strideHeight: Int,
        strideWidth: Int, padding: Conv2DGeometry.Padding = .valid
    ) {
        // A pooling window slides like a convolution kernel with one output channel per input channel and no
        // dilation: the convolution's geometry checks the sizes and resolves the padding.
        let sliding = Conv2DGeometry(
            batch: batch, height: height, width: width, inChannels: channels, outChannels: channels,
            kernelHeight: windowHeight, kernelWidth: windowWidth, strideHeight: strideHeight, strideWidth: strideWidth,
            padding: padding)
        self.batch = batch
        self.height = height
        self.width = width
        self.channels = channels
        self.windowHeight = windowHeight
        self.windowWidth = windowWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        (padTop, padBottom, padLeft, padRight) = (sliding.padTop, sliding.padBottom, sliding.padLeft, sliding.padRight)
        precondition(
            max(padTop, padBottom) < windowHeight && max(padLeft, padRight) < windowWidth,
            "Pool2DGeometry: padding top \(padTop) bottom \(padBottom) left \(padLeft) right \(padRight) must be "
                + "smaller than the window \(windowHeight)x\(windowWidth)")
    }

    /// Output height (0 when the window does not fit the padded input).
    package var outHeight: Int { outputLength(height + padTop + padBottom, window: windowHeight, stride: strideHeight) }

    /// Output width (0 when the window does not fit the padded input).
    package var outWidth: Int { outputLength(width + padLeft + padRight, window: windowWidth, stride: strideWidth) }

    /// Floats in the input: `batch·height·width·channels`.
    package var inputCount: Int { batch * height * width * channels }

    /// Floats in the output: `batch·outHeight·outWidth·channels`.
    package var outputCount: Int { batch * outHeight * outWidth * channels }

    /// The input rows under the window of output row `outRow`, clipped to the image.
    @inline(__always)
    func windowRows(_ outRow: Int) -> Range<Int> {
        let start = outRow * strideHeight - padTop
        return max(start, 0)..<min(start + windowHeight, height)
    }

    /// The input columns under the window of output column `outColumn`, clipped to the image.
    @inline(__always)
    func windowColumns(_ outColumn: Int) -> Range<Int> {
        let start = outColumn * strideWidth - padLeft
        return max(start, 0)..<min(start + windowWidth, width)
    }

    /// Runs `body(image)` for every image, split over the pool when there is enough work.
    func forEachImage(pool: ThreadPool, _ body: (Int) -> Void) {
        let costPerImage = outHeight * outWidth * channels * windowHeight * windowWidth
        ParallelSplit.forEach(count: batch, costPerIndex: costPerImage, grain: 1 << 15, pool: pool) { images in
            for image in images { body(image) }
        }
    }
}
