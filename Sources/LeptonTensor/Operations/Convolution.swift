import LeptonKernels

/// How a convolution or pooling window treats the border: `.valid`, `.same` (TensorFlow's rule) or explicit
/// amounts per side.
public typealias Padding = Conv2DGeometry.Padding

/// 2-D convolution of an NHWC batch with an HWIO filter, plus an optional bias and fused activation.
///
/// - Parameters:
///   - input: `[batch, height, width, inChannels]`.
///   - filter: `[kernelHeight, kernelWidth, inChannels, outChannels]` (the Keras layout).
///   - bias: `[outChannels]`, or `nil`.
///   - strides: The step of the window along height and width.
///   - padding: The border treatment.
///   - dilation: The spacing of the filter taps along height and width.
///   - activation: An activation fused into the output (`.relu` or `.identity`).
/// - Returns: `[batch, outHeight, outWidth, outChannels]`.
public func conv2d(
    _ input: Tensor, filter: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1), padding: Padding = .valid,
    dilation: (Int, Int) = (1, 1), activation: EpilogueActivation = .identity
) -> Tensor {
    let geometry = convolutionGeometry(
        input, filter: filter, bias: bias, strides: strides, padding: padding, dilation: dilation, name: "conv2d")
    let outputShape: Shape = [geometry.batch, geometry.outHeight, geometry.outWidth, geometry.outChannels]
    let result = Tensor(shape: outputShape) { out in
        Convolution.forward(
            input: input.storage.pointer, weights: filter.storage.pointer, bias: bias?.storage.pointer, output: out,
            geometry: geometry, activation: activation)
    }
    guard let nodes = Tensor.trackedNodes(input, filter, bias) else { return result }
    let (inputValue, filterValue, output) = (input.detached, filter.detached, result.detached)
    return result.recorded("conv2d", inputs: nodes) { gradient, needs in
        let outputGradient = activation == .relu ? gradient.maskedByPositive(output) : gradient
        var inputGradient: Tensor?
        var filterGradient: Tensor?
        var biasGradient: Tensor?
        if needs[0] {
            inputGradient = Tensor(shape: inputValue.shape) { dInput in
                Convolution.backwardInput(
                    outputGradient: outputGradient.storage.pointer, weights: filterValue.storage.pointer,
                    inputGradient: dInput, geometry: geometry)
            }
        }
        if needs[1] || needs[2] {
            let dBias = needs[2] ? TensorStorage(uninitializedCount: geometry.outChannels) : nil
            filterGradient = Tensor(shape: filterValue.shape) { dFilter in
                Convolution.backwardWeights(
                    input: inputValue.storage.pointer, outputGradient: outputGradient.storage.pointer,
                    weightGradient: dFilter, biasGradient: dBias?.pointer, geometry: geometry)
            }
            biasGradient = dBias.map { Tensor(shape: [geometry.outChannels], storage: $0) }
        }
        return [inputGradient, needs[1] ? filterGradient : nil, biasGradient]
    }
}

/// The geometry of a convolution of `input` by `filter`, after checking their shapes (programmer errors stop).
func convolutionGeometry(
    _ input: Tensor, filter: Tensor, bias: Tensor?, strides: (Int, Int), padding: Padding, dilation: (Int, Int),
    name: String
) -> Conv2DGeometry {
    precondition(input.rank == 4, "\(name): input must be NHWC (rank 4), shape is \(input.shape)")
    precondition(filter.rank == 4, "\(name): filter must be HWIO (rank 4), shape is \(filter.shape)")
    precondition(
        filter.shape[2] == input.shape[3],
        "\(name): filter \(filter.shape) expects \(filter.shape[2]) input channels, input \(input.shape) has \(input.shape[3])"
    )
    if let bias {
        precondition(
            bias.shape == [filter.shape[3]], "\(name): bias shape \(bias.shape) should be [\(filter.shape[3])]")
    }
    let geometry = Conv2DGeometry(
        batch: input.shape[0], height: input.shape[1], width: input.shape[2], inChannels: input.shape[3],
        outChannels: filter.shape[3], kernelHeight: filter.shape[0], kernelWidth: filter.shape[1],
        strideHeight: strides.0, strideWidth: strides.1, dilationHeight: dilation.0, dilationWidth: dilation.1,
        padding: padding)
    precondition(
        geometry.outHeight > 0 && geometry.outWidth > 0,
        "\(name): filter \(filter.shape) with \(padding) padding does not fit input \(input.shape)")
    return geometry
}

extension Tensor {
    /// `self` where `output` is positive, 0 elsewhere: the gradient through a fused ReLU.
    func maskedByPositive(_ output: Tensor) -> Tensor {
        Tensor(shape: shape) { out in
            Elementwise.unaryBackward(
                .relu, x: output.storage.pointer, y: output.storage.pointer, dy: storage.pointer, dx: out,
                count: elementCount)
        }
    }
}
