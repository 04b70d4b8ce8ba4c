extension Pooling {
    /// Max pooling: each output is the largest input under its window (NaN if one is NaN).
    ///
    /// - Parameters:
    ///   - input: NHWC input, `geometry.inputCount` floats.
    ///   - output: NHWC output, `geometry.outputCount` floats.
    ///   - argmax: For every output element, the flat index into `input` of the element that won (the first
    ///     one on ties), for ``maxBackward(outputGradient:argmax:inputGradient:geometry:accumulate:pool:)``;
    ///     `nil` in inference. The input must have fewer than 2³¹ elements.
    ///   - geometry: The window, strides and padding.
    ///   - pool: The threads to use.
    ///   - instructionSet: The loop for unpadded windows (``VectorInstructionSet/pooling`` unless a test picks one);
    ///     all give the same results bit for bit.
    package static func maxForward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?,
        geometry g: Pool2DGeometry, pool: ThreadPool = .shared, instructionSet: VectorInstructionSet = .pooling
    ) {
        precondition(g.inputCount <= Int(Int32.max), "Pooling.maxForward: \(g.inputCount) inputs overflow Int32")
        let unpadded = g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0
        if unpadded, let loop = maxForwardLoop(instructionSet) {
            let (imageCount, outputCount) = (g.height * g.width * g.channels, g.outHeight * g.outWidth * g.channels)
            g.forEachImage(pool: pool) { image in
                let hadNonFinite = loop(
                    input + image * imageCount, g.height, g.width, g.channels, g.windowHeight, g.windowWidth,
                    g.strideHeight, g.strideWidth, g.outHeight, g.outWidth, image * imageCount,
                    output + image * outputCount, argmax.map { $0 + image * outputCount })
                // NaN or infinity in this image: redo it with NaN propagation (rare, so the common case stays a plain
                // compare-and-select).
                if hadNonFinite != 0 { maxForwardPropagatingNaN(image: image, input, output, argmax, g) }
            }
            return
        }
        if g.channels % vectorWidth == 0 && unpadded {
            g.forEachImage(pool: pool) { image in
                if !maxForwardUnpadded(
                    image: image, input: input, output: output, argmax: argmax, geometry: g, nanAware: false)
                {
                    // NaN or infinity in this image: redo it with NaN propagation (rare, so the common case stays
                    // a plain compare-and-select).
                    _ = maxForwardUnpadded(
                        image: image, input: input, output: output, argmax: argmax, geometry: g, nanAware: true)
                }
            }
            return
        }
        g.forEachImage(pool: pool) { image in maxForwardPropagatingNaN(image: image, input, output, argmax, g) }
    }

    /// One image by the general loop: any padding and channel count, NaN propagated (a NaN under a window wins it).
    private static func maxForwardPropagatingNaN(
        image: Int, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        _ argmax: UnsafeMutablePointer<Int32>?, _ g: Pool2DGeometry
    ) {
        let lanes = IntVector(0, 1, 2, 3, 4, 5, 6, 7)
        for outRow in 0..<g.outHeight {
            let rows = g.windowRows(outRow)
            for outColumn in 0..<g.outWidth {
                let columns = g.windowColumns(outColumn)
                let outputOffset = ((image * g.outHeight + outRow) * g.outWidth + outColumn) * g.channels
                for channel in stride(from: 0, to: g.channels, by: vectorWidth) {
                    let count = min(vectorWidth, g.channels - channel)
                    func load(_ offset: Int) -> FloatVector {
                        count == vectorWidth
                            ? input.vector(at: offset) : input.partialVector(at: offset, count: count)
                    }
                    let first = ((image * g.height + rows.lowerBound) * g.width + columns.lowerBound) * g.channels
                    var best = load(first + channel)
                    var bestIndex = IntVector(repeating: Int32(first + channel)) &+ lanes
                    for row in rows {
                        for column in columns {
                            let offset = ((image * g.height + row) * g.width + column) * g.channels + channel
                            let candidate = load(offset)
                            let wins = (candidate .> best) .| ((candidate .!= candidate) .& (best .== best))
                            best = best.replacing(with: candidate, where: wins)
                            if argmax != nil {
                                bestIndex = bestIndex.replacing(
                                    with: IntVector(repeating: Int32(offset)) &+ lanes, where: wins)
                            }
                        }
                    }
                    let target = outputOffset + channel
                    if count == vectorWidth {
                        output.store(best, at: target)
                    } else {
                        output.storePartial(best, at: target, count: count)
                    }
                    if let argmax {
                        for lane in 0..<count { argmax[target + lane] = bestIndex[lane] }
                    }
                }
            }
        }
    }

    /// One image of the common case — no padding, whole vectors of channels — with every window inside the image.
    ///
    /// With `nanAware` false the loop is a plain compare-and-select and returns false when the image holds NaN or
    /// infinity (its results must then be recomputed with `nanAware` true, which propagates NaN).
    private static func maxForwardUnpadded(
        image: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        argmax: UnsafeMutablePointer<Int32>?,
        geometry g: Pool2DGeometry, nanAware: Bool
    ) -> Bool {
        let lanes = IntVector(0, 1, 2, 3, 4, 5, 6, 7)
        let rowStride = g.width * g.channels
        let imageStart = image * g.height * rowStride
        var target = image * g.outHeight * g.outWidth * g.channels
        var probe = FloatVector()
        for outRow in 0..<g.outHeight {
            for outColumn in 0..<g.outWidth {
                let corner = imageStart + outRow * g.strideHeight * rowStride + outColumn * g.strideWidth * g.channels
                for channel in stride(from: 0, to: g.channels, by: vectorWidth) {
                    var best = input.vector(at: corner + channel)
                    var bestOffset = IntVector(repeating: Int32(corner + channel))
                    probe += best * 0
                    for row in 0..<g.windowHeight {
                        for column in 0..<g.windowWidth where row != 0 || column != 0 {
                            let offset = corner + row * rowStride + column * g.channels + channel
                            let candidate = input.vector(at: offset)
                            if nanAware {
                                let wins = (candidate .> best) .| ((candidate .!= candidate) .& (best .== best))
                                best.replace(with: candidate, where: wins)
                                bestOffset.replace(with: IntVector(repeating: Int32(offset)), where: wins)
                            } else {
                                let wins = candidate .> best
                                best.replace(with: candidate, where: wins)
                                if argmax != nil {
                                    bestOffset.replace(with: IntVector(repeating: Int32(offset)), where: wins)
                                }
                                probe += candidate * 0
                            }
                        }
                    }
                    output.store(best, at: target)
                    if let argmax {
                        UnsafeMutableRawPointer(argmax + target).storeBytes(of: bestOffset &+ lanes, as: IntVector.self)
                    }
                    target += vectorWidth
                }
            }
        }
        return nanAware || !probe.sum().isNaN
    }

    /// The gradient of max pooling: each output gradient goes to the input element that won its window.
    ///
    /// - Parameters:
    ///   - outputGradient: NHWC gradient of the output, `geometry.outputCount` floats.
    ///   - argmax: The winners recorded by
    ///     ``maxForward(input:output:argmax:geometry:pool:)``.
    ///   - inputGradient: NHWC gradient of the input, `geometry.inputCount` floats; overwritten, or added
    ///     to when `accumulate`.
    ///   - geometry: The window, strides and padding.
    ///   - accumulate: Whether to add into `inputGradient` instead of overwriting it.
    ///   - pool: The threads to use (images are independent: each winner lies in its own image).
    package static func maxBackward(
        outputGradient: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, inputGradient: UnsafeMutablePointer<Float>,
        geometry g: Pool2DGeometry, accumulate: Bool = false, pool: ThreadPool = .shared
    ) {
        let inputsPerImage = g.height * g.width * g.channels
        let outputsPerImage = g.outHeight * g.outWidth * g.channels
        g.forEachImage(pool: pool) { image in
            if !accumulate {
                (inputGradient + image * inputsPerImage).update(repeating: 0, count: inputsPerImage)
            }
            let imageStart = image * inputsPerImage
            for index in (image * outputsPerImage)..<((image + 1) * outputsPerImage) {
                let winner = Int(argmax[index])
                precondition(
                    winner >= imageStart && winner < imageStart + inputsPerImage,
                    "Pooling.maxBackward: argmax[\(index)] = \(winner) lies outside image \(image)")
                inputGradient[winner] += outputGradient[index]
            }
        }
    }
}
