import LeptonTensor

/// Merges every axis after the batch axis: `[batch, h, w, c]` → `[batch, h·w·c]` (NHWC order, as Keras).
public final class Flatten: Layer {
    /// Settings (none).
    public struct Configuration: Codable, Sendable, Hashable {}

    /// The registered type name.
    public static let typeName = "Flatten"
    /// The settings.
    public let configuration = Configuration()

    /// Creates the layer.
    public init() {}

    /// Creates the layer from settings.
    public init(configuration: Configuration) {}

    /// `[product of the input extents]`.
    public func outputShape(for inputShape: Shape) -> Shape { [inputShape.elementCount] }

    /// Flattens (no copy).
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        input.flattened(startAxis: 1)
    }
}

/// Inverted dropout: in training, zeroes inputs with probability `rate` and scales the rest by 1 / (1 − rate);
/// in inference, the identity.
public final class Dropout: Layer {
    /// Settings of a ``Dropout`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// The drop probability, in [0, 1).
        public var rate: Float
    }

    /// The registered type name.
    public static let typeName = "Dropout"
    /// The settings.
    public let configuration: Configuration

    /// Creates a dropout layer.
    ///
    /// - Parameter rate: The drop probability, in [0, 1).
    public convenience init(rate: Float) { self.init(configuration: Configuration(rate: rate)) }

    /// Creates the layer from settings.
    public init(configuration: Configuration) {
        precondition(
            configuration.rate >= 0 && configuration.rate < 1, "Dropout: rate \(configuration.rate) is outside [0, 1)")
        self.configuration = configuration
    }

    /// The input shape.
    public func outputShape(for inputShape: Shape) -> Shape { inputShape }

    /// Drops inputs in training, passes them through in inference.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        guard context.isTraining, configuration.rate > 0 else { return input }
        return dropout(input, rate: configuration.rate, using: &context.generator)
    }
}

/// An activation function as a layer of its own.
public final class ActivationLayer: Layer {
    /// Settings of an ``ActivationLayer``.
    public struct Configuration: Codable, Sendable, Hashable {
        /// The activation.
        public var activation: Activation
    }

    /// The registered type name.
    public static let typeName = "Activation"
    /// The settings.
    public let configuration: Configuration

    /// Creates the layer.
    ///
    /// - Parameter activation: The activation.
    public convenience init(_ activation: Activation) {
        self.init(configuration: Configuration(activation: activation))
    }

    /// Creates the layer from settings.
    public init(configuration: Configuration) { self.configuration = configuration }

    /// The input shape.
    public func outputShape(for inputShape: Shape) -> Shape { inputShape }

    /// Applies the activation.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        configuration.activation.apply(input)
    }
}

extension Flatten: InferenceLowerable {
    /// One axis holding every element of the input.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        ArchitectureStep(outputShape: [try limits.activation(inputShape, "input shape")])
    }

    /// The input's meaning is kept.
    public var outputActivation: OutputActivation { .transparent }

    /// Merges the axes after the batch axis.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        operations.append(FunctionOperation("flatten") { $0.flattened() })
    }
}

extension Dropout {
    /// Refuses a rate outside [0, 1) (NaN included).
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        guard configuration.rate >= 0, configuration.rate < 1 else {
            throw ArchitectureError("rate must be in [0, 1), got \(configuration.rate)")
        }
    }
}

extension Dropout: InferenceLowerable {
    /// Checks that the rate is in [0, 1).
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        guard configuration.rate >= 0 && configuration.rate < 1 else {
            throw ArchitectureError("rate \(configuration.rate) is outside [0, 1)")
        }
        return ArchitectureStep(outputShape: inputShape)
    }

    /// `Dropout(0.3)`.
    public var summaryLine: String { "Dropout(\(configuration.rate))" }

    /// The input's meaning is kept.
    public var outputActivation: OutputActivation { .transparent }

    /// Nothing: dropout is the identity in inference.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {}
}

extension ActivationLayer: InferenceLowerable {
    /// Checks the activation's parameters; the shape is kept.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try configuration.activation.checkArchitecture()
        return ArchitectureStep(outputShape: inputShape)
    }

    /// `Activation(relu)`.
    public var summaryLine: String { "Activation(\(configuration.activation))" }

    /// The activation.
    public var outputActivation: OutputActivation { .activation(configuration.activation) }

    /// The activation (a ReLU is fused into a preceding product).
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        operations.append(ActivationOperation(configuration.activation))
    }
}
