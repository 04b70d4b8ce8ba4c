import LeptonTensor

/// Marks the padding of token ids, so that a ``Sequential`` text model masks it out: the ids pass through
/// unchanged, and every mask-aware layer after this one (``PaddingMaskConsumer``: attention blocks, masked pooling)
/// receives the padding mask `[batch, time]` (1 for a real token, 0 where the id is ``Configuration/paddingID``).
///
/// The mask follows the sequence while the time axis does (outputs `[batch, time, …]`); a layer that removes it
/// (pooling, flatten) ends it. Put this layer first, before the ``Embedding``:
///
/// ```swift
/// let model = Sequential(inputShape: [64]) {
///     PaddingMask(paddingID: 0)
///     Embedding(vocabularySize: 5000, dimension: 64, paddingIndex: 0)
///     TransformerEncoderLayer(heads: 4, feedForwardSize: 128)
///     GlobalAveragePooling1D()   // the mean over the real tokens
///     Dense(units: 20)
/// }
/// let logits = model(tokens: ids, context: .inference)   // ids [batch, time ≤ 64], padded with 0
/// ```
public final class PaddingMask: Layer {
    /// Settings of a ``PaddingMask`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// The id that marks padding.
        public var paddingID: Int

        /// Settings.
        /// - Parameter paddingID: The id that marks padding.
        public init(paddingID: Int) { self.paddingID = paddingID }
    }

    /// The largest padding id (ids travel as `Float`s, exact up to 2²⁴).
    public static let maximumPaddingID = 1 << 24

    /// The registered type name.
    public static let typeName = "PaddingMask"
    /// The settings.
    public let configuration: Configuration

    /// Creates the layer.
    /// - Parameter paddingID: The id that marks padding (default 0).
    public convenience init(paddingID: Int = 0) {
        self.init(configuration: Configuration(paddingID: paddingID))
    }

    /// Creates the layer from settings.
    /// - Parameter configuration: The settings.
    public init(configuration: Configuration) {
        precondition(
            (0...Self.maximumPaddingID).contains(configuration.paddingID),
            "PaddingMask: paddingID \(configuration.paddingID) must be in 0...\(Self.maximumPaddingID)")
        self.configuration = configuration
    }

    /// The input shape.
    public func outputShape(for inputShape: Shape) -> Shape { inputShape }

    /// The ids, unchanged.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor { input }

    /// The padding mask of `ids`: 1 for a real token, 0 for padding, no gradient.
    /// - Parameter ids: Token ids `[batch, time]`.
    /// - Returns: `[batch, time]`.
    public func mask(for ids: Tensor) -> Tensor { Self.mask(ids, paddingID: configuration.paddingID) }

    static func mask(_ ids: Tensor, paddingID: Int) -> Tensor { 1 - (ids.detached .== Float(paddingID)) }

    /// `PaddingMask(0)`.
    public var summaryLine: String { "PaddingMask(\(configuration.paddingID))" }

    /// Ids are not probabilities: unknown.
    public var outputActivation: OutputActivation { .opaque }
}

extension PaddingMask: InferenceLowerable {
    /// Checks for a `[time]` input of ids and a padding id in `0...2²⁴`.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        guard inputShape.count == 1 else {
            throw ArchitectureError("needs a [time] input of token ids, got \(inputShape)")
        }
        guard (0...maximumPaddingID).contains(configuration.paddingID) else {
            throw ArchitectureError("paddingID \(configuration.paddingID) is outside 0...\(maximumPaddingID)")
        }
        return ArchitectureStep(outputShape: inputShape)
    }

    /// The mask source of the program.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        operations.append(PaddingMaskOperation(paddingID: configuration.paddingID))
    }
}

/// A layer that can use the padding mask of a ``PaddingMask`` earlier in a ``Sequential``.
public protocol PaddingMaskConsumer: Layer {
    /// The layer's output with padded steps masked.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, …]`.
    ///   - paddingMask: `[batch, time]`, 1 for a real step, 0 for padding.
    ///   - context: Training mode and gradient recording.
    /// - Returns: The output.
    func callAsFunction(_ input: Tensor, paddingMask: Tensor, context: ForwardContext) -> Tensor
}

/// The inference step of a ``PaddingMask``: passes the ids on; the program reads the mask from them.
package struct PaddingMaskOperation: InferenceOperation {
    /// The id that marks padding.
    package let paddingID: Int

    /// The ids, unchanged.
    package func apply(_ input: Tensor) -> Tensor { input }

    /// The padding mask of `ids`.
    package func mask(for ids: Tensor) -> Tensor { PaddingMask.mask(ids, paddingID: paddingID) }

    /// `padding mask (id 0)`.
    package var summary: String { "padding mask (id \(paddingID))" }
}

/// An inference operation that uses the padding mask when the program has one.
package struct MaskedFunctionOperation: InferenceOperation {
    /// The one-line account.
    package let summary: String
    private let body: @Sendable (Tensor, Tensor?) -> Tensor

    /// Creates the operation.
    ///
    /// - Parameters:
    ///   - summary: The one-line account.
    ///   - body: The function of the batch and its padding mask (`nil`: no padding).
    package init(_ summary: String, _ body: @escaping @Sendable (Tensor, Tensor?) -> Tensor) {
        self.summary = summary
        self.body = body
    }

    /// Applies the function without a mask.
    package func apply(_ input: Tensor) -> Tensor { body(input, nil) }

    /// Applies the function with the padding mask.
    package func apply(_ input: Tensor, paddingMask: Tensor?) -> Tensor { body(input, paddingMask) }
}

/// How a padding mask travels along a sequence of steps: it lasts while the outputs keep the batch and time axes
/// (`[batch, time, …]`, rank 3 or more).
enum PaddingMaskFlow {
    static func survives(_ mask: Tensor, after output: Tensor) -> Bool {
        output.rank >= 3 && output.shape[0] == mask.shape[0] && output.shape[1] == mask.shape[1]
    }
}
