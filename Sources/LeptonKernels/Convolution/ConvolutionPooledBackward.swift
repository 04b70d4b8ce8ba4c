extension Convolution {
    /// Floats of convolution-output gradient rebuilt at a time by
    /// ``backwardMaxPooled(input:weights:pooledOutput:pooledGradient:winners:inputGradient:weightGradient:biasGradient:geometry:activation:poolGeometry:pool:)``:
    /// whole images, about 512 KB, so the rebuilt gradient stays in the L2 cache while the weight and input gradients
    /// read it.
    static let pooledBackwardChunkFloats = 1 << 17

    /// The gradients of a convolution (with bias and activation) followed by max pooling, from the gradient of the
    /// pooled output, without the full-size convolution output or its gradient ever reaching memory.
    ///
    /// A few images at a time, the gradient of the convolution output is rebuilt in cache: each pooled gradient goes
    /// to the value that won its window (none when a fused ReLU's output there is not positive), every other value
    /// gets 0. The weight, bias and input gradients of ``backwardWeights(input:outputGradient:weightGradient:biasGradient:geometry:accumulate:pool:)``
    /// and ``backwardInput(outputGradient:weights:inputGradient:geometry:accumulate:pool:)`` are then taken from that
    /// block. Threads take whole images, each with its own partial weight gradient, added at the end.
    ///
    /// - Parameters:
    ///   - input: NHWC input of the forward pass, `geometry.inputCount` floats.
    ///   - weights: HWIO weights, `geometry.weightCount` floats.
    ///   - pooledOutput: The pooled output of the forward pass, `poolGeometry.outputCount` floats.
    ///   - pooledGradient: The gradient of the pooled output, `poolGeometry.outputCount` floats.
    ///   - winners: The per-image winner offsets recorded by
    ///     ``forwardMaxPooled(input:weights:bias:output:geometry:activation:poolGeometry:winners:pool:)``.
    ///   - inputGradient: `geometry.inputCount` floats (overwritten), or `nil` when the input needs no gradient.
    ///   - weightGradient: `geometry.weightCount` floats (overwritten), or `nil`.
    ///   - biasGradient: `outChannels` floats (overwritten), or `nil`.
    ///   - geometry: The convolution's shapes, strides, dilation and padding.
    ///   - activation: The activation of the forward pass (`.relu` masks the gradient where the output is not
    ///     positive).
    ///   - poolGeometry: The pooling over the convolution's output.
    ///   - pool: The threads to use.
    package static func backwardMaxPooled(
        input: UnsafePointer<Float>, weights: UnsafePointer<Float>, pooledOutput: UnsafePointer<Float>,
        pooledGradient: UnsafePointer<Float>, winners: UnsafePointer<Int32>,
        inputGradient: UnsafeMutablePointer<Float>?, weightGradient: UnsafeMutablePointer<Float>?,
        biasGradient: UnsafeMutablePointer<Float>?, geometry: Conv2DGeometry, activation: EpilogueActivation,
        poolGeometry: Pool2DGeometry, pool: ThreadPool = .shared
    ) {
        checkPooling(poolGeometry, follows: geometry)
        let image = geometry.with(batch: 1)
        let inputPerImage = image.inputCount
        let convolvedPerImage = image.outputCount
        let imagePool = poolGeometry.with(batch: 1)
        let pooledPerImage = imagePool.outputCount
        let weightFloats = geometry.weightCount
        let channels = geometry.outChannels
        let imagesPerChunk = max(1, pooledBackwardChunkFloats / max(convolvedPerImage, 1))
        let flopsPerImage = 4 * convolvedPerImage * geometry.patchLength
        let pieces = max(1, min(pool.threadCount, geometry.batch, geometry.batch * flopsPerImage / (1 << 18)))
        let needsWeights = weightGradient != nil || biasGradient != nil
        let partialFloats = weightFloats + channels
        ScratchPool.withBuffer(atLeast: pieces * partialFloats) { partials in
            pool.parallelFor(pieces) { piece in
                let images = (geometry.batch * piece / pieces)..<(geometry.batch * (piece + 1) / pieces)
                let partial = partials + piece * partialFloats
                partial.update(repeating: 0, count: partialFloats)
                ScratchPool.withBuffer(atLeast: imagesPerChunk * convolvedPerImage) { convolvedGradient in
                    for first in stride(from: images.lowerBound, to: images.upperBound, by: imagesPerChunk) {
                        let chunk = first..<min(first + imagesPerChunk, images.upperBound)
                        for index in chunk {
                            let pooled = index * pooledPerImage
                            routeToWinners(
                                pooledGradient + pooled, pooledOutput: pooledOutput + pooled,
                                winners: winners + pooled, masksByOutput: activation == .relu,
                                into: convolvedGradient + (index - first) * convolvedPerImage, geometry: imagePool)
                        }
                        let chunkGeometry = geometry.with(batch: chunk.count)
                        if needsWeights {
                            backwardWeights(
                                input: input + first * inputPerImage, outputGradient: convolvedGradient,
                                weightGradient: partial, biasGradient: partial + weightFloats, geometry: chunkGeometry,
                                accumulate: true, pool: .singleThreaded)
                        }
                        if let inputGradient {
                            backwardInput(
                                outputGradient: convolvedGradient, weights: weights,
                                inputGradient: inputGradient + first * inputPerImage, geometry: chunkGeometry,
                                pool: .singleThreaded)
                        }
                    }
                }
            }
            for piece in 1..<pieces {
                VectorLoop.map(partials, partials + piece * partialFloats, partials, 0..<partialFloats, Add())
            }
            weightGradient?.update(from: partials, count: weightFloats)
            biasGradient?.update(from: partials + weightFloats, count: channels)
        }
    }

    /// One image's convolution-output gradient: each pooled gradient at its window's winner (none where
    /// `masksByOutput` and the pooled output is not positive, the fused ReLU's zero slope), 0 everywhere else.
    ///
    /// Windows that tile the image (stride = window, no padding: 2×2 pooling) take the C loop of
    /// ``VectorInstructionSet/pooling``, which writes every cell once; others, and CPUs without AVX2, zero the image
    /// and add each gradient at its winner.
    private static func routeToWinners(
        _ pooledGradient: UnsafePointer<Float>, pooledOutput: UnsafePointer<Float>, winners: UnsafePointer<Int32>,
        masksByOutput: Bool, into gradient: UnsafeMutablePointer<Float>, geometry g: Pool2DGeometry
    ) {
        let tiling =
            g.strideHeight == g.windowHeight && g.strideWidth == g.windowWidth && g.padTop == 0 && g.padLeft == 0
            && g.padBottom == 0 && g.padRight == 0
        if tiling, let loop = Pooling.maxRouteLoop(.pooling) {
            loop(
                pooledGradient, pooledOutput, winners, masksByOutput ? 1 : 0, g.height, g.width, g.channels,
                g.windowHeight, g.windowWidth, g.outHeight, g.outWidth, gradient)
            return
        }
        let imageFloats = g.height * g.width * g.channels
        gradient.update(repeating: 0, count: imageFloats)
        for index in 0..<g.outputCount {
            let winner = Int(winners[index])
            precondition(
                winner >= 0 && winner < imageFloats,
                "Convolution.backwardMaxPooled: winner \(winner) lies outside the image's \(imageFloats) values")
            if masksByOutput && !(pooledOutput[index] > 0) { continue }
            gradient[winner] += pooledGradient[index]
        }
    }
}
