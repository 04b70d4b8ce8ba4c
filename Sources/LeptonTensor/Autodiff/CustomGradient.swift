extension Tensor {
    /// `value` as the result of a differentiable operation of `inputs` whose backward rule you supply: the public
    /// hook for a custom or fused operation (PyTorch's `autograd.Function`).
    ///
    /// `value` is computed by the caller (usually without recording); gradients reaching the result are sent to
    /// the inputs through `pullback`, which returns one gradient per input, each shaped like that input.
    ///
    /// ```swift
    /// let y = Tensor.customGradient(x.squared().detached, inputs: [x]) { gradient in [gradient * 2 * x.detached] }
    /// ```
    ///
    /// - Parameters:
    ///   - value: The operation's result.
    ///   - inputs: The tensors it was computed from.
    ///   - name: A name for error messages.
    ///   - pullback: Maps the gradient of the result to the gradients of `inputs`, in order.
    /// - Returns: `value`, recorded so gradients flow to `inputs` (or `value` itself when none requires gradients).
    public static func customGradient(
        _ value: Tensor, inputs: [Tensor], name: String = "custom",
        pullback: @escaping @Sendable (_ outputGradient: Tensor) -> [Tensor]
    ) -> Tensor {
        let result = value.detached
        guard let nodes = trackedNodes(inputs) else { return result }
        let shapes = inputs.map(\.shape)
        return result.recorded(name, inputs: nodes) { gradient, needs in
            let gradients = withoutGradients { pullback(gradient) }
            precondition(
                gradients.count == shapes.count,
                "\(name): the pullback returned \(gradients.count) gradients for \(shapes.count) inputs")
            for (index, (produced, expected)) in zip(gradients, shapes).enumerated() where produced.shape != expected {
                preconditionFailure(
                    "\(name): the pullback's gradient \(index) has shape \(produced.shape), the input has \(expected)")
            }
            return zip(gradients, needs).map { gradient, needed in needed ? gradient.detached : nil }
        }
    }
}
