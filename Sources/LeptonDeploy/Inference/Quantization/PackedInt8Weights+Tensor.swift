import LeptonKernels
import LeptonTensor

extension PackedInt8Weights {
    /// Quantises a `[depth, columns]` weight tensor (output channels last) and its `[columns]` bias.
    ///
    /// - Parameters:
    ///   - weights: The weight matrix.
    ///   - bias: The bias, or `nil`.
    init(weights: Tensor, bias: Tensor?) {
        precondition(weights.rank == 2, "PackedInt8Weights: weights must be [depth, columns], got \(weights.shape)")
        self.init(weights: weights.scalars, depth: weights.shape[0], columns: weights.shape[1], bias: bias?.scalars)
    }
}
