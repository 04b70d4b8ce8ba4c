extension Convolution {
    /// A convolution (with bias and activation) followed by max pooling: images are processed one at a time, so
    /// each image's convolution output stays in cache and only the pooled result reaches memory.
    ///
    /// - Parameters:
    ///   - input: NHWC input, `geometry.inputCount` floats.
    ///   - weights: HWIO weights, `geometry.weightCount` floats.
    ///   - bias: `outChannels` floats, or `nil`.
    ///   - output: NHWC pooled output, `poolGeometry.outputCount` floats (overwritten).
    ///   - geometry: The convolution's shapes, strides, dilation and padding.
    ///   - activation: Applied after the bias, before pooling.
    ///   - poolGeometry: The pooling over the convolution's output (same batch, `outHeight`×`outWidth`×`outChannels`).
    ///   - winners: For training, `poolGeometry.outputCount` slots that receive, for every pooled value, the offset
    ///     of the value that won its window within its image's convolution output (the first one on ties), for
    ///     ``backwardMaxPooled(input:weights:pooledOutput:pooledGradient:winners:inputGradient:weightGradient:biasGradient:geometry:activation:poolGeometry:pool:)``;
    ///     `nil` in inference.
    ///   - pool: The threads to use (split over images).
    package static func forwardMaxPooled(
        input: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry, activation: EpilogueActivation = .identity,
        poolGeometry: Pool2DGeometry, winners: UnsafeMutablePointer<Int32>? = nil, pool: ThreadPool = .shared
    ) {
        checkPooling(poolGeometry, follows: geometry)
        let pooledTwoByTwo =
            poolGeometry.windowHeight == 2 && poolGeometry.windowWidth == 2 && poolGeometry.strideHeight == 2
            && poolGeometry.strideWidth == 2 && poolGeometry.padTop == 0 && poolGeometry.padLeft == 0
            && poolGeometry.padBottom == 0 && poolGeometry.padRight == 0
        if winners == nil && pooledTwoByTwo && DirectConvolution.applies(to: geometry) {
            DirectConvolution.run(
                input: input, weights: weights, bias: bias, output: output, geometry: geometry, activation: activation,
                pooled: true, pool: pool)
            return
        }
        let image = geometry.with(batch: 1)
        let imagePool = poolGeometry.with(batch: 1)
        let inputPerImage = image.inputCount
        let convolvedPerImage = image.outputCount
        let pooledPerImage = imagePool.outputCount
        let costPerImage = convolvedPerImage * image.kernelHeight * image.kernelWidth * image.inChannels
        // Recording winners, the direct loop pools in registers too; an image that produced NaN or infinity is
        // recomputed by the separate passes below, which propagate NaN as max pooling does.
        let directWinners = winners != nil && pooledTwoByTwo && DirectConvolution.applies(to: geometry)
        ParallelSplit.forEach(count: geometry.batch, costPerIndex: costPerImage, grain: 1 << 15, pool: pool) { images in
            ScratchPool.withBuffer(atLeast: convolvedPerImage) { convolved in
                for index in images {
                    if directWinners, let winners,
                        DirectConvolution.runPooledRecordingWinners(
                            image: input + index * inputPerImage, weights: weights, bias: bias,
                            output: output + index * pooledPerImage, winners: winners + index * pooledPerImage,
                            geometry: image, activation: activation)
                    {
                        continue
                    }
                    forward(
                        input: input + index * inputPerImage, weights: weights, bias: bias, output: convolved,
                        geometry: image, activation: activation, pool: .singleThreaded)
                    Pooling.maxForward(
                        input: convolved, output: output + index * pooledPerImage,
                        argmax: winners.map { $0 + index * pooledPerImage }, geometry: imagePool, pool: .singleThreaded)
                }
            }
        }
    }

    /// Stops on a pooling geometry that is not the one over `geometry`'s output (a programmer error).
    static func checkPooling(_ poolGeometry: Pool2DGeometry, follows geometry: Conv2DGeometry) {
        precondition(
            poolGeometry.batch == geometry.batch && poolGeometry.height == geometry.outHeight
                && poolGeometry.width == geometry.outWidth && poolGeometry.channels == geometry.outChannels,
            "Convolution: the pooling geometry does not match the convolution's output")
        precondition(
            geometry.with(batch: 1).outputCount <= Int(Int32.max),
            "Convolution: one image's convolution output has more than 2^31 - 1 values")
    }
}

extension Conv2DGeometry {
    /// The same convolution over a batch of another size.
    ///
    /// - Parameter batch: The new batch size.
    /// - Returns: The geometry with the same padding, resolved.
    package func with(batch: Int) -> Conv2DGeometry {
        Conv2DGeometry(
            batch: batch, height: height, width: width, inChannels: inChannels, outChannels: outChannels,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth, strideHeight: strideHeight, strideWidth: strideWidth,
            dilationHeight: dilationHeight, dilationWidth: dilationWidth,
            padding: .explicit(top: padTop, bottom: padBottom, left: padLeft, right: padRight))
    }
}

extension Pool2DGeometry {
    /// The same pooling over a batch of another size.
    ///
    /// - Parameter batch: The new batch size.
    /// - Returns: The geometry with the same padding, resolved.
    package func with(batch: Int) -> Pool2DGeometry {
        Pool2DGeometry(
            batch: batch, height: height, width: width, channels: channels, windowHeight: windowHeight,
            windowWidth: windowWidth, strideHeight: strideHeight, strideWidth: strideWidth,
            padding: .explicit(top: padTop, bottom: padBottom, left: padLeft, right: padRight))
    }
}

extension ThreadPool {
    /// A pool that runs everything on the calling thread, for kernels called inside an already parallel loop.
    static let singleThreaded = ThreadPool(threadCount: 1)
}
