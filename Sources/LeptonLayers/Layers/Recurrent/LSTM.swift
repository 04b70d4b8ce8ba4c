import LeptonTensor

/// A long short-term memory layer over batch-first sequences `[batch, time, features]`, with PyTorch's gate
/// order (input, forget, cell, output) and its two bias vectors, so PyTorch weights load unchanged.
///
/// Per step: `gates = x_t W_ihᵀ + b_ih + h W_hhᵀ + b_hh`; `i, f, o = σ(·)`, `g = tanh(·)`; `c = f·c + i·g`;
/// `h = o·tanh(c)`. The whole sequence is one fused operation (see ``RecurrentLayer``). The output is every step's
/// `h` (`[batch, time, units]`) when ``RecurrentConfiguration/returnSequences`` is set, else the last `h`
/// (`[batch, units]`). Stack layers in a ``Sequential`` (all but the last returning sequences). The initial state
/// is zero unless given to ``RecurrentStateLayer/callAsFunction(_:initialState:context:)``, which also returns the
/// final state.
public final class LSTM: RecurrentLayer, RecurrentStateLayer {
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

    /// The settings type.
    public typealias Configuration = RecurrentConfiguration

    /// The registered type name.
    public static let typeName = "LSTM"

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        super.init(cell: .lstm, configuration: configuration)
    }

    /// `State(hidden:cell:)`; the cell state is required.
    public static func state(hidden: Tensor, cell: Tensor?) -> State {
        guard let cell else { preconditionFailure("LSTM: a state needs a cell state") }
        return State(hidden: hidden, cell: cell)
    }

    /// The hidden and cell states.
    public static func tensors(of state: State) -> (hidden: Tensor, cell: Tensor?) { (state.hidden, state.cell) }

    /// Checks `units`, a `[time, features]` input and a stored `inputSize`; counts `4·units·(inputSize + units + 2)`.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try architectureStep(configuration, gates: 4, inputShape: inputShape, limits: limits)
    }
}
