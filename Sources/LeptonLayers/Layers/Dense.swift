import LeptonKernels
import LeptonTensor

/// A fully connected layer: `activation(x · weight + bias)` over the last axis.
///
/// `weight` is `[inputSize, units]` (Keras' kernel layout). The input size is taken from the first input (or
/// from ``Sequential``'s shape inference) unless given.
public final class Dense: Layer {
    /// Settings of a ``Dense`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// Output features.
        public var units: Int
        /// The activation after the affine map.
        public var activation: Activation
        /// Whether there is a bias.
        public var useBias: Bool
        /// Input features, when known in advance.
        public var inputSize: Int?
    }

    /// The registered type name.
    public static let typeName = "Dense"
    /// The settings.
    public private(set) var configuration: Configuration
    /// `[inputSize, units]`, once built.
    public private(set) var weight: Parameter?
    /// `[units]`, once built (if the layer has a bias).
    public private(set) var bias: Parameter?

    /// Creates a dense layer.
    ///
    /// - Parameters:
    ///   - units: Output features.
    ///   - activation: The activation (default: none).
    ///   - useBias: Whether to add a bias.
    ///   - inputSize: Input features, to build immediately; otherwise inferred from the first input.
    ///   - seed: The seed for the initial weights when `inputSize` is given.
    public convenience init(
        units: Int, activation: Activation = .linear, useBias: Bool = true, inputSize: Int? = nil, seed: UInt64 = 0
    ) {
        self.init(
            configuration: Configuration(units: units, activation: activation, useBias: useBias, inputSize: inputSize))
        if let inputSize {
            var generator = RandomGenerator(seed: seed)
            build(inputShape: [inputSize], generator: &generator)
        }
    }

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        precondition(configuration.units > 0, "Dense: units must be positive, got \(configuration.units)")
        self.configuration = configuration
    }

    /// Whether the weight exists.
    public var isBuilt: Bool { weight != nil }

    /// Creates `weight` (Glorot uniform) and `bias` (zeros) for inputs of `[…, inputSize]`.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        guard !isBuilt else { return }
        precondition(inputShape.rank >= 1, "Dense: input shape \(inputShape) needs a feature axis")
        let inputSize = inputShape[inputShape.rank - 1]
        configuration.inputSize = inputSize
        weight = Parameter(Tensor.glorotUniform([inputSize, configuration.units], using: &generator))
        if configuration.useBias { bias = Parameter(Tensor.zeros([configuration.units])) }
    }

    /// `[…, units]`.
    public func outputShape(for inputShape: Shape) -> Shape {
        var dimensions = inputShape.dimensions
        dimensions[dimensions.count - 1] = configuration.units
        return Shape(dimensions)
    }

    /// Applies the layer; relu is fused into the matrix product.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        buildIfNeeded(for: input)
        guard let weight else { preconditionFailure("Dense: not built") }
        let fused: EpilogueActivation? =
            switch configuration.activation {
            case .relu: .relu
            case .linear: .identity
            default: nil
            }
        let product = linear(
            input, weight: context.read(weight), bias: bias.map(context.read), activation: fused ?? .identity)
        return fused == nil ? configuration.activation.apply(product) : product
    }
}

extension Dense {
    /// Refuses a unit count below 1.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.units, "units")
    }
}

extension Dense: InferenceLowerable {
    /// Checks `units`, the activation and a stored `inputSize` against the input; counts `inputSize · units`
    /// weights plus `units` biases.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try limits.extent(configuration.units, "units")
        try configuration.activation.checkArchitecture()
        let inputSize = inputShape[inputShape.count - 1]
        if let stored = configuration.inputSize, stored != inputSize {
            throw ArchitectureError("inputSize \(stored) does not match the input's last axis \(inputSize)")
        }
        var output = inputShape
        output[output.count - 1] = configuration.units
        try limits.activation(output)
        let parameters = try limits.parameters([inputSize, configuration.units], bias: configuration.useBias)
        return ArchitectureStep(outputShape: output, parameterCount: parameters)
    }

    /// `Dense(64, relu)`.
    public var summaryLine: String { "Dense(\(configuration.units), \(configuration.activation))" }

    /// The layer's activation.
    public var outputActivation: OutputActivation { .activation(configuration.activation) }

    /// A dense product with the activation fused (ReLU) or after it.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let weight else { throw .notBuilt }
        operations.append(ProductOperation(dense: weight.value, bias: bias?.value), then: configuration.activation)
    }
}
