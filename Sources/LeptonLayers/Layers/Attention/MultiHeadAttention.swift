import LeptonTensor

/// Multi-head self-attention over batch-first sequences `[batch, time, embed]`, with PyTorch's packed projection
/// (`in_proj_weight` stacks the query, key and value maps) so PyTorch weights load unchanged.
///
/// `q, k, v = x W_inᵀ + b_in` (split in thirds, then into `heads` heads of `embed / heads`); per head
/// `softmax(q kᵀ / √headSize) v`; the heads are joined and mapped by `W_outᵀ + b_out`. With
/// ``Configuration/causal`` a position attends only to itself and earlier positions. A key-padding mask
/// `[batch, time]` (1 for a real token, 0 for padding) given to ``attend(_:keyMask:context:)`` stops every
/// position from attending to padding; a position whose every key is masked gets a zero context (not NaN).
public final class MultiHeadAttention: Layer {
    /// Settings of a ``MultiHeadAttention`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// The number of heads; it must divide the embedding size.
        public var heads: Int
        /// Whether each position attends only to itself and earlier positions.
        public var causal: Bool
        /// The embedding size, once known.
        public var embedSize: Int?
    }

    /// The registered type name.
    public static let typeName = "MultiHeadAttention"
    /// The settings.
    public private(set) var configuration: Configuration
    /// `[3·embed, embed]` (PyTorch's `in_proj_weight`), once built.
    public private(set) var inProjectionWeight: Parameter?
    /// `[3·embed]` (`in_proj_bias`).
    public private(set) var inProjectionBias: Parameter?
    /// `[embed, embed]` (`out_proj.weight`).
    public private(set) var outProjectionWeight: Parameter?
    /// `[embed]` (`out_proj.bias`).
    public private(set) var outProjectionBias: Parameter?

    /// Creates a self-attention layer.
    ///
    /// - Parameters:
    ///   - heads: The number of heads.
    ///   - causal: Whether to mask future positions.
    ///   - embedSize: The embedding size, to build immediately; otherwise inferred from the first input.
    ///   - seed: The seed for the initial weights when `embedSize` is given.
    public convenience init(heads: Int, causal: Bool = false, embedSize: Int? = nil, seed: UInt64 = 0) {
        self.init(configuration: Configuration(heads: heads, causal: causal, embedSize: embedSize))
        if let embedSize {
            var generator = RandomGenerator(seed: seed)
            build(inputShape: [1, embedSize], generator: &generator)
        }
    }

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        precondition(configuration.heads > 0, "MultiHeadAttention: heads must be positive, got \(configuration.heads)")
        self.configuration = configuration
    }

    /// Whether the weights exist.
    public var isBuilt: Bool { inProjectionWeight != nil }

    /// Creates the weights for inputs `[time, embed]`: Glorot-uniform projections and zero biases, as PyTorch.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        guard !isBuilt else { return }
        let embed = inputShape[inputShape.rank - 1]
        precondition(
            embed % configuration.heads == 0,
            "MultiHeadAttention: \(configuration.heads) heads do not divide the embedding size \(embed)")
        configuration.embedSize = embed
        inProjectionWeight = Parameter(Tensor.glorotUniform([3 * embed, embed], using: &generator))
        inProjectionBias = Parameter(Tensor.zeros([3 * embed]))
        outProjectionWeight = Parameter(Tensor.glorotUniform([embed, embed], using: &generator))
        outProjectionBias = Parameter(Tensor.zeros([embed]))
    }

    /// The input shape.
    public func outputShape(for inputShape: Shape) -> Shape { inputShape }

    /// Self-attention without a key-padding mask.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        attend(input, keyMask: nil, context: context).output
    }

    /// Self-attention, with the attention weights.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, embed]`.
    ///   - keyMask: `[batch, time]`, non-zero for real tokens and 0 for padding (`nil`: every key is real).
    ///   - context: Gradient recording.
    /// - Returns: The output `[batch, time, embed]` and the weights `[batch, heads, time, time]`.
    public func attend(_ input: Tensor, keyMask: Tensor?, context: ForwardContext) -> (
        output: Tensor, weights: Tensor
    ) {
        buildIfNeeded(for: input)
        guard let inProjectionWeight, let inProjectionBias, let outProjectionWeight, let outProjectionBias else {
            preconditionFailure("MultiHeadAttention: not built")
        }
        return Self.run(
            input,
            weights: [inProjectionWeight, inProjectionBias, outProjectionWeight, outProjectionBias].map(context.read),
            heads: configuration.heads, causal: configuration.causal, keyMask: keyMask)
    }

    /// Attention with weights `[W_in, b_in, W_out, b_out]`.
    static func run(_ input: Tensor, weights: [Tensor], heads: Int, causal: Bool, keyMask: Tensor?) -> (
        output: Tensor, weights: Tensor
    ) {
        precondition(input.rank == 3, "MultiHeadAttention: input must be [batch, time, embed], got \(input.shape)")
        let (batch, time, embed) = (input.shape[0], input.shape[1], input.shape[2])
        precondition(
            embed == weights[0].shape[1], "MultiHeadAttention: expected \(weights[0].shape[1]) features, got \(embed)")
        let headSize = embed / heads
        let packed = (matmul(input.reshaped(to: [batch * time, embed]), weights[0], transposeB: true) + weights[1])
            .reshaped(to: [batch, time, 3, heads, headSize]).permuted([2, 0, 3, 1, 4])
        let parts = packed.split(sizes: [1, 1, 1], axis: 0).map { $0.reshaped(to: [batch, heads, time, headSize]) }
        let scores = matmul(parts[0], parts[1], transposeB: true) * (1 / Float(headSize).squareRoot())
        var mask: Tensor?
        if causal {
            let lower = (0..<(time * time)).map { index in Float(index % time <= index / time ? 1 : 0) }
            mask = Tensor(lower, shape: [1, 1, time, time])
        }
        if let keyMask {
            precondition(
                keyMask.shape == Shape([batch, time]),
                "MultiHeadAttention: key mask must be [\(batch), \(time)], got \(keyMask.shape)")
            let keys = (1 - (keyMask.detached .== 0)).reshaped(to: [batch, 1, 1, time])
            mask = mask.map { $0 * keys } ?? keys
        }
        let attention = mask.map { scores.softmax(keeping: $0) } ?? scores.softmax()
        let joined = matmul(attention, parts[2]).permuted([0, 2, 1, 3]).reshaped(to: [batch * time, embed])
        let output = (matmul(joined, weights[2], transposeB: true) + weights[3]).reshaped(to: [batch, time, embed])
        return (output, attention)
    }
}

