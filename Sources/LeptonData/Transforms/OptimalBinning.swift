/// Settings of the supervised binning of ``WoEBinning/optimal(_:)``, for scorecards.
///
/// The algorithm (greedy bottom-up merging of adjacent bins, which keeps as much information value as it can
/// under the constraints):
/// 1. **Fine bins.** Cut points at the quantiles `i / initialBins` (i = 1 … initialBins−1, linear
///    interpolation) of the training values, duplicates removed; empty bins merge into their right neighbour
///    (the last into its left one).
/// 2. **Size and purity.** While more than one bin exists and some bin holds fewer than
///    `minimumBinShare` of the non-missing rows, or has no events or no non-events: take the smallest such
///    bin (the leftmost on ties) and merge it with the neighbour whose event rate is closer to its own (the
///    left one on ties).
/// 3. **Monotonic event rate** (when `monotonic`): for each direction, increasing and decreasing, repeatedly
///    merge, among the adjacent pairs whose event rates are not strictly in that direction, the pair whose
///    merge loses the least information value (the leftmost on ties), until the rates are strictly monotonic.
///    Keep the direction with the larger total information value (increasing on ties).
/// 4. **Bin count.** While there are more than `maximumBins` bins, merge the adjacent pair whose merge loses
///    the least information value (the leftmost on ties); merging neighbours keeps rates monotonic and bins
///    large enough.
///
/// Information value here is computed against the column's non-missing rows, with ``WoEBin``'s smoothing.
public struct OptimalBinning: Sendable, Codable, Hashable {
    /// The number of fine quantile bins to start from.
    public var initialBins: Int
    /// The most bins to keep.
    public var maximumBins: Int
    /// The smallest share of non-missing training rows a bin may hold (0 to disable).
    public var minimumBinShare: Double
    /// Whether the event rate must be strictly monotonic across bins.
    public var monotonic: Bool

    /// Settings for supervised binning (checked when a ``WeightOfEvidence`` using them is fitted).
    /// - Parameters:
    ///   - initialBins: fine quantile bins to start from (default 20).
    ///   - maximumBins: the most bins to keep (default 6).
    ///   - minimumBinShare: the smallest share of rows per bin (default 0.05).
    ///   - monotonic: require a strictly monotonic event rate (default `true`).
    public init(initialBins: Int = 20, maximumBins: Int = 6, minimumBinShare: Double = 0.05, monotonic: Bool = true) {
        self.initialBins = initialBins
        self.maximumBins = maximumBins
        self.minimumBinShare = minimumBinShare
        self.monotonic = monotonic
    }

    /// The interior cut points for training `values` with their event flags (`isEvent[i]` for `values[i]`).
    func cuts(values: [Double], isEvent: [Bool]) -> [Double] {
        var state = MergeState(values: values, isEvent: isEvent, initialBins: initialBins)
        state.enforceSizeAndPurity(minimumCount: minimumBinShare * Double(values.count))
        if monotonic {
            var increasing = state
            increasing.enforceMonotonic(increasing: true)
            var decreasing = state
            decreasing.enforceMonotonic(increasing: false)
            state = decreasing.totalInformationValue > increasing.totalInformationValue ? decreasing : increasing
        }
        while state.bins.count > maximumBins {
            state.merge(state.cheapestPair(among: Array(0..<(state.bins.count - 1))))
        }
        return state.cuts
    }
}

/// Bins and the cut points between them (`cuts[j]` separates `bins[j]` and `bins[j + 1]`) during merging.
private struct MergeState {
    var bins: [BinCounts]
    var cuts: [Double]
    let totalGoods: Int
    let totalBads: Int

    init(values: [Double], isEvent: [Bool], initialBins: Int) {
        let fineCuts = Binning.cuts(values, bins: initialBins, strategy: .quantile)
        var counts = [BinCounts](repeating: BinCounts(goods: 0, bads: 0), count: fineCuts.count + 1)
        for (value, event) in zip(values, isEvent) {
            let bin = Binning.index(of: value, cuts: fineCuts)
            if event { counts[bin].bads += 1 } else { counts[bin].goods += 1 }
        }
        bins = counts
        cuts = fineCuts
        totalBads = isEvent.lazy.filter { $0 }.count
        totalGoods = values.count - totalBads
        var index = 0
        while index < bins.count && bins.count > 1 {
            if bins[index].count == 0 {
                merge(index < bins.count - 1 ? index : index - 1)
            } else {
                index += 1
            }
        }
    }

    /// Merges bins `pair` and `pair + 1`.
    mutating func merge(_ pair: Int) {
        bins[pair] = bins[pair] + bins[pair + 1]
        bins.remove(at: pair + 1)
        cuts.remove(at: pair)
    }

    func informationValue(_ bin: BinCounts) -> Double {
        bin.informationValue(totalGoods: totalGoods, totalBads: totalBads)
    }

    var totalInformationValue: Double { bins.reduce(0) { $0 + informationValue($1) } }

    /// Among `pairs`, the one whose merge loses the least information value (the first on ties).
    func cheapestPair(among pairs: [Int]) -> Int {
        var best = pairs[0]
        var bestLoss = Double.infinity
        for pair in pairs {
            let loss =
                informationValue(bins[pair]) + informationValue(bins[pair + 1])
                - informationValue(bins[pair] + bins[pair + 1])
            if loss < bestLoss {
                best = pair
                bestLoss = loss
            }
        }
        return best
    }

    mutating func enforceSizeAndPurity(minimumCount: Double) {
        while bins.count > 1 {
            let offending = bins.indices.filter {
                Double(bins[$0].count) < minimumCount || bins[$0].goods == 0 || bins[$0].bads == 0
            }
            guard let smallest = offending.min(by: { bins[$0].count < bins[$1].count }) else { return }
            if smallest == 0 {
                merge(0)
            } else if smallest == bins.count - 1 {
                merge(smallest - 1)
            } else {
                let rate = bins[smallest].eventRate
                let leftDistance = abs(bins[smallest - 1].eventRate - rate)
                let rightDistance = abs(bins[smallest + 1].eventRate - rate)
                merge(rightDistance < leftDistance ? smallest : smallest - 1)
            }
        }
    }

    mutating func enforceMonotonic(increasing: Bool) {
        while bins.count > 1 {
            let violating = (0..<(bins.count - 1)).filter { pair in
                let left = bins[pair].eventRate
                let right = bins[pair + 1].eventRate
                return increasing ? !(right > left) : !(right < left)
            }
            if violating.isEmpty { return }
            merge(cheapestPair(among: violating))
        }
    }
}
