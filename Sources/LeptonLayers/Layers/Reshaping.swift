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
