import CLeptonKernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The gate math of one time step of an LSTM or a GRU for one batch row, fused into one pass over the units with
/// eight lanes at a time (the tail with partial vectors), so a step allocates nothing and reads each value once.
///
/// Pointers name one batch row; `units` is the state size. Gate blocks follow PyTorch's order: LSTM (input,
/// forget, cell, output), GRU (reset, update, new).
enum RecurrentGates {
    /// Whether the LSTM and GRU forward passes and the LSTM backward pass run the AVX2 + FMA loops of
    /// `recurrent_gates_avx2.c` (for unit counts that are multiples of 8); `LEPTON_RECURRENT_GATES=portable` forces
    /// the Swift loops.
    static let usesAVX2 =
        CPUFeatures.current.avx2FMA && getenv("LEPTON_RECURRENT_GATES").map { String(cString: $0) } != "portable"

    /// LSTM forward: turns the pre-activations `gates` (`4·units`) into the activations `i, f, g, o` in place and
    /// writes `c = f·cPrevious + i·g`, `h = o·tanh(c)` and `tanh(c)` (kept for the backward pass).
    @inline(__always)
    static func lstmForward(
        gates: UnsafeMutablePointer<Float>, cellPrevious: UnsafePointer<Float>, cell: UnsafeMutablePointer<Float>,
        hidden: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>, units: Int
    ) {
        if usesAVX2 && units % vectorWidth == 0 {
            lepton_lstm_gates_forward_avx2(gates, cellPrevious, cell, hidden, cellTanh, units)
            return
        }
        forEachBlock(units) { offset, count in
            let i = VectorMath.sigmoid(load(gates, offset, count))
            let f = VectorMath.sigmoid(load(gates, units + offset, count))
            let g = VectorMath.tanh(load(gates, 2 * units + offset, count))
            let o = VectorMath.sigmoid(load(gates, 3 * units + offset, count))
            let c = f * load(cellPrevious, offset, count) + i * g
            let tanhC = VectorMath.tanh(c)
            store(i, gates, offset, count)
            store(f, gates, units + offset, count)
            store(g, gates, 2 * units + offset, count)
            store(o, gates, 3 * units + offset, count)
            store(c, cell, offset, count)
            store(tanhC, cellTanh, offset, count)
            store(o * tanhC, hidden, offset, count)
        }
    }

    /// LSTM backward: from `dHidden` (the gradient of `h`, plus `dOutput`, the gradient of the step's output, unless
    /// `nil`), `dCell` (of `c`, replaced by the gradient of `cPrevious`) and the saved activations, writes the
    /// pre-activation gradients `dGates` (`4·units`).
    @inline(__always)
    static func lstmBackward(
        activations: UnsafePointer<Float>, cellPrevious: UnsafePointer<Float>, cellTanh: UnsafePointer<Float>,
        dHidden: UnsafePointer<Float>, dOutput: UnsafePointer<Float>?, dCell: UnsafeMutablePointer<Float>,
        dGates: UnsafeMutablePointer<Float>, units: Int
    ) {
        if usesAVX2 && units % vectorWidth == 0 {
            lepton_lstm_gates_backward_avx2(activations, cellPrevious, cellTanh, dHidden, dOutput, dCell, dGates, units)
            return
        }
        forEachBlock(units) { offset, count in
            let i = load(activations, offset, count)
            let f = load(activations, units + offset, count)
            let g = load(activations, 2 * units + offset, count)
            let o = load(activations, 3 * units + offset, count)
            let tanhC = load(cellTanh, offset, count)
            var dh = load(dHidden, offset, count)
            if let dOutput { dh += load(dOutput, offset, count) }
            let dc = load(dCell, offset, count) + dh * o * (1 - tanhC * tanhC)
            store(dc * g * i * (1 - i), dGates, offset, count)
            store(dc * load(cellPrevious, offset, count) * f * (1 - f), dGates, units + offset, count)
            store(dc * i * (1 - g * g), dGates, 2 * units + offset, count)
            store(dh * tanhC * o * (1 - o), dGates, 3 * units + offset, count)
            store(dc * f, dCell, offset, count)
        }
    }

