import LeptonKernels
import LeptonTensor

/// Settings of a recurrent layer, ``LSTM`` or ``GRU``.
public struct RecurrentConfiguration: Codable, Sendable, Hashable {
    /// The size of the hidden (and LSTM cell) state.
    public var units: Int
    /// Whether to return every step's hidden state rather than the last.
    public var returnSequences: Bool
    /// Input features per step, once known.
    public var inputSize: Int?
}

/// What ``LSTM`` and ``GRU`` share: the settings, the four weights in PyTorch's layout (so PyTorch weights load
/// unchanged under the same names), building, shapes, and the recurrence itself, run over the whole sequence as
/// one differentiable operation with fused kernels (one GEMM for the input projection of every step, one
/// recurrent GEMM and one fused gate pass per step, and a hand-written backward pass through time).
///
/// Use it through ``LSTM`` or ``GRU``; it is not meant to be created on its own.
public class RecurrentLayer {
    let cell: RecurrentCell
    /// The settings.
    public private(set) var configuration: RecurrentConfiguration
    /// `[gates·units, inputSize]` (PyTorch's `weight_ih_l0`; 4 gates for an LSTM, 3 for a GRU), once built.
    public private(set) var weightIH: Parameter?
    /// `[gates·units, units]` (`weight_hh_l0`).
    public private(set) var weightHH: Parameter?
    /// `[gates·units]` (`bias_ih_l0`).
    public private(set) var biasIH: Parameter?
    /// `[gates·units]` (`bias_hh_l0`).
    public private(set) var biasHH: Parameter?

    init(cell: RecurrentCell, configuration: RecurrentConfiguration) {
        precondition(configuration.units > 0, "\(cell.name): units must be positive, got \(configuration.units)")
        self.cell = cell
        self.configuration = configuration
    }

    /// Whether the weights exist.
    public var isBuilt: Bool { weightIH != nil }

