import LeptonTensor

/// A gated recurrent unit layer over batch-first sequences `[batch, time, features]`, with PyTorch's gate order
/// (reset, update, new) and its two bias vectors, so PyTorch weights load unchanged.
///
/// Per step, with `a = x_t W_ihᵀ + b_ih` and `b = h W_hhᵀ + b_hh` split into thirds:
/// `r = σ(a_r + b_r)`, `z = σ(a_z + b_z)`, `n = tanh(a_n + r·b_n)`, `h = (1 − z)·n + z·h`. The whole sequence is
/// one fused operation (see ``RecurrentLayer``). The output is every step's `h` (`[batch, time, units]`) when
/// ``RecurrentConfiguration/returnSequences`` is set, else the last `h` (`[batch, units]`). Stack layers in a
/// ``Sequential``. The state is the hidden-state tensor `[batch, units]`: zero unless given to
/// ``RecurrentStateLayer/callAsFunction(_:initialState:context:)``, which also returns the final state.
public final class GRU: RecurrentLayer, RecurrentStateLayer {
    /// The settings type.
    public typealias Configuration = RecurrentConfiguration

    /// The registered type name.
    public static let typeName = "GRU"

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        super.init(cell: .gru, configuration: configuration)
    }

    /// The hidden state itself (a GRU has no cell state).
    public static func state(hidden: Tensor, cell: Tensor?) -> Tensor { hidden }

    /// The hidden state, and no cell state.
    public static func tensors(of state: Tensor) -> (hidden: Tensor, cell: Tensor?) { (state, nil) }

    /// Checks `units`, a `[time, features]` input and a stored `inputSize`; counts `3·units·(inputSize + units + 2)`.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try architectureStep(configuration, gates: 3, inputShape: inputShape, limits: limits)
    }
}
