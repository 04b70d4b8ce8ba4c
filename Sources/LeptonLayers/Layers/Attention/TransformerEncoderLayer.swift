import LeptonTensor

/// A Transformer encoder block over `[batch, time, embed]`: multi-head self-attention and a two-layer
/// feed-forward network, each with a residual connection and layer normalisation, as PyTorch's
/// `TransformerEncoderLayer` (whose parameters map one to one: `linear1.weight` is ``feedForwardInWeight`` in the
/// same `[feedForward, embed]` layout, `norm1.weight` is ``norm1Scale``, …).
///
/// Post-norm (PyTorch's default): `x = norm1(x + drop(attention(x)))`, `y = norm2(x + drop(ff(x)))`.
/// Pre-norm (``Configuration/normFirst``): `x = x + drop(attention(norm1(x)))`, `y = x + drop(ff(norm2(x)))`.
/// `ff(x) = W₂ drop(activation(W₁ x + b₁)) + b₂`. With ``Configuration/causal`` the block is a decoder-only
/// (GPT-style) block. Dropout acts in training only; unlike PyTorch, the attention weights themselves are not
/// dropped.
public final class TransformerEncoderLayer: Layer {
    /// Settings of a ``TransformerEncoderLayer``.
    public struct Configuration: Codable, Sendable, Hashable {
        /// The number of attention heads.
        public var heads: Int
        /// The width of the feed-forward hidden layer.
        public var feedForwardSize: Int
        /// The drop probability after attention, inside and after the feed-forward network.
        public var dropout: Float
        /// The feed-forward activation (`.relu` or `.gelu` as PyTorch; any ``Activation`` works).
        public var activation: Activation
        /// Pre-norm instead of post-norm.
        public var normFirst: Bool
        /// Whether attention is causal (a decoder-only block).
        public var causal: Bool
        /// The layer-norm variance offset (PyTorch's 1e-5 by default).
        public var epsilon: Float
        /// The embedding size, once known.
        public var embedSize: Int?
    }

    /// The registered type name.
    public static let typeName = "TransformerEncoderLayer"
    /// The settings.
    public private(set) var configuration: Configuration
    /// The self-attention.
    public let attention: MultiHeadAttention
    /// `[feedForward, embed]` (`linear1.weight`), once built.
    public private(set) var feedForwardInWeight: Parameter?
    /// `[feedForward]` (`linear1.bias`).
    public private(set) var feedForwardInBias: Parameter?
    /// `[embed, feedForward]` (`linear2.weight`).
    public private(set) var feedForwardOutWeight: Parameter?
    /// `[embed]` (`linear2.bias`).
    public private(set) var feedForwardOutBias: Parameter?
    /// `[embed]` (`norm1.weight`).
    public private(set) var norm1Scale: Parameter?
    /// `[embed]` (`norm1.bias`).
    public private(set) var norm1Offset: Parameter?
    /// `[embed]` (`norm2.weight`).
    public private(set) var norm2Scale: Parameter?
    /// `[embed]` (`norm2.bias`).
    public private(set) var norm2Offset: Parameter?

