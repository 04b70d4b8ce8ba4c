import LeptonTensor

/// A gated recurrent unit layer over batch-first sequences `[batch, time, features]`, with PyTorch's gate order
/// (reset, update, new) and its two bias vectors, so PyTorch weights load unchanged.
///
/// Per step, with `a = x_t W_ihᵀ + b_ih` and `b = h W_hhᵀ + b_hh` split into thirds:
/// `r = σ(a_r + b_r)`, `z = σ(a_z + b_z)`, `n = tanh(a_n + r·b_n)`, `h = (1 − z)·n + z·h`. The input projection of
/// all steps is one matrix product. The output is every step's `h` (`[batch, time, units]`) when
/// ``Configuration/returnSequences`` is set, else the last `h` (`[batch, units]`). Stack layers in a
/// ``Sequential``. The initial state is zero unless given to ``callAsFunction(_:initialState:context:)``, which
/// also returns the final state.
public final class GRU: Layer {
    /// Settings of a ``GRU`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// The size of the hidden state.
        public var units: Int
        /// Whether to return every step's hidden state rather than the last.
        public var returnSequences: Bool
        /// Input features per step, once known.
        public var inputSize: Int?
    }

    /// The registered type name.
    public static let typeName = "GRU"
    /// The settings.
    public private(set) var configuration: Configuration
    /// `[3·units, inputSize]` (PyTorch's `weight_ih_l0`), once built.
    public private(set) var weightIH: Parameter?
    /// `[3·units, units]` (`weight_hh_l0`).
    public private(set) var weightHH: Parameter?
    /// `[3·units]` (`bias_ih_l0`).
    public private(set) var biasIH: Parameter?
    /// `[3·units]` (`bias_hh_l0`).
    public private(set) var biasHH: Parameter?

    /// Creates a GRU layer.
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
        precondition(configuration.units > 0, "GRU: units must be positive, got \(configuration.units)")
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
        weightIH = Parameter(Tensor.uniform([3 * units, inputSize], in: -bound...bound, using: &generator))
        weightHH = Parameter(Tensor.uniform([3 * units, units], in: -bound...bound, using: &generator))
        biasIH = Parameter(Tensor.uniform([3 * units], in: -bound...bound, using: &generator))
        biasHH = Parameter(Tensor.uniform([3 * units], in: -bound...bound, using: &generator))
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
    ///   - initialState: `h₀`, `[batch, units]`.
    ///   - context: Gradient recording.
    /// - Returns: The output and the final hidden state.
    public func callAsFunction(_ input: Tensor, initialState: Tensor?, context: ForwardContext) -> (
        output: Tensor, state: Tensor
    ) {
        buildIfNeeded(for: input)
        guard let weightIH, let weightHH, let biasIH, let biasHH else { preconditionFailure("GRU: not built") }
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
    ///   - initialState: `h₀`, `[batch, units]` (zero when `nil`).
    ///   - reverse: Run from the last step to the first (the backward half of ``Bidirectional``).
    ///   - context: Gradient recording.
    /// - Returns: The output and the final hidden state.
    public func callAsFunction(
        _ input: Tensor, mask: Tensor?, initialState: Tensor? = nil, reverse: Bool = false, context: ForwardContext
    ) -> (output: Tensor, state: Tensor) {
        buildIfNeeded(for: input)
        guard let weightIH, let weightHH, let biasIH, let biasHH else { preconditionFailure("GRU: not built") }
        return Self.run(
            input, weights: [weightIH, weightHH, biasIH, biasHH].map(context.read), initialState: initialState,
            returnSequences: configuration.returnSequences, mask: mask, reverse: reverse)
    }

    /// The recurrence with weights `[W_ih, W_hh, b_ih, b_hh]`; masked steps carry the state and output zeros.
    static func run(
        _ input: Tensor, weights: [Tensor], initialState: Tensor?, returnSequences: Bool, mask: Tensor? = nil,
        reverse: Bool = false
    ) -> (output: Tensor, state: Tensor) {
        precondition(input.rank == 3, "GRU: input must be [batch, time, features], got \(input.shape)")
        let (batch, time, features) = (input.shape[0], input.shape[1], input.shape[2])
        let units = weights[1].shape[1]
        precondition(features == weights[0].shape[1], "GRU: expected \(weights[0].shape[1]) features, got \(features)")
        precondition(time > 0, "GRU: the sequence is empty")
        var hidden = initialState ?? Tensor.zeros([batch, units])
        precondition(
            hidden.shape == Shape([batch, units]),
            "GRU: initial state must be [\(batch), \(units)], got \(hidden.shape)")
        let projected =
            (matmul(input.reshaped(to: [batch * time, features]), weights[0], transposeB: true)
            + weights[2]).reshaped(to: [batch, time, 3 * units])
        let keep = recurrentKeepMask(mask, batch: batch, time: time, layer: "GRU")
        var outputs = [Tensor?](repeating: nil, count: returnSequences ? time : 0)
        for step in reverse ? Array((0..<time).reversed()) : Array(0..<time) {
            let fromInput = projected.slice(axis: 1, step..<(step + 1)).reshaped(to: [batch, 3 * units])
                .split(sizes: [2 * units, units], axis: 1)
            let fromState = (matmul(hidden, weights[1], transposeB: true) + weights[3])
                .split(sizes: [2 * units, units], axis: 1)
            let resetUpdate = (fromInput[0] + fromState[0]).sigmoid().split(sizes: [units, units], axis: 1)
            let candidate = (fromInput[1] + resetUpdate[0] * fromState[1]).tanh()
            let update = resetUpdate[1]
            let newHidden = candidate + update * (hidden - candidate)
            if let keep {
                let real = keep.slice(axis: 1, step..<(step + 1))
                hidden = hidden + real * (newHidden - hidden)
                if returnSequences { outputs[step] = newHidden * real }
            } else {
                hidden = newHidden
                if returnSequences { outputs[step] = hidden }
            }
        }
        let output = returnSequences ? Tensor.stack(outputs.map { $0! }, axis: 1) : hidden
        return (output, hidden)
    }
}

extension GRU: InferenceLowerable {
    /// Checks `units`, a `[time, features]` input and a stored `inputSize`; counts `3·units·(inputSize + units + 2)`.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try recurrentStep(
            units: configuration.units, gates: 3, inputSize: configuration.inputSize,
            returnSequences: configuration.returnSequences, inputShape: inputShape, limits: limits)
    }

    /// `GRU(64, sequences)`.
    public var summaryLine: String {
        "GRU(\(configuration.units)\(configuration.returnSequences ? ", sequences" : ""))"
    }

    /// The recurrence from a zero state.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let weightIH, let weightHH, let biasIH, let biasHH else { throw .notBuilt }
        let weights = [weightIH, weightHH, biasIH, biasHH].map(\.value)
        let returnSequences = configuration.returnSequences
        operations.append(
            FunctionOperation("GRU recurrence") {
                GRU.run($0, weights: weights, initialState: nil, returnSequences: returnSequences).output
            })
    }
}
