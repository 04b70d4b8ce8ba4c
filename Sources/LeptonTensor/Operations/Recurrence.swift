import LeptonKernels

/// The outputs of ``Tensor/recurrentSequence(_:input:weights:initialHidden:initialCell:keep:reverse:returnSequences:includeState:)``,
/// packed along axis 1 of one `[batch, slots, units]` tensor: the step outputs (with `returnSequences`), then the
/// final hidden state, then (LSTM) the final cell state.
package struct RecurrentSlots: Sendable {
    /// Whether each step's output is included (`time` slots first).
    package let sequence: Bool
    /// The slot of the final hidden state, if included.
    package let hidden: Int?
    /// The slot of the final cell state, if included.
    package let cell: Int?
    /// The number of slots.
    package let count: Int

    /// The layout for a sequence of `time` steps.
    ///
    /// - Parameters:
    ///   - recurrentCell: The cell.
    ///   - time: Steps.
    ///   - returnSequences: Whether the step outputs are wanted (else the final hidden state is the output).
    ///   - includeState: Whether the final states are wanted.
    package init(_ recurrentCell: RecurrentCell, time: Int, returnSequences: Bool, includeState: Bool) {
        sequence = returnSequences
        var next = returnSequences ? time : 0
        hidden = includeState || !returnSequences ? next : nil
        if hidden != nil { next += 1 }
        cell = includeState && recurrentCell == .lstm ? next : nil
        if cell != nil { next += 1 }
        count = next
    }
}

/// The buffers a fused recurrence keeps between its forward and backward passes.
///
/// `@unchecked Sendable`: the storages are written only by the forward pass, before the result (and so the
/// pullback holding this) exists; afterwards they are only read.
private final class RecurrenceRecord: @unchecked Sendable {
    let gates: TensorStorage
    let hiddenBefore: TensorStorage
    let cellBefore: TensorStorage
    let auxiliary: TensorStorage
    let finalHidden: TensorStorage
    let finalCell: TensorStorage

    init(_ sequence: RecurrentSequence) {
        let perStep = sequence.batch * sequence.time * sequence.units
        let state = sequence.batch * sequence.units
        gates = TensorStorage(uninitializedCount: sequence.batch * sequence.time * sequence.gateWidth)
        hiddenBefore = TensorStorage(uninitializedCount: perStep)
        cellBefore = TensorStorage(uninitializedCount: sequence.cell == .lstm ? perStep : 0)
        auxiliary = TensorStorage(uninitializedCount: perStep)
        finalHidden = TensorStorage(uninitializedCount: state)
        finalCell = TensorStorage(uninitializedCount: sequence.cell == .lstm ? state : 0)
    }

    var saved: RecurrentSequence.Saved {
        RecurrentSequence.Saved(
            gates: gates.pointer, hiddenBefore: hiddenBefore.pointer, cellBefore: cellBefore.pointer,
            auxiliary: auxiliary.pointer, finalHidden: finalHidden.pointer, finalCell: finalCell.pointer)
    }
}

