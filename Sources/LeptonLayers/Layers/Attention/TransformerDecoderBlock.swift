import LeptonTensor

/// A decoder-only (GPT-style) Transformer block over `[batch, time, embed]`: causal multi-head self-attention and
/// a two-layer feed-forward network, each with a residual connection and layer normalisation. Each position sees
/// only itself and earlier positions, so the block suits next-token prediction.
///
/// Pre-norm (the default, as GPT-2 and nanoGPT): `x = x + drop(attention(norm1(x)))`, `y = x + drop(ff(norm2(x)))`.
/// Post-norm: `x = norm1(x + drop(attention(x)))`, `y = norm2(x + drop(ff(x)))`. The computation and parameter
/// layout are PyTorch's `TransformerEncoderLayer(batch_first=True)` called with a causal mask (`is_causal=True`);
/// the parameters live in ``block`` (`block.attention.inProjectionWeight` is `self_attn.in_proj_weight`, …).
/// Dropout acts in training only.
public final class TransformerDecoderBlock: Layer {
    /// Settings of a ``TransformerDecoderBlock``.
    public struct Configuration: Codable, Sendable, Hashable {
        /// The number of attention heads; it must divide the embedding size.
        public var heads: Int
        /// The width of the feed-forward hidden layer.
        public var feedForwardSize: Int
        /// The drop probability after attention, inside and after the feed-forward network.
        public var dropout: Float
        /// The feed-forward activation.
        public var activation: Activation
        /// Pre-norm (`true`) or post-norm.
        public var normFirst: Bool
        /// The layer-norm variance offset.
        public var epsilon: Float
        /// The embedding size, once known.
        public var embedSize: Int?

        /// The equivalent causal encoder-layer settings.
        var encoder: TransformerEncoderLayer.Configuration {
            .init(
                heads: heads, feedForwardSize: feedForwardSize, dropout: dropout, activation: activation,
                normFirst: normFirst, causal: true, epsilon: epsilon, embedSize: embedSize)
        }
    }

    /// The registered type name.
    public static let typeName = "TransformerDecoderBlock"
    /// The causal block that holds the parameters and does the computation.
    public let block: TransformerEncoderLayer

    /// The settings.
    public var configuration: Configuration {
        let encoder = block.configuration
        return Configuration(
            heads: encoder.heads, feedForwardSize: encoder.feedForwardSize, dropout: encoder.dropout,
            activation: encoder.activation, normFirst: encoder.normFirst, epsilon: encoder.epsilon,
            embedSize: encoder.embedSize)
    }

    /// Creates a decoder block.
    ///
    /// - Parameters:
    ///   - heads: Attention heads.
    ///   - feedForwardSize: The feed-forward hidden width (commonly 4 × the embedding size).
    ///   - dropout: The drop probability (default 0).
    ///   - activation: The feed-forward activation (default `.gelu`, as GPT-2).
    ///   - normFirst: Pre-norm (default) or post-norm.
    ///   - epsilon: The layer-norm variance offset.
    public convenience init(
        heads: Int, feedForwardSize: Int, dropout: Float = 0, activation: Activation = .gelu, normFirst: Bool = true,
        epsilon: Float = 1e-5
    ) {
        self.init(
            configuration: Configuration(
                heads: heads, feedForwardSize: feedForwardSize, dropout: dropout, activation: activation,
                normFirst: normFirst, epsilon: epsilon))
    }

    /// Creates an unbuilt block from settings.
    public init(configuration: Configuration) {
        block = TransformerEncoderLayer(configuration: configuration.encoder)
    }

    /// Whether the weights exist.
    public var isBuilt: Bool { block.isBuilt }

    /// Creates the weights for inputs `[time, embed]` (see ``TransformerEncoderLayer/build(inputShape:generator:)``).
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        block.build(inputShape: inputShape, generator: &generator)
    }

    /// The input shape.
    public func outputShape(for inputShape: Shape) -> Shape { inputShape }

    /// The block without a key-padding mask.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        block(input, keyMask: nil, context: context)
    }

    /// The block, with padded keys masked out of attention as well as future ones.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, embed]`.
    ///   - keyMask: `[batch, time]`, non-zero for real tokens (`nil`: all real).
    ///   - context: Training (dropout) and gradient recording.
    /// - Returns: `[batch, time, embed]`.
    public func callAsFunction(_ input: Tensor, keyMask: Tensor?, context: ForwardContext) -> Tensor {
        block(input, keyMask: keyMask, context: context)
    }
}

extension TransformerDecoderBlock {
    /// Checks the block's encoder-layer settings.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try TransformerEncoderLayer.checkSettings(configuration.encoder)
    }
}

extension TransformerDecoderBlock: InferenceLowerable {
    /// Checks the settings as a causal ``TransformerEncoderLayer``.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try TransformerEncoderLayer.checkArchitecture(configuration.encoder, inputShape: inputShape, limits: limits)
    }

    /// `TransformerDecoderBlock(4 heads, ff 512, gelu, pre-norm)`.
    public var summaryLine: String {
        let configuration = configuration
        return "TransformerDecoderBlock(\(configuration.heads) heads, ff \(configuration.feedForwardSize), "
            + "\(configuration.activation), \(configuration.normFirst ? "pre" : "post")-norm)"
    }

    /// The causal block without dropout.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        try block.lower(inputShape: inputShape, into: &operations)
    }
}
