import LeptonTensor

/// Batch normalisation over the last (channel) axis, with learned scale and offset and running statistics.
///
/// In training, each batch is normalised with its own mean and (biased) variance, and the running statistics
/// move towards them: `running = momentum · running + (1 − momentum) · batch`, the running variance taking the
/// unbiased batch variance (as PyTorch does). In inference, the running statistics are used; so they are for a
/// frozen layer (``Module/freeze()``), as for Keras' `trainable = False`. A training batch with one value per
/// channel is reported as ``LayerDataError/batchNormNeedsMoreThanOneValue(inputShape:)``.
public final class BatchNorm: Layer {
    /// Settings of a ``BatchNorm`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// How much of the running statistics is kept at each step (Keras' meaning; PyTorch's `momentum` is 1 − this).
        public var momentum: Float
        /// Added to the variance before the square root.
        public var epsilon: Float
        /// The number of channels, once known.
        public var channels: Int?
    }

    /// The registered type name.
    public static let typeName = "BatchNorm"
    /// The settings.
    public private(set) var configuration: Configuration
    /// Per-channel scale (γ), initially 1.
    public private(set) var scale: Parameter?
    /// Per-channel offset (β), initially 0.
    public private(set) var offset: Parameter?
    /// Running mean, initially 0.
    public private(set) var runningMean: Parameter?
    /// Running variance, initially 1.
    public private(set) var runningVariance: Parameter?

    /// Creates a batch-normalisation layer.
    ///
    /// - Parameters:
    ///   - momentum: The running-statistics decay (default 0.99, as Keras).
    ///   - epsilon: The variance offset (default 0.001, as Keras).
    public convenience init(momentum: Float = 0.99, epsilon: Float = 1e-3) {
        self.init(configuration: Configuration(momentum: momentum, epsilon: epsilon))
    }

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        precondition(
            configuration.momentum >= 0 && configuration.momentum <= 1, "BatchNorm: momentum must be in [0, 1]")
        self.configuration = configuration
    }

    /// Whether the parameters exist.
    public var isBuilt: Bool { scale != nil }

    /// Creates the per-channel parameters for the last axis of `inputShape`.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        guard !isBuilt else { return }
        let channels = inputShape[inputShape.rank - 1]
        configuration.channels = channels
        scale = Parameter(Tensor.ones([channels]))
        offset = Parameter(Tensor.zeros([channels]))
        runningMean = Parameter(Tensor.zeros([channels]), role: .buffer)
        runningVariance = Parameter(Tensor.ones([channels]), role: .buffer)
    }

    /// The input shape.
    public func outputShape(for inputShape: Shape) -> Shape { inputShape }

    /// Normalises with batch statistics (training, updating the running ones) or running statistics (inference).
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        buildIfNeeded(for: input)
        guard let scale, let offset, let runningMean, let runningVariance else {
            preconditionFailure("BatchNorm: not built")
        }
        let axes = Array(0..<(input.rank - 1))
        let mean: Tensor
        let variance: Tensor
        // A frozen layer normalises with its running statistics, as Keras' `trainable = False`.
        let count = input.elementCount / Swift.max(1, input.shape[input.rank - 1])
        if context.isTraining && scale.isTrainable && count < 2 {
            context.report(LayerDataError.batchNormNeedsMoreThanOneValue(inputShape: input.shape))
        }
        if context.isTraining && scale.isTrainable && count >= 2 {
            mean = input.mean(axes: axes)
            variance = input.variance(axes: axes)
            let momentum = configuration.momentum
            withoutGradients {
                runningMean.value = runningMean.value * momentum + mean.detached * (1 - momentum)
                let unbiased = variance.detached * (Float(count) / Float(count - 1))
                runningVariance.value = runningVariance.value * momentum + unbiased * (1 - momentum)
            }
        } else {
            mean = runningMean.value
            variance = runningVariance.value
        }
        let normalized = (input - mean) * (variance + configuration.epsilon).rsqrt()
        return normalized * context.read(scale) + context.read(offset)
    }
}