extension Tensor {
    /// A whole LSTM or GRU sequence as one differentiable operation with a hand-written backward pass
    /// (backpropagation through time), run by the fused kernels of `RecurrentSequence`: one GEMM for the input
    /// projection of all steps, one recurrent GEMM and one fused gate pass per step, and one GEMM per weight
    /// gradient over all steps.
    ///
    /// PyTorch's equations and gate orders: LSTM `i, f, g, o` with `c = f·c + i·g`, `h = o·tanh(c)`; GRU `r, z, n`
    /// with `n = tanh(x W_inᵀ + b_in + r·(h W_hnᵀ + b_hn))`, `h = (1 − z)·n + z·h`. A padded step (`keep` 0)
    /// carries the state unchanged and outputs 0.
    ///
    /// - Parameters:
    ///   - cell: `.lstm` or `.gru`.
    ///   - input: `[batch, time, features]`, `time` ≥ 1.
    ///   - weights: `[W_ih, W_hh, b_ih, b_hh]` in PyTorch's layout (`[gates·units, features]`, `[gates·units, units]`,
    ///     `[gates·units]`, `[gates·units]`).
    ///   - initialHidden: `[batch, units]`, or `nil` for zeros.
    ///   - initialCell: LSTM `[batch, units]`, or `nil` for zeros.
    ///   - keep: `[batch, time]` of 0 and 1 (no gradient), or `nil` when every step is real.
    ///   - reverse: Run from the last step to the first.
    ///   - returnSequences: Include every step's output.
    ///   - includeState: Include the final states.
    /// - Returns: `[batch, slots, units]` laid out as ``RecurrentSlots``.
    package static func recurrentSequence(
        _ cell: RecurrentCell, input: Tensor, weights: [Tensor], initialHidden: Tensor?, initialCell: Tensor?,
        keep: Tensor?, reverse: Bool, returnSequences: Bool, includeState: Bool
    ) -> Tensor {
        let name = cell == .lstm ? "LSTM" : "GRU"
        precondition(input.rank == 3, "\(name): input must be [batch, time, features], got \(input.shape)")
        precondition(weights.count == 4, "\(name): expected 4 weights, got \(weights.count)")
        let (batch, time, features) = (input.shape[0], input.shape[1], input.shape[2])
        precondition(time > 0, "\(name): the sequence is empty")
        let units = weights[1].shape[weights[1].rank - 1]
        let width = cell.gateCount * units
        precondition(
            weights[0].shape == Shape([width, features]),
            "\(name): expected \(weights[0].shape.dimensions.last ?? 0) features, got \(features) "
                + "(W_ih \(weights[0].shape))")
        precondition(
            weights[1].shape == Shape([width, units]) && weights[2].shape == Shape([width])
                && weights[3].shape == Shape([width]),
            "\(name): weight shapes \(weights.map(\.shape)) do not fit \(units) units")
        for state in [initialHidden, initialCell].compactMap({ $0 }) {
            precondition(
                state.shape == Shape([batch, units]),
                "\(name): initial state must be [\(batch), \(units)], got \(state.shape)")
        }
        if let keep {
            precondition(
                keep.shape == Shape([batch, time]), "\(name): mask must be [\(batch), \(time)], got \(keep.shape)")
        }
        let sequence = RecurrentSequence(
            cell: cell, batch: batch, time: time, features: features, units: units, reverse: reverse)
        let slots = RecurrentSlots(cell, time: time, returnSequences: returnSequences, includeState: includeState)
        let record = RecurrenceRecord(sequence)
        let operands = [input] + weights + [initialHidden, initialCell].compactMap { $0 }
        let (input, weights, keep) = (input.detached, weights.map(\.detached), keep?.detached)
        let (initialHidden, initialCell) = (initialHidden?.detached, initialCell?.detached)
        let rowStride = slots.count * units
        let result = Tensor(shape: [batch, slots.count, units]) { out in
            sequence.forward(
                input: input.elementPointer, weights: weights.recurrentPointers,
                initialHidden: initialHidden?.elementPointer, initialCell: initialCell?.elementPointer,
                keep: keep?.elementPointer, saved: record.saved,
                output: slots.sequence ? RecurrentSequence.Strided(out, rowStride: rowStride) : nil)
            for row in 0..<batch {
                for (slot, state) in [(slots.hidden, record.finalHidden), (slots.cell, record.finalCell)] {
                    guard let slot else { continue }
                    (out + row * rowStride + slot * units).update(from: state.pointer + row * units, count: units)
                }
            }
        }
        guard let nodes = trackedNodes(operands) else { return result }
        let (hasHidden, hasCell) = (initialHidden != nil, initialCell != nil)
        return result.recorded("recurrentSequence", inputs: nodes) { gradient, needs in
            // Unpack the gradient: the step outputs in place (strided), the final states as [batch, units].
            let output = gradient.elementPointer
            func state(_ slot: Int?) -> Tensor? {
                guard let slot else { return nil }
                return Tensor(shape: [batch, units]) { target in
                    for row in 0..<batch {
                        (target + row * units).update(from: output + row * rowStride + slot * units, count: units)
                    }
                }
            }
            let (dFinalHidden, dFinalCell) = (state(slots.hidden), state(slots.cell))
            let dInput = needs[0] ? TensorStorage(uninitializedCount: input.elementCount) : nil
            let dWeights = weights.map { TensorStorage(uninitializedCount: $0.elementCount) }
            let dHidden = hasHidden && needs[5] ? TensorStorage(uninitializedCount: batch * units) : nil
            let dCell = hasCell && needs[hasHidden ? 6 : 5] ? TensorStorage(uninitializedCount: batch * units) : nil
            sequence.backward(
                input: input.elementPointer, weights: weights.recurrentPointers, keep: keep?.elementPointer,
                saved: record.saved,
                dOutput: slots.sequence ? RecurrentSequence.Strided(output, rowStride: rowStride) : nil,
                dFinalHidden: dFinalHidden?.elementPointer, dFinalCell: dFinalCell?.elementPointer,
                dInput: dInput?.pointer, dInputWeight: dWeights[0].pointer, dRecurrentWeight: dWeights[1].pointer,
                dInputBias: dWeights[2].pointer, dRecurrentBias: dWeights[3].pointer, dInitialHidden: dHidden?.pointer,
                dInitialCell: dCell?.pointer)
            var gradients: [Tensor?] = [dInput.map { Tensor(shape: input.shape, storage: $0) }]
            gradients += zip(weights, dWeights).map { Tensor(shape: $0.shape, storage: $1) }
            if hasHidden { gradients.append(dHidden.map { Tensor(shape: [batch, units], storage: $0) }) }
            if hasCell { gradients.append(dCell.map { Tensor(shape: [batch, units], storage: $0) }) }
            return zip(gradients, needs).map { $1 ? $0 : nil }
        }
    }
}

extension [Tensor] {
    /// `[W_ih, W_hh, b_ih, b_hh]` as kernel pointers.
    fileprivate var recurrentPointers: RecurrentSequence.Weights {
        RecurrentSequence.Weights(
            inputWeight: self[0].elementPointer, recurrentWeight: self[1].elementPointer,
            inputBias: self[2].elementPointer, recurrentBias: self[3].elementPointer)
    }
}
