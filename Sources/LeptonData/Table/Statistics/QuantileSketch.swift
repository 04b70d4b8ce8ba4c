import LeptonSupport

/// Quantiles of a stream in bounded memory, exact for short streams.
///
/// The first `exactLimit` values are kept as they are, so quantiles are exact up to that count. Beyond it
/// the sketch is a hierarchy of compactors (as in Karnin, Lang & Liberty's KLL, with equal capacities):
/// level `h` holds up to `levelCapacity` values that each stand for `2^h` original values; a full level is
/// sorted and every other value (alternating between odd and even positions) moves up one level with double
/// weight. One compaction of level `h` changes the weighted rank of any value by at most `2^h`, so the sum
/// of `2^h` over all compactions bounds the rank error of every quantile; ``rankErrorBound`` reports it as a
/// fraction of the count. It is at most about `log2(n / levelCapacity) / levelCapacity` (under 1% for
/// `levelCapacity = 2048` up to 10^12 values), and the actual error is typically far smaller.
/// Memory: `levelCapacity` doubles per level, about `log2(n / levelCapacity)` levels.
struct QuantileSketch {
    let exactLimit: Int
    let levelCapacity: Int
    private var exactValues: [Double] = []
    private var levels: [[Double]] = []
    private var takesOddPositions: [Bool] = []
    /// Sum of `2^h` over all compactions so far: the rank-error bound in values.
    private var rankErrorWeight = 0.0
    private(set) var count = 0

    init(exactLimit: Int, levelCapacity: Int) {
        precondition(
            levelCapacity >= 2 && levelCapacity % 2 == 0,
            "QuantileSketch: levelCapacity \(levelCapacity) must be even and >= 2")
        self.exactLimit = exactLimit
        self.levelCapacity = levelCapacity
    }

    /// Whether quantiles are still computed from every value.
    var isExact: Bool { levels.isEmpty }

    /// The guaranteed bound on the rank error of ``quantile(_:)`` as a fraction of ``count`` (0 if exact).
    var rankErrorBound: Double { count == 0 ? 0 : rankErrorWeight / Double(count) }

    mutating func add(_ value: Double) {
        count += 1
        if isExact {
            exactValues.append(value)
            if exactValues.count > exactLimit {
                levels = [[]]
                takesOddPositions = [false]
                let values = exactValues
                exactValues = []
                for stored in values { insert(stored) }
            }
            return
        }
        insert(value)
    }

    private mutating func insert(_ value: Double) {
        levels[0].append(value)
        if levels[0].count >= levelCapacity { compact(level: 0) }
    }

    private mutating func compact(level: Int) {
        if level + 1 == levels.count {
            levels.append([])
            takesOddPositions.append(false)
        }
        DoubleSorting.sort(&levels[level])
        let start = takesOddPositions[level] ? 1 : 0
        takesOddPositions[level].toggle()
        for index in stride(from: start, to: levels[level].count, by: 2) {
            levels[level + 1].append(levels[level][index])
        }
        levels[level].removeAll(keepingCapacity: true)
        rankErrorWeight += Double(1 << level)
        if levels[level + 1].count >= levelCapacity { compact(level: level + 1) }
    }

    /// Compacted levels of the exact values, made by ``prepareForMerge()`` so that a merge into a sketch that is
    /// no longer exact does not have to insert them one by one.
    private var preparedLevels: [[Double]]?
    private var preparedRankErrorWeight = 0.0

    /// Builds the compacted form of the exact values (if exact) ahead of ``merge(_:)``: work a parallel caller
    /// does on its own thread. The quantiles of this sketch do not change.
    ///
    /// The values are sorted once and halved (every other value, with double weight) until fewer than
    /// `levelCapacity` remain: halving a sorted sequence at weight `2^h` moves any rank by at most `2^h`, so the
    /// rank-error weight is `2^h − 1` for `h` halvings, less than compacting the values one level at a time.
    mutating func prepareForMerge() {
        guard isExact, count >= levelCapacity else { return }
        var values = exactValues
        DoubleSorting.sort(&values)
        var level = 0
        var weight = 0.0
        while values.count >= levelCapacity {
            let start = level % 2
            values = stride(from: start, to: values.count, by: 2).map { values[$0] }
            weight += Double(1 << level)
            level += 1
        }
        preparedLevels = [[Double]](repeating: [], count: level) + [values]
        preparedRankErrorWeight = weight
    }

    /// Adds the values `other` summarises (same capacities).
    ///
    /// While the two together hold at most `exactLimit` values the result is exact and equal to adding the values
    /// one by one. Otherwise the levels are concatenated and compacted (a KLL merge): the quantiles can differ
    /// from a sequential pass, but ``rankErrorBound`` still bounds their rank error, since it adds both
    /// summaries' compaction weights and those of the merge.
    mutating func merge(_ other: QuantileSketch) {
        precondition(
            other.levelCapacity == levelCapacity && other.exactLimit == exactLimit,
            "QuantileSketch.merge: the sketches have different capacities")
        guard other.count > 0 else { return }
        if isExact && other.isExact && count + other.count <= exactLimit {
            exactValues.append(contentsOf: other.exactValues)
            count += other.count
            return
        }
        if isExact {
            let values = exactValues
            exactValues = []
            levels = [[]]
            takesOddPositions = [false]
            for value in values { insert(value) }
        }
        let otherLevels: [[Double]]
        if other.isExact {
            if let prepared = other.preparedLevels {
                otherLevels = prepared
                rankErrorWeight += other.preparedRankErrorWeight
            } else {
                otherLevels = [other.exactValues]
            }
        } else {
            otherLevels = other.levels
            rankErrorWeight += other.rankErrorWeight
        }
        for (level, values) in otherLevels.enumerated() {
            while levels.count <= level {
                levels.append([])
                takesOddPositions.append(false)
            }
            levels[level].append(contentsOf: values)
        }
        count += other.count
        var level = 0
        while level < levels.count {
            if levels[level].count >= levelCapacity { compact(level: level) }
            level += 1
        }
    }

    /// The `p`-quantile by linear interpolation between the values at ranks ⌊p·(n−1)⌋ and ⌊p·(n−1)⌋ + 1,
    /// as ``Table/describe()`` computes it; `nil` when empty.
    func quantile(_ p: Double) -> Double? { quantiles([p])?.first }

    /// Several quantiles at once (one sort of the retained values).
    func quantiles(_ ps: [Double]) -> [Double]? {
        guard count > 0 else { return nil }
        if isExact {
            var sorted = exactValues
            DoubleSorting.sort(&sorted)
            return ps.map { Quantile.linear(sorted: sorted, $0) }
        }
        var weighted: [(value: Double, weight: Int)] = []
        for (level, values) in levels.enumerated() { for value in values { weighted.append((value, 1 << level)) } }
        weighted.sort { $0.value < $1.value }
        var cumulative: [Int] = []
        var total = 0
        for item in weighted {
            total += item.weight
            cumulative.append(total)
        }
        /// The value at 0-based rank `rank` of the weighted sequence.
        func value(atRank rank: Int) -> Double {
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] > rank { high = middle } else { low = middle + 1 }
            }
            return weighted[low].value
        }
        return ps.map { p in
            let position = p * Double(total - 1)
            let lower = Int(position.rounded(.down))
            let fraction = position - Double(lower)
            let lowerValue = value(atRank: lower)
            return lowerValue + (value(atRank: min(lower + 1, total - 1)) - lowerValue) * fraction
        }
    }
}
