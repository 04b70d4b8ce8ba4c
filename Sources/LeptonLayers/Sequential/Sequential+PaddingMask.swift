import LeptonTensor

extension Sequential {
    /// Runs a text model that starts with a ``PaddingMask`` on token ids `[batch, time]` padded to any length up to
    /// the model's (a batch padded to its longest sequence): the padding mask reaches every
    /// ``PaddingMaskConsumer``, so the result for each sequence does not depend on how much padding follows it.
    ///
    /// - Parameters:
    ///   - ids: `[batch, time]` token ids with `1 ≤ time ≤ inputShape[0]`.
    ///   - context: Training mode and gradient recording.
    /// - Returns: The model's output for the batch.
    public func callAsFunction(tokens ids: Tensor, context: ForwardContext) -> Tensor {
        precondition(
            layers.first is PaddingMask, "Sequential(tokens:): the model must start with a PaddingMask layer")
        precondition(ids.rank == 2, "Sequential(tokens:): ids must be [batch, time], got \(ids.shape)")
        if let inputShape {
            precondition(
                inputShape.rank == 1 && ids.shape[1] >= 1 && ids.shape[1] <= inputShape[0],
                "Sequential(tokens:): time \(ids.shape[1]) must be in 1...\(inputShape) (the model's length)")
        } else {
            build(inputShape: Shape([ids.shape[1]]))
        }
        return forward(ids, context: context)
    }

    /// The layers in order, the padding mask of a ``PaddingMask`` handed to the mask-aware layers after it, a
    /// ``FusingLayer`` and its successor run as one operation when they have a fused form.
    func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        var mask: Tensor?
        var x = input
        var index = layers.startIndex
        while index < layers.endIndex {
            let layer = layers[index]
            index += 1
            if let source = layer as? PaddingMask {
                mask = source.mask(for: x)
                continue
            }
            if mask == nil, index < layers.endIndex, let fusing = layer as? any FusingLayer,
                let fused = fusing.callFused(x, followedBy: layers[index], context: context)
            {
                x = fused
                index += 1
                continue
            }
            if let current = mask, let consumer = layer as? any PaddingMaskConsumer {
                x = consumer.callAsFunction(x, paddingMask: current, context: context)
            } else {
                x = layer.callAsFunction(x, context: context)
            }
            if let current = mask, !PaddingMaskFlow.survives(current, after: x) { mask = nil }
        }
        return x
    }
}
