import LeptonKernels
import LeptonTensor

/// A bidirectional recurrent layer: one ``LSTM`` or ``GRU`` reads the sequence forwards, another backwards, and
/// their outputs are joined on the feature axis (forward first), as PyTorch's `bidirectional=True`.
///
/// With ``Configuration/returnSequences`` the output is `[batch, time, 2·units]`; otherwise it is the two final
/// hidden states joined, `[batch, 2·units]` (PyTorch's `h_n[-2]` and `h_n[-1]`). With a mask
/// (``callAsFunction(_:mask:context:)``) of real steps forming a prefix of each row, the backward direction starts
/// at each sequence's last real step, and padded steps output zeros, as PyTorch's packed sequences.
public final class Bidirectional: Layer {
    /// The recurrent cell of both directions.
    public enum Cell: String, Codable, Sendable, Hashable {
        /// ``LSTM``.
        case lstm
        /// ``GRU``.
        case gru
    }

    /// Settings of a ``Bidirectional`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// The cell of both directions.
        public var cell: Cell
        /// The state size of each direction.
        public var units: Int
        /// Whether to return every step's output rather than the final states.
        public var returnSequences: Bool
        /// Input features per step, once known.
        public var inputSize: Int?
    }

    /// The registered type name.
    public static let typeName = "Bidirectional"
    /// The forward direction (an ``LSTM`` or a ``GRU``; its own `returnSequences` is unused).
    public let forward: any Layer
    /// The backward direction.
    public let backward: any Layer
    private let settings: Configuration

    /// Creates a bidirectional layer.
    ///
    /// - Parameters:
    ///   - cell: `.lstm` or `.gru`.
    ///   - units: The state size of each direction.
    ///   - returnSequences: Whether to return every step's output.
    public convenience init(_ cell: Cell, units: Int, returnSequences: Bool = false) {
        self.init(configuration: Configuration(cell: cell, units: units, returnSequences: returnSequences))
    }

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        precondition(configuration.units > 0, "Bidirectional: units must be positive, got \(configuration.units)")
        settings = configuration
        func make() -> any Layer {
            switch configuration.cell {
            case .lstm: return LSTM(units: configuration.units, returnSequences: configuration.returnSequences)
            case .gru: return GRU(units: configuration.units, returnSequences: configuration.returnSequences)
            }
        }
        forward = make()
        backward = make()
    }

    /// The settings.
    public var configuration: Configuration {
        var configuration = settings
        configuration.inputSize = (forward as? RecurrentLayer)?.configuration.inputSize
        return configuration
    }

    /// Whether the weights exist.
    public var isBuilt: Bool { forward.isBuilt && backward.isBuilt }

    /// Creates both directions' weights for inputs `[time, inputSize]` (forward first).
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        forward.build(inputShape: inputShape, generator: &generator)
        backward.build(inputShape: inputShape, generator: &generator)
    }

    /// `[time, 2·units]` with ``Configuration/returnSequences``, else `[2·units]`.
    public func outputShape(for inputShape: Shape) -> Shape {
        settings.returnSequences ? Shape([inputShape[0], 2 * settings.units]) : Shape([2 * settings.units])
    }

    /// Both directions over every step.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        callAsFunction(input, mask: nil, context: context)
    }

    /// Both directions over the real steps of each row.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, inputSize]`.
    ///   - mask: `[batch, time]`, non-zero for real steps (a prefix of each row); `nil`: every step.
    ///   - context: Gradient recording.
    /// - Returns: `[batch, time, 2·units]` or `[batch, 2·units]`.
    public func callAsFunction(_ input: Tensor, mask: Tensor?, context: ForwardContext) -> Tensor {
        buildIfNeeded(for: input)
        guard let weights = directionWeights(context.read) else { preconditionFailure("Bidirectional: not built") }
        return Self.run(
            input, forward: weights.forward, backward: weights.backward, cell: settings.cell,
            returnSequences: settings.returnSequences, mask: mask)
    }

    /// Each direction's `[W_ih, W_hh, b_ih, b_hh]`, read through `read`, or `nil` before building.
    private func directionWeights(_ read: (Parameter) -> Tensor) -> (forward: [Tensor], backward: [Tensor])? {
        guard let ahead = (forward as? RecurrentLayer)?.weights(read),
            let behind = (backward as? RecurrentLayer)?.weights(read)
        else { return nil }
        return (ahead, behind)
    }

    /// Both directions with their weights `[W_ih, W_hh, b_ih, b_hh]`.
    static func run(
        _ input: Tensor, forward: [Tensor], backward: [Tensor], cell: Cell, returnSequences: Bool, mask: Tensor?
    ) -> Tensor {
        let kind: RecurrentCell = cell == .lstm ? .lstm : .gru
        func direction(_ weights: [Tensor], reverse: Bool) -> Tensor {
            let result = RecurrentLayer.run(
                kind, input, weights: weights, hidden: nil, cell: nil, mask: mask, reverse: reverse,
                returnSequences: returnSequences, includeState: false)
            return result.output
        }
        let ahead = direction(forward, reverse: false)
        let behind = direction(backward, reverse: true)
        return Tensor.concatenate([ahead, behind], axis: returnSequences ? 2 : 1)
    }
}

extension Bidirectional: InferenceLowerable {
    /// Checks the settings as two recurrent layers; counts both directions.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        let one = try recurrentStep(
            units: configuration.units, gates: configuration.cell == .lstm ? 4 : 3, inputSize: configuration.inputSize,
            returnSequences: true, inputShape: inputShape, limits: limits)
        let width = try limits.extent(2 * configuration.units, "2·units")
        let output = configuration.returnSequences ? [inputShape[0], width] : [width]
        try limits.activation(output)
        let (total, overflow) = one.parameterCount.multipliedReportingOverflow(by: 2)
        guard !overflow, total <= limits.maximumParameterElements else {
            throw ArchitectureError("parameters exceed \(limits.maximumParameterElements)")
        }
        return ArchitectureStep(outputShape: output, parameterCount: total)
    }

    /// `Bidirectional(LSTM 64, sequences)`.
    public var summaryLine: String {
        "Bidirectional(\(settings.cell == .lstm ? "LSTM" : "GRU") \(settings.units)"
            + "\(settings.returnSequences ? ", sequences" : ""))"
    }

    /// Both directions over every step.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let weights = directionWeights(\.value) else { throw .notBuilt }
        let (cell, returnSequences) = (settings.cell, settings.returnSequences)
        operations.append(
            FunctionOperation("bidirectional recurrence") {
                Bidirectional.run(
                    $0, forward: weights.forward, backward: weights.backward, cell: cell,
                    returnSequences: returnSequences, mask: nil)
            })
    }
}

extension Bidirectional {
    /// Refuses a unit count below 1.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        guard configuration.units > 0 else {
            throw ArchitectureError("units must be positive, got \(configuration.units)")
        }
    }
}