    /// GRU forward: from the input pre-activations `gates` (`3·units`, bias included) and the recurrent product
    /// `recurrent` (`3·units`, `h W_hhᵀ + b_hh`), writes the activations `r, z, n` into `gates`, the recurrent
    /// new-gate part into `recurrentNew` (kept for the backward pass) and `h = n + z·(hPrevious − n)`.
    @inline(__always)
    static func gruForward(
        gates: UnsafeMutablePointer<Float>, recurrent: UnsafePointer<Float>, hiddenPrevious: UnsafePointer<Float>,
        hidden: UnsafeMutablePointer<Float>, recurrentNew: UnsafeMutablePointer<Float>, units: Int
    ) {
        if usesAVX2 && units % vectorWidth == 0 {
            lepton_gru_gates_forward_avx2(gates, recurrent, hiddenPrevious, hidden, recurrentNew, units)
            return
        }
        forEachBlock(units) { offset, count in
            let r = VectorMath.sigmoid(load(gates, offset, count) + load(recurrent, offset, count))
            let z = VectorMath.sigmoid(load(gates, units + offset, count) + load(recurrent, units + offset, count))
            let fromState = load(recurrent, 2 * units + offset, count)
            let n = VectorMath.tanh(load(gates, 2 * units + offset, count) + r * fromState)
            store(r, gates, offset, count)
            store(z, gates, units + offset, count)
            store(n, gates, 2 * units + offset, count)
            store(fromState, recurrentNew, offset, count)
            store(n + z * (load(hiddenPrevious, offset, count) - n), hidden, offset, count)
        }
    }

    /// GRU backward: from `dHidden` and the saved values, writes the input-side pre-activation gradients
    /// `dInputGates`, the recurrent-side ones `dRecurrentGates` (they differ in the new gate, scaled by `r`) and the
    /// direct part of the previous state's gradient, `dHidden·z`, into `dHiddenPrevious`.
    @inline(__always)
    static func gruBackward(
        activations: UnsafePointer<Float>, recurrentNew: UnsafePointer<Float>, hiddenPrevious: UnsafePointer<Float>,
        dHidden: UnsafePointer<Float>, dInputGates: UnsafeMutablePointer<Float>,
        dRecurrentGates: UnsafeMutablePointer<Float>, dHiddenPrevious: UnsafeMutablePointer<Float>, units: Int
    ) {
        forEachBlock(units) { offset, count in
            let r = load(activations, offset, count)
            let z = load(activations, units + offset, count)
            let n = load(activations, 2 * units + offset, count)
            let dh = load(dHidden, offset, count)
            let dNew = dh * (1 - z) * (1 - n * n)
            let dReset = dNew * load(recurrentNew, offset, count) * r * (1 - r)
            let dUpdate = dh * (load(hiddenPrevious, offset, count) - n) * z * (1 - z)
            store(dReset, dInputGates, offset, count)
            store(dUpdate, dInputGates, units + offset, count)
            store(dNew, dInputGates, 2 * units + offset, count)
            store(dReset, dRecurrentGates, offset, count)
            store(dUpdate, dRecurrentGates, units + offset, count)
            store(dNew * r, dRecurrentGates, 2 * units + offset, count)
            store(dh * z, dHiddenPrevious, offset, count)
        }
    }

    /// Calls `body(offset, count)` for blocks of eight units, then once for the remaining `count` < 8.
    @inline(__always)
    private static func forEachBlock(_ units: Int, _ body: (_ offset: Int, _ count: Int) -> Void) {
        var offset = 0
        while offset + vectorWidth <= units {
            body(offset, vectorWidth)
            offset += vectorWidth
        }
        if offset < units { body(offset, units - offset) }
    }

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>, _ offset: Int, _ count: Int) -> FloatVector {
        count == vectorWidth ? pointer.vector(at: offset) : pointer.partialVector(at: offset, count: count)
    }

    @inline(__always)
    private static func load(_ pointer: UnsafeMutablePointer<Float>, _ offset: Int, _ count: Int) -> FloatVector {
        load(UnsafePointer(pointer), offset, count)
    }

    @inline(__always)
    private static func store(_ value: FloatVector, _ pointer: UnsafeMutablePointer<Float>, _ offset: Int, _ count: Int)
    {
        if count == vectorWidth {
            pointer.store(value, at: offset)
        } else {
            pointer.storePartial(value, at: offset, count: count)
        }
    }
}
