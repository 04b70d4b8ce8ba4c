import LeptonTensor

/// The mean over the time axis of sequences `[batch, time, features]`, giving `[batch, features]`; with a mask
/// `[batch, time]` (1 for a real step, 0 for padding), the mean over the real steps only.
///
/// A sample whose every step is masked gives zeros (its sum over no steps), not NaN.
public final class GlobalAveragePooling1D: Layer {
    /// Settings of a ``GlobalAveragePooling1D`` layer (none).
    public struct Configuration: Codable, Sendable, Hashable {}

    /// The registered type name.
    public static let typeName = "GlobalAveragePooling1D"
    /// The settings.
    public let configuration = Configuration()

    /// Creates the layer.
    public init() {}

    /// Creates the layer from settings.
    public init(configuration: Configuration) {}

    /// `[features]`.
    public func outputShape(for inputShape: Shape) -> Shape { Shape([inputShape[inputShape.rank - 1]]) }

    /// The mean over time.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        callAsFunction(input, mask: nil, context: context)
    }

    /// The mean over the steps `mask` keeps.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, features]`.
    ///   - mask: `[batch, time]`, non-zero for real steps (`nil`: every step).
    ///   - context: Unused.
    /// - Returns: `[batch, features]`.
    public func callAsFunction(_ input: Tensor, mask: Tensor?, context: ForwardContext) -> Tensor {
        Self.pool(input, mask: mask)
    }

    /// The mean over the steps `mask` keeps (all when `nil`).
    static func pool(_ input: Tensor, mask: Tensor?) -> Tensor {
        precondition(
            input.rank == 3, "GlobalAveragePooling1D: input must be [batch, time, features], got \(input.shape)")
        guard let mask else { return input.mean(axes: [1]) }
        let (batch, time) = (input.shape[0], input.shape[1])
        precondition(
            mask.shape == Shape([batch, time]),
            "GlobalAveragePooling1D: mask must be [\(batch), \(time)], got \(mask.shape)")
        let keep = 1 - (mask.detached .== 0)
        let counts = Tensor.maximum(keep.sum(axes: [1]), Tensor(1)).reshaped(to: [batch, 1])
        return (input * keep.reshaped(to: [batch, time, 1])).sum(axes: [1]) / counts
    }
}

extension GlobalAveragePooling1D: InferenceLowerable {
    /// Checks for a `[time, features]` input.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        guard inputShape.count == 2 else {
            throw ArchitectureError("needs a [time, features] input, got \(inputShape)")
        }
        return ArchitectureStep(outputShape: [inputShape[1]])
    }

    /// Unknown: a mean of activated values is not itself an activation's output.
    public var outputActivation: OutputActivation { .opaque }

    /// The mean over time (over the real steps when the program has a padding mask).
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        operations.append(MaskedFunctionOperation("mean over time") { GlobalAveragePooling1D.pool($0, mask: $1) })
    }
}
