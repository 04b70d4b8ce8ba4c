/// Loops that apply a vector function to every element of a range, eight at a time.
///
/// The last partial vector is loaded into zero-filled lanes, passed through the same function and stored
/// back lane by lane, so every element sees exactly the same arithmetic. The closures are inlined into each
/// call site, which gives one specialised loop per operation.
enum VectorLoop {
    /// `y[i] = f(x[i])` for `i` in `range`; `y` may be `x`.
    @inline(__always)
    static func map(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>,
        _ f: (FloatVector) -> FloatVector
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
    @inline(__always)
    static func map(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        _ range: Range<Int>, _ f: (FloatVector, FloatVector) -> FloatVector
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

    /// `out[i] = f(a[i * aStride], b[i * bStride])` for `i` in `range`, with each stride 0 (one value
    /// broadcast) or 1; `out` may be an input with stride 1.
    @inline(__always)
    static func map(
        _ a: UnsafePointer<Float>, aStride: Int, _ b: UnsafePointer<Float>, bStride: Int,
        _ out: UnsafeMutablePointer<Float>, _ range: Range<Int>, _ f: (FloatVector, FloatVector) -> FloatVector
    ) {
        switch (aStride, bStride) {
        case (1, 1):
            map(a, b, out, range, f)
        case (0, 1):
            let first = FloatVector(repeating: a[0])
            map(b, out, range) { f(first, $0) }
        case (1, 0):
            let second = FloatVector(repeating: b[0])
            map(a, out, range) { f($0, second) }
        default:
            let value = f(FloatVector(repeating: a[0]), FloatVector(repeating: b[0]))[0]
            (out + range.lowerBound).update(repeating: value, count: range.count)
        }
    }

    /// `out[i] = f(a[i], b[i], c[i])`, or `out[i] += f(…)` when `accumulate`, for `i` in `range`.
    @inline(__always)
    static func map(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, _ range: Range<Int>, accumulate: Bool,
        _ f: (FloatVector, FloatVector, FloatVector) -> FloatVector
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

    /// Runs `body(index)` for every `index` in `0..<count`, in contiguous blocks split over the pool when
    /// `count * costPerIndex` is at least `grain` per thread.
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