    /// Creates the weights for inputs `[time, inputSize]`, uniform in ±1/√units as PyTorch.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        guard !isBuilt else { return }
        let inputSize = inputShape[inputShape.rank - 1]
        configuration.inputSize = inputSize
        let (width, units) = (cell.gateCount * configuration.units, configuration.units)
        let bound = 1 / Float(units).squareRoot()
        weightIH = Parameter(Tensor.uniform([width, inputSize], in: -bound...bound, using: &generator))
        weightHH = Parameter(Tensor.uniform([width, units], in: -bound...bound, using: &generator))
        biasIH = Parameter(Tensor.uniform([width], in: -bound...bound, using: &generator))
        biasHH = Parameter(Tensor.uniform([width], in: -bound...bound, using: &generator))
    }

    /// `[time, units]` with ``RecurrentConfiguration/returnSequences``, else `[units]`.
    public func outputShape(for inputShape: Shape) -> Shape {
        configuration.returnSequences ? Shape([inputShape[0], configuration.units]) : Shape([configuration.units])
    }

    /// Runs the sequence `[batch, time, inputSize]` from a zero state: every step's output or the last one.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        recur(input, mask: nil, hidden: nil, cell: nil, reverse: false, includeState: false, context: context).output
    }

    /// Refuses a unit count below 1.
    public static func checkSettings(_ configuration: RecurrentConfiguration) throws(ArchitectureError) {
        guard configuration.units > 0 else {
            throw ArchitectureError("units must be positive, got \(configuration.units)")
        }
    }

    /// `LSTM(64, sequences)`, `GRU(32)`.
    public var summaryLine: String {
        "\(cell.name)(\(configuration.units)\(configuration.returnSequences ? ", sequences" : ""))"
    }

    /// The architecture check for `gates` gate blocks; counts `gates·units·(inputSize + units + 2)` parameters.
    static func architectureStep(
        _ configuration: RecurrentConfiguration, gates: Int, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try recurrentStep(
            units: configuration.units, gates: gates, inputSize: configuration.inputSize,
            returnSequences: configuration.returnSequences, inputShape: inputShape, limits: limits)
    }

    /// `[W_ih, W_hh, b_ih, b_hh]` read through `read`, or `nil` before building.
    func weights(_ read: (Parameter) -> Tensor) -> [Tensor]? {
        guard let weightIH, let weightHH, let biasIH, let biasHH else { return nil }
        return [weightIH, weightHH, biasIH, biasHH].map(read)
    }

    /// Builds on first use, then runs the sequence with this layer's weights.
    func recur(
        _ input: Tensor, mask: Tensor?, hidden: Tensor?, cell state: Tensor?, reverse: Bool, includeState: Bool,
        context: ForwardContext
    ) -> (output: Tensor, hidden: Tensor?, cell: Tensor?) {
        if !isBuilt, let layer = self as? any Layer { layer.buildIfNeeded(for: input) }
        guard let weights = weights(context.read) else { preconditionFailure("\(cell.name): not built") }
        return Self.run(
            cell, input, weights: weights, hidden: hidden, cell: state, mask: mask, reverse: reverse,
            returnSequences: configuration.returnSequences, includeState: includeState)
    }

    /// The recurrence with weights `[W_ih, W_hh, b_ih, b_hh]`: masked steps carry the state and output zeros.
    ///
    /// - Returns: The output, and the final states when `includeState` (the cell state for an LSTM only).
    static func run(
        _ cell: RecurrentCell, _ input: Tensor, weights: [Tensor], hidden: Tensor?, cell state: Tensor?,
        mask: Tensor?, reverse: Bool, returnSequences: Bool, includeState: Bool
    ) -> (output: Tensor, hidden: Tensor?, cell: Tensor?) {
        precondition(input.rank == 3, "\(cell.name): input must be [batch, time, features], got \(input.shape)")
        let (batch, time, units) = (input.shape[0], input.shape[1], weights[1].shape[1])
        let keep = recurrentKeepMask(mask, batch: batch, time: time, layer: cell.name)
        let packed = Tensor.recurrentSequence(
            cell, input: input, weights: weights, initialHidden: hidden, initialCell: state, keep: keep,
            reverse: reverse, returnSequences: returnSequences, includeState: includeState)
        let slots = RecurrentSlots(cell, time: time, returnSequences: returnSequences, includeState: includeState)
        func slot(_ index: Int?) -> Tensor? {
            guard let index else { return nil }
            return slots.count == 1
                ? packed.reshaped(to: [batch, units])
                : packed.slice(axis: 1, index..<(index + 1))
                    .reshaped(to: [batch, units])
        }
        let output =
            returnSequences ? (slots.count == time ? packed : packed.slice(axis: 1, 0..<time)) : slot(slots.hidden)
        guard let output else { preconditionFailure("\(cell.name): no output slot") }
        return (output, slot(slots.hidden), slot(slots.cell))
    }
}

extension RecurrentLayer: InferenceLowerable {
    /// The fused recurrence from a zero state.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let weights = weights(\.value) else { throw .notBuilt }
        let (cell, returnSequences) = (cell, configuration.returnSequences)
        operations.append(
            FunctionOperation("\(cell.name) recurrence") {
                RecurrentLayer.run(
                    cell, $0, weights: weights, hidden: nil, cell: nil, mask: nil, reverse: false,
                    returnSequences: returnSequences, includeState: false
                ).output
            })
    }
}

/// ``LSTM`` and ``GRU`` with the state each carries from step to step, so that creating them and running them from
/// a given state or over padded sequences is written once.
public protocol RecurrentStateLayer: Layer where Configuration == RecurrentConfiguration {
    /// The state: ``LSTM/State`` (hidden and cell) or the hidden-state tensor of a ``GRU``.
    associatedtype State

    /// The state made of a hidden state and, for an LSTM, a cell state (each `[batch, units]`).
    static func state(hidden: Tensor, cell: Tensor?) -> State

    /// The hidden state and, for an LSTM, the cell state of `state`.
    static func tensors(of state: State) -> (hidden: Tensor, cell: Tensor?)
}

