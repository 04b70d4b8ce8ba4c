import LeptonTensor

/// A learnable tensor (or a state buffer) of a module, with a stable identity.
///
/// A parameter is a reference box: layers hold it, optimizers key their state by its ``id``, and gradients are
/// reported under the same ``id``. Writing ``value`` replaces the tensor in place for every holder.
public final class Parameter {
    /// Whether a parameter is learned by gradient descent or is state the layer updates itself.
    public enum Role: String, Sendable, Codable {
        /// Learned: weights, biases, scales.
        case weight
        /// State kept by the layer and saved with the model, never trained (batch-norm running statistics).
        case buffer
    }

    /// The current value.
    public var value: Tensor
    /// The identity gradients and optimizer state are keyed by.
    public let id: GradientID
    /// Whether the parameter is learned or is layer state.
    public let role: Role
    /// Whether an optimizer may change it; buffers are never trainable. See ``Module/freeze()``.
    public var isTrainable: Bool {
        get { role == .weight && !isFrozen }
        set { isFrozen = !newValue }
    }
    private var isFrozen = false

    /// Creates a parameter.
    ///
    /// - Parameters:
    ///   - value: The initial value.
    ///   - role: `.weight` (learned, the default) or `.buffer` (layer state).
    public init(_ value: Tensor, role: Role = .weight) {
        self.value = value.detached
        self.role = role
        id = .unique()
    }

    /// The shape of the current value.
    public var shape: Shape { value.shape }
}

extension Gradients {
    /// The gradient for `parameter`, or `nil` if the differentiated value did not depend on it.
    public subscript(parameter: Parameter) -> Tensor? {
        self[parameter.id]
    }
}
