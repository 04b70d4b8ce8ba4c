import LeptonTensor

/// A long short-term memory layer over batch-first sequences `[batch, time, features]`, with PyTorch's gate
/// order (input, forget, cell, output) and its two bias vectors, so PyTorch weights load unchanged.
///
/// Per step: `gates = x_t W_ihᵀ + b_ih + h W_hhᵀ + b_hh`; `i, f, o = σ(·)`, `g = tanh(·)`; `c = f·c + i·g`;
/// `h = o·tanh(c)`. The input projection of all steps is one matrix product. The output is every step's `h`
/// (`[batch, time, units]`) when ``Configuration/returnSequences`` is set, else the last `h` (`[batch, units]`).
/// Stack layers in a ``Sequential`` (all but the last returning sequences). The initial state is zero unless
/// given to ``callAsFunction(_:initialState:context:)``, which also returns the final state.
public final class LSTM: Layer {
    /// Settings of an ``LSTM`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// The size of the hidden and cell state.
        public var units: Int
        /// Whether to return every step's hidden state rather than the last.
        public var returnSequences: Bool
        /// Input features per step, once known.
        public var inputSize: Int?
    }

    /// A hidden state and a cell state, each `[batch, units]`.
    public struct State {
        /// The hidden state `h`.
        public var hidden: Tensor
        /// The cell state `c`.
        public var cell: Tensor

        /// Creates a state.
        ///
        /// - Parameters:
        ///   - hidden: `h`, `[batch, units]`.
        ///   - cell: `c`, `[batch, units]`.
        public init(hidden: Tensor, cell: Tensor) {
            self.hidden = hidden
            self.cell = cell
        }
    }

    /// The registered type name.
    public static let typeName = "LSTM"
    /// The settings.
    public private(set) var configuration: Configuration
    /// `[4·units, inputSize]` (PyTorch's `weight_ih_l0`), once built.
    public private(set) var weightIH: Parameter?
    /// `[4·units, units]` (`weight_hh_l0`).
    public private(set) var weightHH: Parameter?
    /// `[4·units]` (`bias_ih_l0`).
    public private(set) var biasIH: Parameter?
    /// `[4·units]` (`bias_hh_l0`).
    public private(set) var biasHH: Parameter?

    /// Creates an LSTM layer.
    ///
    /// - Parameters:
    ///   - units: The state size.
    ///   - returnSequences: Whether to return every step's output.
    ///   - inputSize: Input features, to build immediately; otherwise inferred from the first input.
    ///   - seed: The seed for the initial weights when `inputSize` is given.
    public convenience init(units: Int, returnSequences: Bool = false, inputSize: Int? = nil, seed: UInt64 = 0) {
        self.init(configuration: Configuration(units: units, returnSequences: returnSequences, inputSize: inputSize))
        if let inputSize {
            var generator = RandomGenerator(seed: seed)
            build(inputShape: [1, inputSize], generator: &generator)
        }
    }

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        precondition(configuration.units > 0, "LSTM: units must be positive, got \(configuration.units)")
        self.configuration = configuration
    }

    /// Whether the weights exist.
    public var isBuilt: Bool { weightIH != nil }

    /// Creates the weights for inputs `[time, inputSize]`, uniform in ±1/√units as PyTorch.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        guard !isBuilt else { return }
        let inputSize = inputShape[inputShape.rank - 1]
        configuration.inputSize = inputSize
        let (units, bound) = (configuration.units, 1 / Float(configuration.units).squareRoot())
        weightIH = Parameter(Tensor.uniform([4 * units, inputSize], in: -bound...bound, using: &generator))
        weightHH = Parameter(Tensor.uniform([4 * units, units], in: -bound...bound, using: &generator))
        biasIH = Parameter(Tensor.uniform([4 * units], in: -bound...bound, using: &generator))
        biasHH = Parameter(Tensor.uniform([4 * units], in: -bound...bound, using: &generator))
    }

    /// `[time, units]` with ``Configuration/returnSequences``, else `[units]`.
    public func outputShape(for inputShape: Shape) -> Shape {
        configuration.returnSequences ? Shape([inputShape[0], configuration.units]) : Shape([configuration.units])
    }

    /// Runs the sequence from a zero state.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        callAsFunction(input, initialState: nil, context: context).output
    }

    /// Runs the sequence from `initialState` (zero when `nil`).
    ///
    /// - Parameters:
    ///   - input: `[batch, time, inputSize]`.
    ///   - initialState: `h₀` and `c₀`, each `[batch, units]`.
    ///   - context: Gradient recording.
    /// - Returns: The output and the final state.
    public func callAsFunction(_ input: Tensor, initialState: State?, context: ForwardContext) -> (
        output: Tensor, state: State
    ) {
        buildIfNeeded(for: input)
        guard let weightIH, let weightHH, let biasIH, let biasHH else { preconditionFailure("LSTM: not built") }
        return Self.run(
            input, weights: [weightIH, weightHH, biasIH, biasHH].map(context.read), initialState: initialState,
            returnSequences: configuration.returnSequences)
    }

    /// Runs variable-length sequences: padded steps carry the state unchanged and output zeros, so the final
    /// state (and the output without ``Configuration/returnSequences``) is each sequence's state after its last
    /// real step, as PyTorch's packed sequences.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, inputSize]`.
    ///   - mask: `[batch, time]`, non-zero for real steps.
    ///   - initialState: `h₀` and `c₀`, each `[batch, units]` (zero when `nil`).
    ///   - reverse: Run from the last step to the first (the backward half of ``Bidirectional``).
    ///   - context: Gradient recording.
    /// - Returns: The output and the final state.
    public func callAsFunction(
        _ input: Tensor, mask: Tensor?, initialState: State? = nil, reverse: Bool = false, context: ForwardContext
    ) -> (output: Tensor, state: State) {
        buildIfNeeded(for: input)
        guard let weightIH, let weightHH, let biasIH, let biasHH else { preconditionFailure("LSTM: not built") }
        return Self.run(
            input, weights: [weightIH, weightHH, biasIH, biasHH].map(context.read), initialState: initialState,
            returnSequences: configuration.returnSequences, mask: mask, reverse: reverse)
    }

    /// The recurrence with weights `[W_ih, W_hh, b_ih, b_hh]`; masked steps carry the state and output zeros.
    static func run(
        _ input: Tensor, weights: [Tensor], initialState: State?, returnSequences: Bool, mask: Tensor? = nil,
        reverse: Bool = false
    ) -> (output: Tensor, state: State) {
        precondition(input.rank == 3, "LSTM: input must be [batch, time, features], got \(input.shape)")
        let (batch, time, features) = (input.shape[0], input.shape[1], input.shape[2])
        let units = weights[1].shape[1]
        precondition(features == weights[0].shape[1], "LSTM: expected \(weights[0].shape[1]) features, got \(features)")
        precondition(time > 0, "LSTM: the sequence is empty")
        var hidden = initialState?.hidden ?? Tensor.zeros([batch, units])
        var cell = initialState?.cell ?? Tensor.zeros([batch, units])
        precondition(
            hidden.shape == Shape([batch, units]) && cell.shape == Shape([batch, units]),
            "LSTM: initial state must be [\(batch), \(units)], got \(hidden.shape) and \(cell.shape)")
        let projected =
            (matmul(input.reshaped(to: [batch * time, features]), weights[0], transposeB: true)
            + (weights[2] + weights[3])).reshaped(to: [batch, time, 4 * units])
        let keep = recurrentKeepMask(mask, batch: batch, time: time, layer: "LSTM")
        var outputs = [Tensor?](repeating: nil, count: returnSequences ? time : 0)
        for step in reverse ? Array((0..<time).reversed()) : Array(0..<time) {
            let gates =
                projected.slice(axis: 1, step..<(step + 1)).reshaped(to: [batch, 4 * units])
                + matmul(hidden, weights[1], transposeB: true)
            let parts = gates.split(sizes: [units, units, units, units], axis: 1)
            let newCell = parts[1].sigmoid() * cell + parts[0].sigmoid() * parts[2].tanh()
            let newHidden = parts[3].sigmoid() * newCell.tanh()
            if let keep {
                let real = keep.slice(axis: 1, step..<(step + 1))
                cell = cell + real * (newCell - cell)
                hidden = hidden + real * (newHidden - hidden)
                if returnSequences { outputs[step] = newHidden * real }
            } else {
                (cell, hidden) = (newCell, newHidden)
                if returnSequences { outputs[step] = hidden }
            }
        }
        let output = returnSequences ? Tensor.stack(outputs.map { $0! }, axis: 1) : hidden
        return (output, State(hidden: hidden, cell: cell))
    }
}

extension LSTM: InferenceLowerable {
    /// Checks `units`, a `[time, features]` input and a stored `inputSize`; counts `4·units·(inputSize + units + 2)`.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try recurrentStep(
            units: configuration.units, gates: 4, inputSize: configuration.inputSize,
            returnSequences: configuration.returnSequences, inputShape: inputShape, limits: limits)
    }

    /// `LSTM(64, sequences)`.
    public var summaryLine: String {
        "LSTM(\(configuration.units)\(configuration.returnSequences ? ", sequences" : ""))"
    }

    /// The recurrence from a zero state.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let weightIH, let weightHH, let biasIH, let biasHH else { throw .notBuilt }
        let weights = [weightIH, weightHH, biasIH, biasHH].map(\.value)
        let returnSequences = configuration.returnSequences
        operations.append(
            FunctionOperation("LSTM recurrence") {
                LSTM.run($0, weights: weights, initialState: nil, returnSequences: returnSequences).output
            })
    }
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