extension RecurrentStateLayer where Self: RecurrentLayer {
    /// Creates a recurrent layer.
    ///
    /// - Parameters:
    ///   - units: The state size.
    ///   - returnSequences: Whether to return every step's output.
    ///   - inputSize: Input features, to build immediately; otherwise inferred from the first input.
    ///   - seed: The seed for the initial weights when `inputSize` is given.
    public init(units: Int, returnSequences: Bool = false, inputSize: Int? = nil, seed: UInt64 = 0) {
        self.init(
            configuration: RecurrentConfiguration(units: units, returnSequences: returnSequences, inputSize: inputSize))
        if let inputSize {
            var generator = RandomGenerator(seed: seed)
            build(inputShape: [1, inputSize], generator: &generator)
        }
    }

    /// Runs the sequence from `initialState` (zero when `nil`).
    ///
    /// - Parameters:
    ///   - input: `[batch, time, inputSize]`.
    ///   - initialState: The state before the first step, each tensor `[batch, units]`.
    ///   - context: Gradient recording.
    /// - Returns: The output and the final state.
    public func callAsFunction(_ input: Tensor, initialState: State?, context: ForwardContext) -> (
        output: Tensor, state: State
    ) {
        callAsFunction(input, mask: nil, initialState: initialState, context: context)
    }

    /// Runs variable-length sequences: padded steps carry the state unchanged and output zeros, so the final
    /// state (and the output without ``RecurrentConfiguration/returnSequences``) is each sequence's state after its
    /// last real step, as PyTorch's packed sequences.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, inputSize]`.
    ///   - mask: `[batch, time]`, non-zero for real steps.
    ///   - initialState: The state before the first step, each tensor `[batch, units]` (zero when `nil`).
    ///   - reverse: Run from the last step to the first (the backward half of ``Bidirectional``).
    ///   - context: Gradient recording.
    /// - Returns: The output and the final state.
    public func callAsFunction(
        _ input: Tensor, mask: Tensor?, initialState: State? = nil, reverse: Bool = false, context: ForwardContext
    ) -> (output: Tensor, state: State) {
        let initial = initialState.map(Self.tensors(of:))
        let result = recur(
            input, mask: mask, hidden: initial?.hidden, cell: initial?.cell, reverse: reverse, includeState: true,
            context: context)
        guard let hidden = result.hidden else { preconditionFailure("\(Self.typeName): no final state") }
        return (result.output, Self.state(hidden: hidden, cell: result.cell))
    }
}

extension RecurrentCell {
    /// `LSTM` or `GRU`, for messages and summaries.
    var name: String { self == .lstm ? "LSTM" : "GRU" }
}

/// A recurrent layer's mask as 0/1 `[batch, time]` floats without gradient, or `nil` for no mask.
func recurrentKeepMask(_ mask: Tensor?, batch: Int, time: Int, layer: String) -> Tensor? {
    guard let mask else { return nil }
    precondition(
        mask.shape == Shape([batch, time]), "\(layer): mask must be [\(batch), \(time)], got \(mask.shape)")
    return 1 - (mask.detached .== 0)
}

/// The architecture check shared by the recurrent layers: `gates · units · (inputSize + units + 2)` parameters.
func recurrentStep(
    units: Int, gates: Int, inputSize: Int?, returnSequences: Bool, inputShape: [Int], limits: ArchitectureLimits
) throws(ArchitectureError) -> ArchitectureStep {
    try limits.extent(units, "units")
    guard inputShape.count == 2 else { throw ArchitectureError("needs a [time, features] input, got \(inputShape)") }
    if let stored = inputSize, stored != inputShape[1] {
        throw ArchitectureError("inputSize \(stored) does not match the input's last axis \(inputShape[1])")
    }
    let output = returnSequences ? [inputShape[0], units] : [units]
    try limits.activation(output)
    let width = try limits.product([gates, units], limit: limits.maximumParameterElements, "parameters")
    let depth = try limits.extent(inputShape[1], "features") + units + 2
    let parameters = try limits.parameters([width, depth], bias: false)
    return ArchitectureStep(outputShape: output, parameterCount: parameters)
}
