import LeptonTensor

extension InferenceProgram {
    /// Runs the operations in order, handing the padding mask of a ``PaddingMaskOperation`` to the masked
    /// operations after it while the time axis lasts.
    static func run(_ operations: [any InferenceOperation], on input: Tensor) -> Tensor {
        var mask: Tensor?
        var x = input
        for operation in operations {
            if let source = operation as? PaddingMaskOperation {
                mask = source.mask(for: x)
                continue
            }
            if let masked = operation as? MaskedFunctionOperation {
                x = masked.apply(x, paddingMask: mask)
            } else {
                x = operation.apply(x)
            }
            if let current = mask, !PaddingMaskFlow.survives(current, after: x) { mask = nil }
        }
        return x
    }
}