/// Layer normalisation over the last axis, with learned scale and offset.
public final class LayerNorm: Layer {
    /// Settings of a ``LayerNorm`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// Added to the variance before the square root.
        public var epsilon: Float
        /// The size of the normalised axis, once known.
        public var features: Int?
    }

    /// The registered type name.
    public static let typeName = "LayerNorm"
    /// The settings.
    public private(set) var configuration: Configuration
    /// Per-feature scale (γ), initially 1.
    public private(set) var scale: Parameter?
    /// Per-feature offset (β), initially 0.
    public private(set) var offset: Parameter?

    /// Creates a layer-normalisation layer.
    ///
    /// - Parameter epsilon: The variance offset (default 0.001, as Keras; PyTorch uses 1e-5).
    public convenience init(epsilon: Float = 1e-3) {
        self.init(configuration: Configuration(epsilon: epsilon))
    }

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) { self.configuration = configuration }

    /// Whether the parameters exist.
    public var isBuilt: Bool { scale != nil }

    /// Creates the per-feature parameters for the last axis of `inputShape`.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        guard !isBuilt else { return }
        let features = inputShape[inputShape.rank - 1]
        configuration.features = features
        scale = Parameter(Tensor.ones([features]))
        offset = Parameter(Tensor.zeros([features]))
    }

    /// The input shape.
    public func outputShape(for inputShape: Shape) -> Shape { inputShape }

    /// Normalises each sample's last axis.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        buildIfNeeded(for: input)
        guard let scale, let offset else { preconditionFailure("LayerNorm: not built") }
        return input.layerNormalized(
            scale: context.read(scale), offset: context.read(offset), epsilon: configuration.epsilon)
    }
}

extension BatchNorm {
    /// Refuses a momentum outside [0, 1] (NaN included).
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        guard configuration.momentum >= 0, configuration.momentum <= 1 else {
            throw ArchitectureError("momentum must be in [0, 1], got \(configuration.momentum)")
        }
    }
}

extension BatchNorm: InferenceLowerable {
    /// Checks momentum, epsilon and a stored channel count; counts four per-channel vectors.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        guard configuration.momentum >= 0 && configuration.momentum <= 1 else {
            throw ArchitectureError("momentum \(configuration.momentum) is outside [0, 1]")
        }
        try checkEpsilon(configuration.epsilon)
        let channels = inputShape[inputShape.count - 1]
        if let stored = configuration.channels, stored != channels {
            throw ArchitectureError("channels \(stored) does not match the input's last axis \(channels)")
        }
        return ArchitectureStep(
            outputShape: inputShape, parameterCount: try limits.parameters([4, channels], bias: false))
    }

    /// A per-channel affine map from the running statistics (folded into a preceding linear product).
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let scale, let offset, let runningMean, let runningVariance else { throw .notBuilt }
        let factor = scale.value * (runningVariance.value + configuration.epsilon).rsqrt()
        operations.append(AffineOperation(scale: factor, shift: offset.value - runningMean.value * factor))
    }
}

extension LayerNorm: InferenceLowerable {
    /// Checks epsilon and a stored feature count; counts two per-feature vectors.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try checkEpsilon(configuration.epsilon)
        let features = inputShape[inputShape.count - 1]
        if let stored = configuration.features, stored != features {
            throw ArchitectureError("features \(stored) does not match the input's last axis \(features)")
        }
        return ArchitectureStep(
            outputShape: inputShape, parameterCount: try limits.parameters([2, features], bias: false))
    }

    /// Normalisation over the last axis with the learned scale and offset.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let scale = scale?.value, let offset = offset?.value else { throw .notBuilt }
        let epsilon = configuration.epsilon
        operations.append(
            FunctionOperation("layer norm") { input in
                input.layerNormalized(scale: scale, offset: offset, epsilon: epsilon)
            })
    }
}

/// Checks a normalisation's variance offset: finite and not negative.
private func checkEpsilon(_ epsilon: Float) throws(ArchitectureError) {
    guard epsilon.isFinite, epsilon >= 0 else { throw ArchitectureError("epsilon \(epsilon) must be finite and >= 0") }
}
