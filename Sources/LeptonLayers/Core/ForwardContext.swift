import LeptonTensor
import Synchronization

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

    /// Problems layers found with the data during this pass (see ``report(_:)``), in order.
    public private(set) var problems: [any Error] = []

    /// Creates a context.
    ///
    /// - Parameters:
    ///   - isTraining: Training behaviour of dropout and normalisation layers.
    ///   - recordsGradients: Whether to record the gradient graph (by default, when training).
    ///   - generator: The random stream for stochastic layers; by default a fresh stream per context (contexts
    ///     made one after another draw different dropout masks, and the sequence repeats from run to run).
    public init(isTraining: Bool, recordsGradients: Bool? = nil, generator: RandomGenerator? = nil) {
        self.isTraining = isTraining
        self.recordsGradients = recordsGradients ?? isTraining
        self.generator =
            generator ?? RandomGenerator(seed: Self.defaultSeeds.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    /// Counts the contexts made without a generator, so each gets its own stream.
    private static let defaultSeeds = Atomic<UInt64>(0x5EED)

    /// Records a problem with the data that a layer found while it could not throw (for example a training batch
    /// too small for batch statistics); `Trainer` throws the first one before updating any weight.
    ///
    /// - Parameter problem: The typed error.
    public func report(_ problem: any Error) {
        problems.append(problem)
    }

    /// Throws the first problem reported during the pass, if any.
    ///
    /// - Throws: The first error passed to ``report(_:)``.
    public func throwIfProblem() throws {
        if let first = problems.first { throw first }
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
