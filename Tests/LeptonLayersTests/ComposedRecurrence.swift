import LeptonLayers
import LeptonTensor

/// The LSTM and GRU recurrences composed of primitive tensor operations, one autodiff node per operation and step
/// (how the layers ran before the fused kernels): the reference the fused operation must equal.
enum ComposedRecurrence {
    /// The LSTM with weights `[W_ih, W_hh, b_ih, b_hh]`; masked steps carry the state and output zeros.
    static func lstm(
        _ input: Tensor, weights: [Tensor], hidden: Tensor, cell: Tensor, keep: Tensor?, reverse: Bool
    ) -> (output: Tensor, hidden: Tensor, cell: Tensor) {
        let (batch, time, features) = (input.shape[0], input.shape[1], input.shape[2])
        let units = weights[1].shape[1]
        var (hidden, cell) = (hidden, cell)
        let projected =
            (matmul(input.reshaped(to: [batch * time, features]), weights[0], transposeB: true)
            + (weights[2] + weights[3])).reshaped(to: [batch, time, 4 * units])
        var outputs = [Tensor?](repeating: nil, count: time)
        for step in reverse ? Array((0..<time).reversed()) : Array(0..<time) {
            let gates =
                projected.slice(axis: 1, step..<(step + 1)).reshaped(to: [batch, 4 * units])
                + matmul(hidden, weights[1], transposeB: true)
            let parts = gates.split(sizes: [units, units, units, units], axis: 1)
            let newCell = parts[1].sigmoid() * cell + parts[0].sigmoid() * parts[2].tanh()
            let newHidden = parts[3].sigmoid() * newCell.tanh()
            let real = keep?.slice(axis: 1, step..<(step + 1)) ?? Tensor.ones([batch, 1])
            cell = cell + real * (newCell - cell)
            hidden = hidden + real * (newHidden - hidden)
            outputs[step] = newHidden * real
        }
        return (Tensor.stack(outputs.map { $0! }, axis: 1), hidden, cell)
    }

    /// The GRU with weights `[W_ih, W_hh, b_ih, b_hh]`; masked steps carry the state and output zeros.
    static func gru(
        _ input: Tensor, weights: [Tensor], hidden: Tensor, keep: Tensor?, reverse: Bool
    ) -> (output: Tensor, hidden: Tensor) {
        let (batch, time, features) = (input.shape[0], input.shape[1], input.shape[2])
        let units = weights[1].shape[1]
        var hidden = hidden
        let projected =
            (matmul(input.reshaped(to: [batch * time, features]), weights[0], transposeB: true)
            + weights[2]).reshaped(to: [batch, time, 3 * units])
        var outputs = [Tensor?](repeating: nil, count: time)
        for step in reverse ? Array((0..<time).reversed()) : Array(0..<time) {
            let fromInput = projected.slice(axis: 1, step..<(step + 1)).reshaped(to: [batch, 3 * units])
                .split(sizes: [2 * units, units], axis: 1)
            let fromState = (matmul(hidden, weights[1], transposeB: true) + weights[3])
                .split(sizes: [2 * units, units], axis: 1)
            let resetUpdate = (fromInput[0] + fromState[0]).sigmoid().split(sizes: [units, units], axis: 1)
            let candidate = (fromInput[1] + resetUpdate[0] * fromState[1]).tanh()
            let newHidden = candidate + resetUpdate[1] * (hidden - candidate)
            let real = keep?.slice(axis: 1, step..<(step + 1)) ?? Tensor.ones([batch, 1])
            hidden = hidden + real * (newHidden - hidden)
            outputs[step] = newHidden * real
        }
        return (Tensor.stack(outputs.map { $0! }, axis: 1), hidden)
    }
}
