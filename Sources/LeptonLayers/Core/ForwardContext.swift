import LeptonTensor

/// How a forward pass runs: training or inference, whether it records gradients, and its random stream.
///
/// Training-only behaviour (dropout, batch statistics) is chosen here explicitly rather than by hidden state
/// in the model: the same model object serves a training step and an inference call side by side.
public final class ForwardContext {
    /// Whether layers behave as in training (dropout active, batch norm uses and updates batch statistics).
    public let isTraining: Bool
    /// Whether trainable parameters enter the computation as leaves of differentiation.
    public let recordsGradients: Bool
    /// The random stream for dropout and other stochastic layers.
    public var generator: RandomGenerator

    /// Creates a context.
    ///
    /// - Parameters:
    ///   - isTraining: Training behaviour of dropout and normalisation layers.
    ///   - recordsGradients: Whether to record the gradient graph (by default, when training).
    ///   - generator: The random stream for stochastic layers.
    public init(isTraining: Bool, recordsGradients: Bool? = nil, generator: RandomGenerator = RandomGenerator(seed: 0))
    {
        self.isTraining = isTraining
        self.recordsGradients = recordsGradients ?? isTraining
        self.generator = generator
    }

    /// An inference context: no dropout, running statistics, no gradient recording.
    public static var inference: ForwardContext { ForwardContext(isTraining: false) }

    /// A training context with the given random stream.
    ///
    /// - Parameter generator: The random stream for dropout.
    /// - Returns: The context.
    public static func training(generator: RandomGenerator) -> ForwardContext {
        ForwardContext(isTraining: true, generator: generator)
    }

    /// The value of `parameter` for this pass: a leaf of differentiation when gradients are recorded and the
    /// parameter is trainable, else the plain value.
    ///
    /// - Parameter parameter: The parameter to read.
    /// - Returns: Its value.
    public func read(_ parameter: Parameter) -> Tensor {
        recordsGradients && parameter.isTrainable
            ? parameter.value.requiringGradient(id: parameter.id) : parameter.value
    }
}
