/// A seeded generator for test data, so every failure reproduces.
struct TestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// A float uniform in `range`.
    mutating func float(in range: ClosedRange<Float> = -1...1) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }

    /// `count` floats uniform in `range`.
    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in float(in: range) }
    }

    /// An integer uniform in `range`.
    mutating func int(in range: Range<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

/// The largest absolute difference between two arrays of the same length; `.infinity` when a NaN faces a number (or
/// an infinity faces anything else), so a NaN never passes a tolerance. A NaN facing a NaN matches: the GEMM tests
/// fill padding with NaN garbage that must come back untouched.
func maxAbsDifference(_ x: [Float], _ y: [Float]) -> Float {
    precondition(x.count == y.count, "compared arrays differ in length: \(x.count) vs \(y.count)")
    var worst: Float = 0
    for (u, v) in zip(x, y) where u != v && !(u.isNaN && v.isNaN) {
        let difference = abs(u - v)
        guard difference.isFinite else { return .infinity }
        worst = max(worst, difference)
    }
    return worst
}
