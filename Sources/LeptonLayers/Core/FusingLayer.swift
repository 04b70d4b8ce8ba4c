import LeptonTensor

/// A layer that can run together with the layer after it as one fused operation, with the same values and
/// gradients as the two calls one after the other (``Conv2D`` followed by ``MaxPool2D``).
///
/// ``Sequential`` asks each such layer whether it fuses with its successor; a layer that does not know the
/// successor answers `nil` and both run on their own.
public protocol FusingLayer: Layer {
    /// The output of this layer followed by `next`, computed as one operation, or `nil` when the pair has no fused
    /// form.
    ///
    /// - Parameters:
    ///   - input: This layer's input.
    ///   - next: The layer that follows in the model.
    ///   - context: Training mode and gradient recording.
    /// - Returns: `next`'s output, or `nil`.
    func callFused(_ input: Tensor, followedBy next: any Layer, context: ForwardContext) -> Tensor?
}
