import LeptonKernels

/// A fully connected transform of the last axis, `activation(x · weight + bias)`, as one fused GEMM.
///
/// - Parameters:
///   - input: `[…, inFeatures]`.
///   - weight: `[inFeatures, outFeatures]` (the Keras kernel layout; a PyTorch `Linear.weight` is its transpose).
///   - bias: `[outFeatures]`, or `nil`.
///   - activation: `.relu` fuses max(0, ·) into the product's store.
/// - Returns: `[…, outFeatures]`.
public func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, activation: EpilogueActivation = .identity)
    -> Tensor
{
    precondition(weight.rank == 2, "linear: weight must be [in, out], shape is \(weight.shape)")
    precondition(input.rank >= 1, "linear: input must have at least one axis")
    let (inFeatures, outFeatures) = (weight.shape[0], weight.shape[1])
    precondition(
        input.shape[input.rank - 1] == inFeatures,
        "linear: input \(input.shape) has \(input.shape[input.rank - 1]) features, weight \(weight.shape) expects \(inFeatures)"
    )
    if let bias {
        precondition(bias.shape == [outFeatures], "linear: bias shape \(bias.shape) should be [\(outFeatures)]")
    }
    let rows = input.elementCount / Swift.max(inFeatures, 1)
    var outputDimensions = input.shape.dimensions
    outputDimensions[outputDimensions.count - 1] = outFeatures
    let result = Tensor(shape: Shape(outputDimensions)) { out in
        let epilogue = GEMMEpilogue(bias: bias?.storage.pointer, biasAxis: .perColumn, activation: activation)
        sgemm(
            .none, .none, m: rows, n: outFeatures, k: inFeatures, a: input.storage.pointer,
            lda: Swift.max(inFeatures, 1),
            b: weight.storage.pointer, ldb: Swift.max(outFeatures, 1), c: out, ldc: Swift.max(outFeatures, 1),
            epilogue: epilogue)
    }
    guard let nodes = Tensor.trackedNodes(input, weight, bias) else { return result }
    let (inputValue, weightValue, output) = (input.detached, weight.detached, result.detached)
    return result.recorded("linear", inputs: nodes) { gradient, needs in
        let outputGradient = activation == .relu ? gradient.maskedByPositive(output) : gradient
        let flatGradient = outputGradient.viewed(as: [rows, outFeatures])
        let flatInput = inputValue.viewed(as: [rows, inFeatures])
        return [
            needs[0] ? matmul(flatGradient, weightValue, transposeB: true).viewed(as: inputValue.shape) : nil,
            needs[1] ? matmul(flatInput, flatGradient, transposeA: true) : nil,
            needs[2] ? flatGradient.sumWithoutRecording(axis: 0, keepDims: false) : nil,
        ]
    }
}
