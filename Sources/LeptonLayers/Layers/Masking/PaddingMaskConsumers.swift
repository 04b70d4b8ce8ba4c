import LeptonTensor

// The built-in layers that use a `Sequential`'s padding mask (see `PaddingMask`).

extension TransformerEncoderLayer: PaddingMaskConsumer {
    /// The block with padded keys masked out of attention.
    public func callAsFunction(_ input: Tensor, paddingMask: Tensor, context: ForwardContext) -> Tensor {
        callAsFunction(input, keyMask: paddingMask, context: context)
    }
}

extension GlobalAveragePooling1D: PaddingMaskConsumer {
    /// The mean over the real steps.
    public func callAsFunction(_ input: Tensor, paddingMask: Tensor, context: ForwardContext) -> Tensor {
        callAsFunction(input, mask: paddingMask, context: context)
    }
}