    /// Creates an encoder block.
    ///
    /// - Parameters:
    ///   - heads: Attention heads.
    ///   - feedForwardSize: The feed-forward hidden width.
    ///   - dropout: The drop probability (default 0.1, as PyTorch).
    ///   - activation: `.relu` (default) or `.gelu`.
    ///   - normFirst: Pre-norm instead of post-norm.
    ///   - causal: Causal attention (a decoder-only block).
    ///   - epsilon: The layer-norm variance offset.
    public convenience init(
        heads: Int, feedForwardSize: Int, dropout: Float = 0.1, activation: Activation = .relu,
        normFirst: Bool = false, causal: Bool = false, epsilon: Float = 1e-5
    ) {
        self.init(
            configuration: Configuration(
                heads: heads, feedForwardSize: feedForwardSize, dropout: dropout, activation: activation,
                normFirst: normFirst, causal: causal, epsilon: epsilon))
    }

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        precondition(
            configuration.heads > 0 && configuration.feedForwardSize > 0,
            "TransformerEncoderLayer: heads and feedForwardSize must be positive")
        precondition(
            configuration.dropout >= 0 && configuration.dropout < 1, "TransformerEncoderLayer: dropout outside [0, 1)")
        self.configuration = configuration
        attention = MultiHeadAttention(
            configuration: .init(heads: configuration.heads, causal: configuration.causal, embedSize: nil))
    }

    /// Whether the weights exist.
    public var isBuilt: Bool { feedForwardInWeight != nil }

    /// Creates the weights for inputs `[time, embed]`: PyTorch's Linear initialisation (uniform ±1/√fanIn) for
    /// the feed-forward network, ones and zeros for the norms.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        guard !isBuilt else { return }
        let embed = inputShape[inputShape.rank - 1]
        let hidden = configuration.feedForwardSize
        configuration.embedSize = embed
        attention.build(inputShape: inputShape, generator: &generator)
        func uniform(_ shape: Shape, fanIn: Int) -> Parameter {
            let bound = 1 / Float(fanIn).squareRoot()
            return Parameter(Tensor.uniform(shape, in: -bound...bound, using: &generator))
        }
        feedForwardInWeight = uniform([hidden, embed], fanIn: embed)
        feedForwardInBias = uniform([hidden], fanIn: embed)
        feedForwardOutWeight = uniform([embed, hidden], fanIn: hidden)
        feedForwardOutBias = uniform([embed], fanIn: hidden)
        norm1Scale = Parameter(Tensor.ones([embed]))
        norm1Offset = Parameter(Tensor.zeros([embed]))
        norm2Scale = Parameter(Tensor.ones([embed]))
        norm2Offset = Parameter(Tensor.zeros([embed]))
    }

    /// The input shape.
    public func outputShape(for inputShape: Shape) -> Shape { inputShape }

    /// The block without a key-padding mask.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        callAsFunction(input, keyMask: nil, context: context)
    }

    /// The block, with padded keys masked out of attention.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, embed]`.
    ///   - keyMask: `[batch, time]`, non-zero for real tokens (`nil`: all real).
    ///   - context: Training (dropout) and gradient recording.
    /// - Returns: `[batch, time, embed]`.
    public func callAsFunction(_ input: Tensor, keyMask: Tensor?, context: ForwardContext) -> Tensor {
        buildIfNeeded(for: input)
        guard let weights = parameters?.map(context.read) else {
            preconditionFailure("TransformerEncoderLayer: not built")
        }
        return Self.run(input, weights: weights, configuration: configuration, keyMask: keyMask, context: context)
    }

    /// Every parameter in the order ``run(_:weights:configuration:keyMask:context:)`` takes them.
    private var parameters: [Parameter]? {
        guard let inW = attention.inProjectionWeight, let inB = attention.inProjectionBias,
            let outW = attention.outProjectionWeight, let outB = attention.outProjectionBias,
            let w1 = feedForwardInWeight, let b1 = feedForwardInBias, let w2 = feedForwardOutWeight,
            let b2 = feedForwardOutBias, let g1 = norm1Scale, let o1 = norm1Offset, let g2 = norm2Scale,
            let o2 = norm2Offset
        else { return nil }
        return [inW, inB, outW, outB, w1, b1, w2, b2, g1, o1, g2, o2]
    }

    /// The block with weights `[attention ×4, W₁, b₁, W₂, b₂, γ₁, β₁, γ₂, β₂]`; dropout only with a training
    /// `context`.
    static func run(
        _ input: Tensor, weights w: [Tensor], configuration: Configuration, keyMask: Tensor?, context: ForwardContext?
    ) -> Tensor {
        let rate = configuration.dropout
        func drop(_ x: Tensor) -> Tensor {
            guard let context, context.isTraining, rate > 0 else { return x }
            return dropout(x, rate: rate, using: &context.generator)
        }
        func norm(_ x: Tensor, _ scale: Tensor, _ offset: Tensor) -> Tensor {
            x.layerNormalized(scale: scale, offset: offset, epsilon: configuration.epsilon)
        }
        func attend(_ x: Tensor) -> Tensor {
            drop(
                MultiHeadAttention.run(
                    x, weights: Array(w[0..<4]), heads: configuration.heads, causal: configuration.causal,
                    keyMask: keyMask
                ).output)
        }
        func feedForward(_ x: Tensor) -> Tensor {
            let hidden = configuration.activation.apply(matmul(x, w[4], transposeB: true) + w[5])
            return drop(matmul(drop(hidden), w[6], transposeB: true) + w[7])
        }
        if configuration.normFirst {
            let x = input + attend(norm(input, w[8], w[9]))
            return x + feedForward(norm(x, w[10], w[11]))
        }
        let x = norm(input + attend(input), w[8], w[9])
        return norm(x + feedForward(x), w[10], w[11])
    }
}

