/// Max and average pooling over NHWC images, forward and backward.
///
/// Loops run over output pixels with the channels (contiguous in NHWC) eight at a time; images are split
/// over the pool. See ``Pool2DGeometry`` for how padding is treated.
package enum Pooling {
    /// Average pooling: each output is the mean of the real (unpadded) inputs under its window.
    ///
    /// - Parameters:
    ///   - input: NHWC input, `geometry.inputCount` floats.
    ///   - output: NHWC output, `geometry.outputCount` floats.
    ///   - geometry: The window, strides and padding.
    ///   - pool: The threads to use.
    package static func averageForward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, geometry g: Pool2DGeometry,
        pool: ThreadPool = .shared
    ) {
        g.forEachImage(pool: pool) { image in
            for outRow in 0..<g.outHeight {
                let rows = g.windowRows(outRow)
                for outColumn in 0..<g.outWidth {
                    let columns = g.windowColumns(outColumn)
                    let scale = 1 / Float(rows.count * columns.count)
                    let target = output + ((image * g.outHeight + outRow) * g.outWidth + outColumn) * g.channels
                    target.update(repeating: 0, count: g.channels)
                    for row in rows {
                        for column in columns {
                            let source = input + ((image * g.height + row) * g.width + column) * g.channels
                            VectorLoop.map(target, source, target, 0..<g.channels, Add())
                        }
                    }
                    VectorLoop.map(target, target, 0..<g.channels, ScaleShift(scale: scale, shift: 0))
                }
            }
        }
    }

    /// The gradient of average pooling: each output gradient, divided by its window's count of real
    /// cells, is added to every one of them.
    ///
    /// - Parameters:
    ///   - outputGradient: NHWC gradient of the output, `geometry.outputCount` floats.
    ///   - inputGradient: NHWC gradient of the input, `geometry.inputCount` floats; overwritten, or added
    ///     to when `accumulate`.
    ///   - geometry: The window, strides and padding.
    ///   - accumulate: Whether to add into `inputGradient` instead of overwriting it.
    ///   - pool: The threads to use.
    package static func averageBackward(
        outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>, geometry g: Pool2DGeometry,
        accumulate: Bool = false, pool: ThreadPool = .shared
    ) {
        let inputsPerImage = g.height * g.width * g.channels
        g.forEachImage(pool: pool) { image in
            if !accumulate {
                (inputGradient + image * inputsPerImage).update(repeating: 0, count: inputsPerImage)
            }
            for outRow in 0..<g.outHeight {
                let rows = g.windowRows(outRow)
                for outColumn in 0..<g.outWidth {
                    let columns = g.windowColumns(outColumn)
                    let scale = 1 / Float(rows.count * columns.count)
                    let source = outputGradient + ((image * g.outHeight + outRow) * g.outWidth + outColumn) * g.channels
                    for row in rows {
                        for column in columns {
                            let target = inputGradient + ((image * g.height + row) * g.width + column) * g.channels
                            VectorLoop.map(source, target, target, 0..<g.channels, ScaledAdd(scale: scale))
                        }
                    }
                }
            }
        }
    }
}
