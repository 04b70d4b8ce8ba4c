/// The recurrent cell a ``RecurrentSequence`` runs.
package enum RecurrentCell: Sendable, Hashable {
    /// Long short-term memory: four gates (input, forget, cell, output) and a cell state.
    case lstm
    /// Gated recurrent unit: three gates (reset, update, new).
    case gru

    /// The number of gate blocks of `units` values.
    package var gateCount: Int { self == .lstm ? 4 : 3 }
}

/// A whole LSTM or GRU sequence over batch-first inputs `[batch, time, features]`: the input projection of every
/// step is one GEMM, each step adds one recurrent GEMM into preallocated memory and runs the fused gate math
/// (``RecurrentGates``), and the backward pass (backpropagation through time) accumulates the weight gradients
/// over all steps with one GEMM each.
///
/// W_hh is packed once per pass (``PrepackedMatrix``) and every step's recurrent product reads the packed panels.
/// Since the recurrence of one batch row never reads another row, the steps are not split over threads one by one:
/// each thread runs every step for its own block of batch rows, with no synchronization between steps.
///
/// Every buffer is given by the caller or borrowed once per pass; nothing is allocated per time step. Layouts (row-major): inputs and outputs
/// are batch-first; the saved per-step buffers are step-major, `[time, batch, width]`, so that each step reads and
/// writes contiguous memory. They are indexed by the time of the step (not its order: with ``reverse`` the steps
/// run from the last time to the first). A mask `keep` (`[batch, time]`, 1 for a real step, 0 for padding) makes a
/// padded step carry the state unchanged and output 0.
package struct RecurrentSequence: Sendable {
    /// The cell.
    package let cell: RecurrentCell
    /// Sequences in the batch.
    package let batch: Int
    /// Steps per sequence (at least 1).
    package let time: Int
    /// Input features per step.
    package let features: Int
    /// The state size.
    package let units: Int
    /// Whether the steps run from the last time to the first.
    package let reverse: Bool

    /// The weights in PyTorch's layout: `inputWeight` `[gates·units, features]`, `recurrentWeight`
    /// `[gates·units, units]`, biases `[gates·units]`.
    package struct Weights {
        package var inputWeight: UnsafePointer<Float>
        package var recurrentWeight: UnsafePointer<Float>
        package var inputBias: UnsafePointer<Float>
        package var recurrentBias: UnsafePointer<Float>

        /// Groups the four weight pointers.
        package init(
            inputWeight: UnsafePointer<Float>, recurrentWeight: UnsafePointer<Float>, inputBias: UnsafePointer<Float>,
            recurrentBias: UnsafePointer<Float>
        ) {
            self.inputWeight = inputWeight
            self.recurrentWeight = recurrentWeight
            self.inputBias = inputBias
            self.recurrentBias = recurrentBias
        }
    }

    /// What the forward pass keeps for the backward pass (and the final states).
    package struct Saved {
        /// `[time, batch, gates·units]`: the gate activations of each step.
        package var gates: UnsafeMutablePointer<Float>
        /// `[time, batch, units]`: the hidden state entering each step.
        package var hiddenBefore: UnsafeMutablePointer<Float>
        /// `[time, batch, units]`: LSTM, the cell state entering each step; unused by a GRU.
        package var cellBefore: UnsafeMutablePointer<Float>
        /// `[time, batch, units]`: LSTM, `tanh` of the new cell state; GRU, the recurrent part of the new gate.
        package var auxiliary: UnsafeMutablePointer<Float>
        /// `[batch, units]`: the final hidden state.
        package var finalHidden: UnsafeMutablePointer<Float>
        /// `[batch, units]`: LSTM, the final cell state; unused by a GRU.
        package var finalCell: UnsafeMutablePointer<Float>

        /// Groups the buffers.
        package init(
            gates: UnsafeMutablePointer<Float>, hiddenBefore: UnsafeMutablePointer<Float>,
            cellBefore: UnsafeMutablePointer<Float>, auxiliary: UnsafeMutablePointer<Float>,
            finalHidden: UnsafeMutablePointer<Float>, finalCell: UnsafeMutablePointer<Float>
        ) {
            self.gates = gates
            self.hiddenBefore = hiddenBefore
            self.cellBefore = cellBefore
            self.auxiliary = auxiliary
            self.finalHidden = finalHidden
            self.finalCell = finalCell
        }
    }

    /// A strided per-step output: row `b`, time `t` starts at `pointer + b·rowStride + t·units`.
    package struct Strided<Pointer> {
        package var pointer: Pointer
        package var rowStride: Int

        /// A strided view.
        package init(_ pointer: Pointer, rowStride: Int) {
            self.pointer = pointer
            self.rowStride = rowStride
        }
    }

    /// Describes a sequence.
    package init(cell: RecurrentCell, batch: Int, time: Int, features: Int, units: Int, reverse: Bool) {
        precondition(batch >= 0 && time > 0 && features > 0 && units > 0, "RecurrentSequence: bad sizes")
        self.cell = cell
        self.batch = batch
        self.time = time
        self.features = features
        self.units = units
        self.reverse = reverse
    }

    /// `gates·units`.
    package var gateWidth: Int { cell.gateCount * units }

    /// The time of the `order`-th step.
    @inline(__always)
    func timeOfStep(_ order: Int) -> Int { reverse ? time - 1 - order : order }

    /// Runs the sequence.
    ///
    /// - Parameters:
    ///   - input: `[batch, time, features]`.
    ///   - weights: The weights.
    ///   - initialHidden: `[batch, units]`, or `nil` for zeros.
    ///   - initialCell: LSTM `[batch, units]`, or `nil` for zeros.
    ///   - keep: `[batch, time]` of 0/1, or `nil` when every step is real.
    ///   - saved: Where the activations and states go.
    ///   - output: Where each step's output goes (`nil`: nowhere).
    ///   - pool: The threads.
    package func forward(
        input: UnsafePointer<Float>, weights: Weights, initialHidden: UnsafePointer<Float>?,
        initialCell: UnsafePointer<Float>?, keep: UnsafePointer<Float>?, saved: Saved,
        output: Strided<UnsafeMutablePointer<Float>>?, pool: ThreadPool = .shared
    ) {
        let width = gateWidth
        let inputCount = time * batch * features
        let packedCount = PrepackedMatrix.storageCount(k: units, n: width)
        ScratchPool.withBuffer(atLeast: width + batch * width + inputCount + packedCount) { scratch in
            // The input projection of every step, with the bias (both biases for an LSTM), in one GEMM over the
            // step-major input.
            let bias = scratch
            if cell == .lstm {
                for index in 0..<width { bias[index] = weights.inputBias[index] + weights.recurrentBias[index] }
            } else {
                bias.update(from: weights.inputBias, count: width)
            }
            let recurrent = scratch + width
            let stepMajorInput = recurrent + batch * width
            transpose(input, into: stepMajorInput, width: features)
            sgemm(
                .none, .transposed, m: time * batch, n: width, k: features, a: stepMajorInput, lda: features,
                b: weights.inputWeight, ldb: features, c: saved.gates, ldc: width,
                epilogue: GEMMEpilogue(bias: bias, biasAxis: .perColumn), pool: pool)
            let first = timeOfStep(0)
            copyOrZero(initialHidden, to: saved.hiddenBefore + first * batch * units, count: batch * units)
            if cell == .lstm {
                copyOrZero(initialCell, to: saved.cellBefore + first * batch * units, count: batch * units)
            }
            // W_hh, used by every step, packed once.
            let recurrentWeight = PrepackedMatrix(
                .transposed, k: units, n: width, b: weights.recurrentWeight, ldb: units,
                into: stepMajorInput + inputCount)
            // Each batch row's recurrence is independent of the others: every thread runs all the steps of its rows,
            // with no synchronization between steps.
            forRowBlocks(pool: pool) { rows in
                for order in 0..<time {
                    forwardStep(
                        order: order, rows: rows, recurrentWeight: recurrentWeight, weights: weights,
                        zeroInitialState: initialHidden == nil, keep: keep, saved: saved, recurrent: recurrent,
                        output: output)
                }
            }
        }
    }

    /// Step `order` of the forward pass for the batch rows `rows`: the recurrent product, then the gate math.
    private func forwardStep(
        order: Int, rows: Range<Int>, recurrentWeight: PrepackedMatrix, weights: Weights, zeroInitialState: Bool,
        keep: UnsafePointer<Float>?, saved: Saved, recurrent: UnsafeMutablePointer<Float>,
        output: Strided<UnsafeMutablePointer<Float>>?
    ) {
        let width = gateWidth
        let t = timeOfStep(order)
        let last = order == time - 1
        let next = last ? 0 : timeOfStep(order + 1)
        let hiddenNow = saved.hiddenBefore + t * batch * units
        let firstRow = rows.lowerBound
        // The recurrent product: added in place to the LSTM's pre-activations, apart for the GRU's new gate; from a
        // zero initial state the first step's product is 0 (only the GRU's b_hh is left).
        let zeroState = order == 0 && zeroInitialState
        if cell == .lstm {
            if !zeroState {
                sgemm(
                    m: rows.count, a: hiddenNow + firstRow * units, lda: units, b: recurrentWeight, beta: 1,
                    c: saved.gates + (t * batch + firstRow) * width, ldc: width)
            }
        } else if zeroState {
            for row in rows { (recurrent + row * width).update(from: weights.recurrentBias, count: width) }
        } else {
            sgemm(
                m: rows.count, a: hiddenNow + firstRow * units, lda: units, b: recurrentWeight,
                c: recurrent + firstRow * width, ldc: width,
                epilogue: GEMMEpilogue(bias: weights.recurrentBias, biasAxis: .perColumn))
        }
        for row in rows {
            let hiddenPrevious = hiddenNow + row * units
            let cellPrevious = saved.cellBefore + (t * batch + row) * units
            let hiddenNext = last ? saved.finalHidden + row * units : saved.hiddenBefore + (next * batch + row) * units
            let cellNext = last ? saved.finalCell + row * units : saved.cellBefore + (next * batch + row) * units
            let outputRow = output.map { $0.pointer + row * $0.rowStride + t * units }
            if let keep, keep[row * time + t] == 0 {
                hiddenNext.update(from: hiddenPrevious, count: units)
                if cell == .lstm { cellNext.update(from: cellPrevious, count: units) }
                outputRow?.update(repeating: 0, count: units)
                continue
            }
            let gates = saved.gates + (t * batch + row) * width
            let auxiliary = saved.auxiliary + (t * batch + row) * units
            if cell == .lstm {
                RecurrentGates.lstmForward(
                    gates: gates, cellPrevious: cellPrevious, cell: cellNext, hidden: hiddenNext, cellTanh: auxiliary,
                    units: units)
            } else {
                RecurrentGates.gruForward(
                    gates: gates, recurrent: recurrent + row * width, hiddenPrevious: hiddenPrevious,
                    hidden: hiddenNext, recurrentNew: auxiliary, units: units)
            }
            outputRow?.update(from: hiddenNext, count: units)
        }
    }

    /// The gradients of a sequence run by ``forward(input:weights:initialHidden:initialCell:keep:saved:output:pool:)``
    /// (backpropagation through time).
    ///
    /// - Parameters:
    ///   - input: `[batch, time, features]`, as in the forward pass.
    ///   - weights: The weights, as in the forward pass.
    ///   - keep: The mask, as in the forward pass.
    ///   - saved: What the forward pass saved.
    ///   - dOutput: The gradient of each step's output, or `nil` for none.
    ///   - dFinalHidden: The gradient of the final hidden state `[batch, units]`, or `nil`.
    ///   - dFinalCell: LSTM, the gradient of the final cell state, or `nil`.
    ///   - dInput: Receives the input gradient `[batch, time, features]`, or `nil` when not needed.
    ///   - dInputWeight: Receives `[gates·units, features]`.
    ///   - dRecurrentWeight: Receives `[gates·units, units]`.
    ///   - dInputBias: Receives `[gates·units]`.
    ///   - dRecurrentBias: Receives `[gates·units]`.
    ///   - dInitialHidden: Receives `[batch, units]`, or `nil`.
    ///   - dInitialCell: LSTM, receives `[batch, units]`, or `nil`.
    ///   - pool: The threads.
    package func backward(
        input: UnsafePointer<Float>, weights: Weights, keep: UnsafePointer<Float>?, saved: Saved,
        dOutput: Strided<UnsafePointer<Float>>?, dFinalHidden: UnsafePointer<Float>?, dFinalCell: UnsafePointer<Float>?,
        dInput: UnsafeMutablePointer<Float>?, dInputWeight: UnsafeMutablePointer<Float>,
        dRecurrentWeight: UnsafeMutablePointer<Float>, dInputBias: UnsafeMutablePointer<Float>,
        dRecurrentBias: UnsafeMutablePointer<Float>, dInitialHidden: UnsafeMutablePointer<Float>?,
        dInitialCell: UnsafeMutablePointer<Float>?, pool: ThreadPool = .shared
    ) {
        let width = gateWidth
        let perTime = batch * time * width
        let state = batch * units
        let inputCount = time * batch * features
        let packedCount = PrepackedMatrix.storageCount(k: width, n: units)
        // dGates (input side), for a GRU dRecurrent (recurrent side), the two carried hidden gradients, the cell one,
        // the step-major input and input gradient, the packed W_hh and the transposed weight gradients.
        let scratchCount =
            perTime * (cell == .gru ? 2 : 1) + 3 * state + 2 * inputCount + packedCount + width * (units + features)
            + (cell == .lstm ? batch * time * (features + units) : 0)
        ScratchPool.withBuffer(atLeast: scratchCount) { scratch in
            let dGates = scratch
            let dRecurrent = cell == .gru ? scratch + perTime : scratch
            let carried = scratch + perTime * (cell == .gru ? 2 : 1)
            let nextCarried = carried + state
            let dCell = nextCarried + state
            let stepMajorInput = dCell + state
            let stepMajorInputGradient = stepMajorInput + inputCount
            copyOrZero(dFinalHidden, to: carried, count: state)
            copyOrZero(dFinalCell, to: dCell, count: state)
            // W_hh, used by every step, packed once.
            let recurrentWeight = PrepackedMatrix(
                .none, k: width, n: units, b: weights.recurrentWeight, ldb: units,
                into: stepMajorInputGradient + inputCount)
            // The LSTM's gate pass leaves nothing in dPrevious for the product to add to, except on padded rows.
            let overwrites = cell == .lstm && keep == nil
            // As in the forward pass, every thread runs all the steps of its own batch rows.
            forRowBlocks(pool: pool) { rows in
                var (incoming, outgoing) = (carried, nextCarried)
                for order in stride(from: time - 1, through: 0, by: -1) {
                    let t = timeOfStep(order)
                    for row in rows {
                        backwardGates(
                            t: t, row: row, keep: keep, saved: saved, dOutput: dOutput,
                            dHidden: incoming + row * units, dPrevious: outgoing + row * units,
                            dCell: dCell + row * units,
                            dGates: dGates, dRecurrent: dRecurrent)
                    }
                    // Through the recurrent weights: dPrevious += dRecurrent_t · W_hh (for an unmasked LSTM,
                    // dPrevious = dRecurrent_t · W_hh). Not needed after the first step unless dInitialHidden is.
                    if order > 0 || dInitialHidden != nil {
                        sgemm(
                            m: rows.count, a: dRecurrent + (t * batch + rows.lowerBound) * width, lda: width,
                            b: recurrentWeight, beta: overwrites ? 0 : 1, c: outgoing + rows.lowerBound * units,
                            ldc: units)
                    }
                    swap(&incoming, &outgoing)
                }
            }
            // Every row block swapped its buffers once per step.
            let finalCarried = time % 2 == 0 ? carried : nextCarried
            if let dInitialHidden { dInitialHidden.update(from: finalCarried, count: state) }
            if let dInitialCell { dInitialCell.update(from: dCell, count: state) }
            // The weight gradients summed over every step, computed transposed and then transposed back:
            // dW_hhᵀ = Hᵀ·dRecurrent reads the saved states transposed, which the GEMM packs with contiguous copies,
            // where dW_hh = dRecurrentᵀ·H would read dRecurrent transposed in place, `width` floats apart per depth
            // step, at about half the speed (likewise dW_ih). For an LSTM (dRecurrent = dGates) both are one GEMM
            // over the inputs and states side by side, so dGates is read and packed once.
            transpose(input, into: stepMajorInput, width: features)
            let gradients = stepMajorInputGradient + inputCount + packedCount
            let rowCount = batch * time
            if cell == .lstm {
                let stacked = gradients + width * (units + features)
                let stackedWidth = features + units
                for row in 0..<rowCount {
                    (stacked + row * stackedWidth).update(from: stepMajorInput + row * features, count: features)
                    (stacked + row * stackedWidth + features).update(
                        from: saved.hiddenBefore + row * units, count: units)
                }
                sgemm(
                    .transposed, .none, m: stackedWidth, n: width, k: rowCount, a: stacked, lda: stackedWidth,
                    b: dGates, ldb: width, c: gradients, ldc: width, pool: pool)
            } else {
                sgemm(
                    .transposed, .none, m: features, n: width, k: rowCount, a: stepMajorInput, lda: features,
                    b: dGates, ldb: width, c: gradients, ldc: width, pool: pool)
                sgemm(
                    .transposed, .none, m: units, n: width, k: rowCount, a: saved.hiddenBefore, lda: units,
                    b: dRecurrent, ldb: width, c: gradients + features * width, ldc: width, pool: pool)
            }
            transposeMatrix(gradients, rows: features, columns: width, into: dInputWeight)
            transposeMatrix(gradients + features * width, rows: units, columns: width, into: dRecurrentWeight)
            columnSums(dGates, rows: batch * time, columns: width, into: dInputBias)
            if cell == .gru {
                columnSums(dRecurrent, rows: batch * time, columns: width, into: dRecurrentBias)
            } else {
                dRecurrentBias.update(from: dInputBias, count: width)
            }
            if let dInput {
                sgemm(
                    .none, .none, m: batch * time, n: features, k: width, a: dGates, lda: width,
                    b: weights.inputWeight, ldb: features, c: stepMajorInputGradient, ldc: features, pool: pool)
                transpose(stepMajorInputGradient, into: dInput, width: features, toBatchFirst: true)
            }
        }
    }

    /// Copies `[batch, time, width]` into `[time, batch, width]`, or back with `toBatchFirst`.
    private func transpose(
        _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, width: Int,
        toBatchFirst: Bool = false
    ) {
        for row in 0..<batch {
            for t in 0..<time {
                let (batchFirst, stepMajor) = ((row * time + t) * width, (t * batch + row) * width)
                if toBatchFirst {
                    (target + batchFirst).update(from: source + stepMajor, count: width)
                } else {
                    (target + stepMajor).update(from: source + batchFirst, count: width)
                }
            }
        }
    }

    /// Writes the transpose of the `rows`×`columns` matrix `source` into `target` (`columns`×`rows`), in tiles.
    private func transposeMatrix(
        _ source: UnsafePointer<Float>, rows: Int, columns: Int, into target: UnsafeMutablePointer<Float>
    ) {
        let tile = 16
        for rowStart in stride(from: 0, to: rows, by: tile) {
            for columnStart in stride(from: 0, to: columns, by: tile) {
                for column in columnStart..<Swift.min(columnStart + tile, columns) {
                    for row in rowStart..<Swift.min(rowStart + tile, rows) {
                        target[column * rows + row] = source[row * columns + column]
                    }
                }
            }
        }
    }

    /// Runs `body` on blocks of batch rows covering the batch: one block per thread when the whole sequence has
    /// enough work to gain from threads (the blocks run all their steps independently), else one block.
    private func forRowBlocks(pool: ThreadPool, _ body: (Range<Int>) -> Void) {
        let work = 2 * batch * gateWidth * units * time
        let pieces = work >= GEMMDriver.parallelThreshold ? Swift.min(pool.threadCount, batch) : 1
        if pieces <= 1 {
            body(0..<batch)
            return
        }
        pool.parallelFor(pieces) { piece in body((batch * piece / pieces)..<(batch * (piece + 1) / pieces)) }
    }

    /// The gate part of backward step `t` for batch row `row`: from the incoming hidden gradient `dHidden` (and this
    /// step's output gradient), writes the row of `dGates` (and for a GRU of `dRecurrent`) at time `t`, updates
    /// `dCell`, and leaves in `dPrevious` the part of the previous hidden state's gradient that does not go through
    /// W_hh.
    @inline(__always)
    private func backwardGates(
        t: Int, row: Int, keep: UnsafePointer<Float>?, saved: Saved, dOutput: Strided<UnsafePointer<Float>>?,
        dHidden: UnsafePointer<Float>, dPrevious: UnsafeMutablePointer<Float>, dCell: UnsafeMutablePointer<Float>,
        dGates: UnsafeMutablePointer<Float>, dRecurrent: UnsafeMutablePointer<Float>
    ) {
        let width = gateWidth
        let gatesGradient = dGates + (t * batch + row) * width
        let recurrentGradient = dRecurrent + (t * batch + row) * width
        if let keep, keep[row * time + t] == 0 {
            // A padded step passes the state (and its gradients) through; its output is a constant 0.
            dPrevious.update(from: dHidden, count: units)
            gatesGradient.update(repeating: 0, count: width)
            if cell == .gru { recurrentGradient.update(repeating: 0, count: width) }
            return
        }
        let activations = UnsafePointer(saved.gates + (t * batch + row) * width)
        let auxiliary = UnsafePointer(saved.auxiliary + (t * batch + row) * units)
        let fromOutput = dOutput.map { $0.pointer + row * $0.rowStride + t * units }
        if cell == .lstm {
            RecurrentGates.lstmBackward(
                activations: activations, cellPrevious: saved.cellBefore + (t * batch + row) * units,
                cellTanh: auxiliary, dHidden: dHidden, dOutput: fromOutput, dCell: dCell, dGates: gatesGradient,
                units: units)
            // Only the product with W_hh reaches the previous hidden state: it overwrites dPrevious unless a mask
            // makes it accumulate onto the pass-through of padded rows.
            if keep != nil { dPrevious.update(repeating: 0, count: units) }
            return
        }
        // dHidden + the gradient of this step's output, summed into the outgoing buffer first.
        if let fromOutput {
            for unit in 0..<units { dPrevious[unit] = dHidden[unit] + fromOutput[unit] }
        } else {
            dPrevious.update(from: dHidden, count: units)
        }
        RecurrentGates.gruBackward(
            activations: activations, recurrentNew: auxiliary,
            hiddenPrevious: saved.hiddenBefore + (t * batch + row) * units, dHidden: dPrevious,
            dInputGates: gatesGradient, dRecurrentGates: recurrentGradient, dHiddenPrevious: dPrevious, units: units)
    }

    private func copyOrZero(_ source: UnsafePointer<Float>?, to target: UnsafeMutablePointer<Float>, count: Int? = nil)
    {
        let count = count ?? units
        if let source { target.update(from: source, count: count) } else { target.update(repeating: 0, count: count) }
    }

    /// `sums[j] = Σ_i matrix[i, j]`.
    private func columnSums(
        _ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>
    ) {
        sums.update(repeating: 0, count: columns)
        for row in 0..<rows {
            let values = matrix + row * columns
            for column in 0..<columns { sums[column] += values[column] }
        }
    }
}