extension TransformerEncoderLayer {
    /// Refuses head and feed-forward sizes below 1 and a dropout rate outside [0, 1) (NaN included).
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        guard configuration.heads > 0, configuration.feedForwardSize > 0 else {
            throw ArchitectureError(
                "heads and feedForwardSize must be positive, got \(configuration.heads) and "
                    + "\(configuration.feedForwardSize)")
        }
        guard configuration.dropout >= 0, configuration.dropout < 1 else {
            throw ArchitectureError("dropout must be in [0, 1), got \(configuration.dropout)")
        }
    }
}

extension TransformerEncoderLayer: InferenceLowerable {
    /// Checks the sizes against a `[time, embed]` input; counts the attention, feed-forward and norm parameters.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        guard configuration.dropout >= 0 && configuration.dropout < 1 else {
            throw ArchitectureError("dropout \(configuration.dropout) is outside [0, 1)")
        }
        guard configuration.epsilon.isFinite, configuration.epsilon >= 0 else {
            throw ArchitectureError("epsilon \(configuration.epsilon) must be finite and >= 0")
        }
        try configuration.activation.checkArchitecture()
        let hidden = try limits.extent(configuration.feedForwardSize, "feedForwardSize")
        let attention = try MultiHeadAttention.checkArchitecture(
            .init(heads: configuration.heads, causal: configuration.causal, embedSize: configuration.embedSize),
            inputShape: inputShape, limits: limits)
        try limits.activation([inputShape[0], hidden], "feed-forward activations")
        let embed = inputShape[1]
        let feedForward = try limits.parameters([2 * hidden + 5, embed], bias: false) + hidden
        let (total, overflow) = attention.parameterCount.addingReportingOverflow(feedForward)
        guard !overflow, total <= limits.maximumParameterElements else {
            throw ArchitectureError("parameters exceed \(limits.maximumParameterElements)")
        }
        return ArchitectureStep(outputShape: inputShape, parameterCount: total)
    }

    /// `TransformerEncoderLayer(4 heads, ff 512, relu, post-norm)`.
    public var summaryLine: String {
        "TransformerEncoderLayer(\(configuration.heads) heads, ff \(configuration.feedForwardSize), "
            + "\(configuration.activation), \(configuration.normFirst ? "pre" : "post")-norm"
            + "\(configuration.causal ? ", causal" : ""))"
    }

    /// The block without dropout; padded keys masked out when the program has a padding mask.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let weights = parameters?.map(\.value) else { throw .notBuilt }
        let configuration = configuration
        operations.append(
            MaskedFunctionOperation("Transformer encoder block") {
                TransformerEncoderLayer.run(
                    $0, weights: weights, configuration: configuration, keyMask: $1, context: nil)
            })
    }
}
