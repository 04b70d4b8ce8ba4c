import LeptonTensor

/// A problem with the data a layer was given during a forward pass, reported through
/// ``ForwardContext/report(_:)`` and thrown by the training loop.
public enum LayerDataError: Error, Equatable, CustomStringConvertible {
    /// Batch normalisation in training saw one value per channel, so there is no batch variance (PyTorch raises
    /// "Expected more than 1 value per channel when training").
    case batchNormNeedsMoreThanOneValue(inputShape: Shape)

    /// A sentence naming the problem and the shape seen.
    public var description: String {
        switch self {
        case .batchNormNeedsMoreThanOneValue(let shape):
            return
                "BatchNorm in training needs more than one value per channel, got input of shape \(shape); use a larger batch, drop the last batch (dropLast), or freeze() the layer"
        }
    }
}
