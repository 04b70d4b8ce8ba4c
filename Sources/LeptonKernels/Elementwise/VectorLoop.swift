/// A function of one vector, applied by ``VectorLoop``.
///
/// Loops take the function as a generic parameter rather than a closure: each conforming type gets its own
/// specialised loop with the function inlined, where a closure called from a large function may stay an
/// out-of-line call per vector.
protocol UnaryVectorFunction {
    /// The function's value on eight lanes.
    func callAsFunction(_ x: FloatVector) -> FloatVector
}

/// A function of two vectors, applied by ``VectorLoop``.
protocol BinaryVectorFunction {
    /// The function's value on eight lanes.
    func callAsFunction(_ a: FloatVector, _ b: FloatVector) -> FloatVector
}

/// A function of three vectors, applied by ``VectorLoop``.
protocol TernaryVectorFunction {
    /// The function's value on eight lanes.
    func callAsFunction(_ a: FloatVector, _ b: FloatVector, _ c: FloatVector) -> FloatVector
}

/// Loops that apply a vector function to every element of a range, eight at a time.
///
/// The last partial vector is loaded into zero-filled lanes, passed through the same function and stored
/// back lane by lane, so every element sees exactly the same arithmetic.
enum VectorLoop {
    /// `y[i] = f(x[i])` for `i` in `range`; `y` may be `x`.
    static func map<F: UnaryVectorFunction>(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>, _ f: F
    ) {
        var index = range.lowerBound
        while index + vectorWidth <= range.upperBound {
            y.store(f(x.vector(at: index)), at: index)
            index += vectorWidth
        }
        let rest = range.upperBound - index
        if rest > 0 {
            y.storePartial(f(x.partialVector(at: index, count: rest)), at: index, count: rest)
        }
    }

    /// `out[i] = f(a[i], b[i])` for `i` in `range`; `out` may be `a` or `b`.
    static func map<F: BinaryVectorFunction>(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        _ range: Range<Int>, _ f: F
    ) {
        var index = range.lowerBound
        while index + vectorWidth <= range.upperBound {
            out.store(f(a.vector(at: index), b.vector(at: index)), at: index)
            index += vectorWidth
        }
        let rest = range.upperBound - index
        if rest > 0 {
            let value = f(a.partialVector(at: index, count: rest), b.partialVector(at: index, count: rest))
            out.storePartial(value, at: index, count: rest)
        }
    }

    /// `out[i] = f(a[i·aStride], b[i·bStride])` for `i` in `range`, with each stride 0 (one value
    /// broadcast) or 1; `out` may be an input with stride 1.
    static func map<F: BinaryVectorFunction>(
        _ a: UnsafePointer<Float>, aStride: Int, _ b: UnsafePointer<Float>, bStride: Int,
        _ out: UnsafeMutablePointer<Float>, _ range: Range<Int>, _ f: F
    ) {
        switch (aStride, bStride) {
        case (1, 1):
            map(a, b, out, range, f)
        case (0, 1):
            map(b, out, range, BroadcastLeft(function: f, left: FloatVector(repeating: a[0])))
        case (1, 0):
            map(a, out, range, BroadcastRight(function: f, right: FloatVector(repeating: b[0])))
        default:
            let value = f(FloatVector(repeating: a[0]), FloatVector(repeating: b[0]))[0]
            (out + range.lowerBound).update(repeating: value, count: range.count)
        }
    }

    /// `out[i] = f(a[i], b[i], c[i])`, or `out[i] += f(…)` when `accumulate`, for `i` in `range`.
    static func map<F: TernaryVectorFunction>(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, _ range: Range<Int>, accumulate: Bool, _ f: F
    ) {
        var index = range.lowerBound
        while index + vectorWidth <= range.upperBound {
            var value = f(a.vector(at: index), b.vector(at: index), c.vector(at: index))
            if accumulate { value += out.vector(at: index) }
            out.store(value, at: index)
            index += vectorWidth
        }
        let rest = range.upperBound - index
        if rest > 0 {
            var value = f(
                a.partialVector(at: index, count: rest), b.partialVector(at: index, count: rest),
                c.partialVector(at: index, count: rest))
            if accumulate { value += UnsafePointer(out).partialVector(at: index, count: rest) }
            out.storePartial(value, at: index, count: rest)
        }
    }
}

/// `f(left, x)` with a fixed left operand.
private struct BroadcastLeft<F: BinaryVectorFunction>: UnaryVectorFunction {
    let function: F
    let left: FloatVector
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { function(left, x) }
}

/// `f(x, right)` with a fixed right operand.
private struct BroadcastRight<F: BinaryVectorFunction>: UnaryVectorFunction {
    let function: F
    let right: FloatVector
    @inline(__always) func callAsFunction(_ x: FloatVector) -> FloatVector { function(x, right) }
}

/// Splitting a flat range of elements over a ``ThreadPool``.
enum ParallelSplit {
    /// Runs `body` over `0..<count` cut into contiguous ranges, one per thread, when every range gets at
    /// least `grain` elements; otherwise runs `body(0..<count)` on the calling thread.
    ///
    /// Range boundaries are multiples of 16 elements (64 bytes), so threads do not share cache lines.
    static func forEachRange(count: Int, grain: Int, pool: ThreadPool, _ body: (Range<Int>) -> Void) {
        let pieces = min(pool.threadCount, count / max(grain, 1))
        guard pieces > 1 else {
            body(0..<count)
            return
        }
        let step = roundUp((count + pieces - 1) / pieces, 16)
        let rangeCount = (count + step - 1) / step
        pool.parallelFor(rangeCount) { piece in
            body((piece * step)..<min(count, (piece + 1) * step))
        }
    }

    /// Runs `body` over `0..<count` in contiguous blocks, split over the pool when `count · costPerIndex`
    /// gives every thread at least `grain`.
    static func forEach(count: Int, costPerIndex: Int, grain: Int, pool: ThreadPool, _ body: (Range<Int>) -> Void) {
        let total = count * max(costPerIndex, 1)
        let pieces = min(pool.threadCount, count, total / max(grain, 1))
        guard pieces > 1 else {
            body(0..<count)
            return
        }
        pool.parallelFor(pieces) { piece in
            body((count * piece / pieces)..<(count * (piece + 1) / pieces))
        }
    }
}
