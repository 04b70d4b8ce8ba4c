import LeptonKernels

/// Max pooling over windows of an NHWC batch.
///
/// - Parameters:
///   - input: `[batch, height, width, channels]`.
///   - poolSize: The window's height and width.
///   - strides: The window's step; by default the window size (non-overlapping windows, as Keras).
///   - padding: The border treatment; padded cells never win.
/// - Returns: `[batch, outHeight, outWidth, channels]`.
public func maxPool2d(_ input: Tensor, poolSize: (Int, Int), strides: (Int, Int)? = nil, padding: Padding = .valid)
    -> Tensor
{
    let geometry = poolGeometry(input.shape, poolSize: poolSize, strides: strides, padding: padding, name: "maxPool2d")
    let outputShape: Shape = [geometry.batch, geometry.outHeight, geometry.outWidth, geometry.channels]
    guard let nodes = Tensor.trackedNodes(input) else {
        return Tensor(shape: outputShape) { out in
            Pooling.maxForward(input: input.storage.pointer, output: out, argmax: nil, geometry: geometry)
        }
    }
    let winners = IndexStorage(uninitializedCount: outputShape.elementCount)
    let result = Tensor(shape: outputShape) { out in
        Pooling.maxForward(input: input.storage.pointer, output: out, argmax: winners.pointer, geometry: geometry)
    }
    let inputShape = input.shape
    return result.recorded("maxPool2d", inputs: nodes) { gradient, _ in
        [
            Tensor(shape: inputShape) { dInput in
                Pooling.maxBackward(
                    outputGradient: gradient.storage.pointer, argmax: winners.pointer, inputGradient: dInput,
                    geometry: geometry)
            }
        ]
    }
}

/// Average pooling over windows of an NHWC batch; padded cells are not counted in the average.
///
/// - Parameters:
///   - input: `[batch, height, width, channels]`.
///   - poolSize: The window's height and width.
///   - strides: The window's step; by default the window size.
///   - padding: The border treatment.
/// - Returns: `[batch, outHeight, outWidth, channels]`.
public func avgPool2d(_ input: Tensor, poolSize: (Int, Int), strides: (Int, Int)? = nil, padding: Padding = .valid)
    -> Tensor
{
    let geometry = poolGeometry(input.shape, poolSize: poolSize, strides: strides, padding: padding, name: "avgPool2d")
    let outputShape: Shape = [geometry.batch, geometry.outHeight, geometry.outWidth, geometry.channels]
    let result = Tensor(shape: outputShape) { out in
        Pooling.averageForward(input: input.storage.pointer, output: out, geometry: geometry)
    }
    guard let nodes = Tensor.trackedNodes(input) else { return result }
    let inputShape = input.shape
    return result.recorded("avgPool2d", inputs: nodes) { gradient, _ in
        [
            Tensor(shape: inputShape) { dInput in
                Pooling.averageBackward(
                    outputGradient: gradient.storage.pointer, inputGradient: dInput, geometry: geometry)
            }
        ]
    }
}

/// The geometry of a pooling over inputs of `inputShape`, after checking it fits (programmer errors stop).
func poolGeometry(
    _ inputShape: Shape, poolSize: (Int, Int), strides: (Int, Int)?, padding: Padding, name: String
) -> Pool2DGeometry {
    precondition(inputShape.rank == 4, "\(name): input must be NHWC (rank 4), shape is \(inputShape)")
    let step = strides ?? poolSize
    let geometry = Pool2DGeometry(
        batch: inputShape[0], height: inputShape[1], width: inputShape[2], channels: inputShape[3],
        windowHeight: poolSize.0, windowWidth: poolSize.1, strideHeight: step.0, strideWidth: step.1, padding: padding)
    precondition(
        geometry.outHeight > 0 && geometry.outWidth > 0,
        "\(name): window \(poolSize) with \(padding) padding does not fit input \(inputShape)")
    return geometry
}
