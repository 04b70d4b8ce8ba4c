import LeptonKernels
import LeptonLayers
import LeptonTensor

extension Module {
    /// The outputs for `inputs`, computed in batches in inference mode (no dropout, no gradient recording).
    ///
    /// The input is checked before any layer runs: its shape by a module that is ``InputValidating`` (a
    /// ``Sequential`` checks its input shape and layers), and — unless `checkFinite` is false — that it holds no NaN or infinity. Zero rows give zero rows
    /// of the model's output shape. Denormal values are flushed to zero throughout, on the calling thread as on
    /// the thread pool's workers (as TensorFlow does on CPU), so results do not depend on the thread count.
    ///
    /// - Parameters:
    ///   - inputs: Inputs, batch axis first.
    ///   - batchSize: Samples per forward pass.
    ///   - checkFinite: Whether to reject NaN or infinite inputs.
    /// - Returns: The outputs, batch axis first.
    /// - Throws: ``ModelInputError`` for a shape the model cannot take, ``TrainingError/nonFiniteValue(what:index:value:)``
    ///   naming the first non-finite element, ``TrainingError/invalidSetting(name:value:requirement:)`` for a
    ///   batch size below 1.
    public func predict(_ inputs: Tensor, batchSize: Int = 256, checkFinite: Bool = true) throws -> Tensor {
        guard batchSize >= 1 else {
            throw TrainingError.invalidSetting(
                name: "batchSize", value: "\(batchSize)", requirement: "must be at least 1")
        }
        guard inputs.rank >= 1 else { throw ModelInputError.missingBatchAxis(shape: inputs.shape) }
        var outputShape: Shape?
        if let validating = self as? any InputValidating { outputShape = try validating.validateInput(inputs) }
        if checkFinite { try TrainingError.checkFinite(inputs, what: "inputs") }
        let count = inputs.shape[0]
        guard count > 0 else {
            let perSample = outputShape ?? Shape(Array(withoutGradients { self(inputs) }.shape.dimensions.dropFirst()))
            return Tensor(repeating: 0, shape: Shape([0] + perSample.dimensions))
        }
        // Denormals are flushed on the calling thread as on the pool's workers, so the result does not depend on
        // how many threads share the work.
        let parts = withDenormalsFlushedToZero {
            stride(from: 0, to: count, by: batchSize).map { start in
                withoutGradients { self(inputs[start..<Swift.min(count, start + batchSize)]) }
            }
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 0)
    }
}
