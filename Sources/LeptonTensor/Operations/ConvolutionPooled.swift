import LeptonKernels

/// A 2-D convolution with its bias and activation, followed by max pooling, as one operation:
/// `maxPool2d(conv2d(input, …), …)` with the same values and gradients, but the convolution's output — the largest
/// activation of an image model's first layer — never reaches memory, in the forward pass or the backward one.
///
/// Images are convolved one at a time into a cache-sized buffer and pooled from there; the backward pass rebuilds
/// the convolution output's gradient a few images at a time from the pooled gradient and the recorded winners.
///
/// - Parameters:
///   - input: `[batch, height, width, inChannels]`.
///   - filter: `[kernelHeight, kernelWidth, inChannels, outChannels]` (the Keras layout).
///   - bias: `[outChannels]`, or `nil`.
///   - strides: The convolution's step along height and width.
///   - padding: The convolution's border treatment.
///   - dilation: The spacing of the filter taps along height and width.
///   - activation: The activation between convolution and pooling (`.relu` or `.identity`).
///   - poolSize: The pooling window's height and width.
///   - poolStrides: The pooling window's step; by default the window size.
///   - poolPadding: The pooling's border treatment; padded cells never win.
/// - Returns: `[batch, pooledHeight, pooledWidth, outChannels]`.
public func conv2dMaxPooled(
    _ input: Tensor, filter: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1), padding: Padding = .valid,
    dilation: (Int, Int) = (1, 1), activation: EpilogueActivation = .identity, poolSize: (Int, Int),
    poolStrides: (Int, Int)? = nil, poolPadding: Padding = .valid
) -> Tensor {
    let geometry = convolutionGeometry(
        input, filter: filter, bias: bias, strides: strides, padding: padding, dilation: dilation,
        name: "conv2dMaxPooled")
    let convolvedShape: Shape = [geometry.batch, geometry.outHeight, geometry.outWidth, geometry.outChannels]
    let pooling = poolGeometry(
        convolvedShape, poolSize: poolSize, strides: poolStrides, padding: poolPadding, name: "conv2dMaxPooled")
    let outputShape: Shape = [pooling.batch, pooling.outHeight, pooling.outWidth, pooling.channels]
    // Winners are recorded even when nothing is differentiated: that path pools like `maxPool2d` (NaN wins its
    // window), where the direct loop that pools in registers would not.
    let winners = IndexStorage(uninitializedCount: outputShape.elementCount)
    let result = Tensor(shape: outputShape) { out in
        Convolution.forwardMaxPooled(
            input: input.storage.pointer, weights: filter.storage.pointer, bias: bias?.storage.pointer, output: out,
            geometry: geometry, activation: activation, poolGeometry: pooling, winners: winners.pointer)
    }
    guard let nodes = Tensor.trackedNodes(input, filter, bias) else { return result }
    let (inputValue, filterValue, output) = (input.detached, filter.detached, result.detached)
    return result.recorded("conv2dMaxPooled", inputs: nodes) { gradient, needs in
        let dInput = needs[0] ? TensorStorage(uninitializedCount: inputValue.elementCount) : nil
        let dFilter = needs[1] ? TensorStorage(uninitializedCount: filterValue.elementCount) : nil
        let dBias = needs[2] ? TensorStorage(uninitializedCount: geometry.outChannels) : nil
        Convolution.backwardMaxPooled(
            input: inputValue.storage.pointer, weights: filterValue.storage.pointer,
            pooledOutput: output.storage.pointer, pooledGradient: gradient.storage.pointer, winners: winners.pointer,
            inputGradient: dInput?.pointer, weightGradient: dFilter?.pointer, biasGradient: dBias?.pointer,
            geometry: geometry, activation: activation, poolGeometry: pooling)
        return [
            dInput.map { Tensor(shape: inputValue.shape, storage: $0) },
            dFilter.map { Tensor(shape: filterValue.shape, storage: $0) },
            dBias.map { Tensor(shape: [geometry.outChannels], storage: $0) },
        ]
    }
}