extension MultiHeadAttention {
    /// Refuses a head count below 1.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.heads, "heads")
    }
}

extension MultiHeadAttention: InferenceLowerable {
    /// Checks the heads against a `[time, embed]` input and a stored embedding size; counts `4·embed² + 4·embed`.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try limits.extent(configuration.heads, "heads")
        guard inputShape.count == 2 else { throw ArchitectureError("needs a [time, embed] input, got \(inputShape)") }
        let embed = inputShape[1]
        if let stored = configuration.embedSize, stored != embed {
            throw ArchitectureError("embedSize \(stored) does not match the input's last axis \(embed)")
        }
        guard embed % configuration.heads == 0 else {
            throw ArchitectureError("heads \(configuration.heads) do not divide the embedding size \(embed)")
        }
        try limits.activation([configuration.heads, inputShape[0], inputShape[0]], "attention weights")
        let parameters = try limits.parameters([4 * embed, embed + 1], bias: false)
        return ArchitectureStep(outputShape: inputShape, parameterCount: parameters)
    }

    /// `MultiHeadAttention(4 heads, causal)`.
    public var summaryLine: String {
        "MultiHeadAttention(\(configuration.heads) heads\(configuration.causal ? ", causal" : ""))"
    }

    /// Self-attention without a key-padding mask.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let inProjectionWeight, let inProjectionBias, let outProjectionWeight, let outProjectionBias else {
            throw .notBuilt
        }
        let weights = [inProjectionWeight, inProjectionBias, outProjectionWeight, outProjectionBias].map(\.value)
        let (heads, causal) = (configuration.heads, configuration.causal)
        operations.append(
            FunctionOperation("multi-head self-attention") {
                MultiHeadAttention.run($0, weights: weights, heads: heads, causal: causal, keyMask: nil).output
            })
    }
}
