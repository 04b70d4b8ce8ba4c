import LeptonSupport

/// How ``WeightOfEvidence`` bins a numeric column (other column types are binned by category).
public enum WoEBinning: Sendable, Codable, Hashable {
    /// Equal-frequency bins (see ``BinningStrategy/quantile``).
    case quantile(bins: Int)
    /// Equal-width bins.
    case uniform(bins: Int)
    /// Supervised binning for scorecards (see ``OptimalBinning`` for the algorithm).
    case optimal(OptimalBinning)
}

/// Replaces columns by the weight of evidence of their bin, for scorecards, and reports information values.
///
/// Fitting needs a binary target column in the table: rows whose target equals `event` (e.g. `"bad"`, the
/// default) are events, the others non-events ("goods"). Numeric columns are binned by ``binning``;
/// categorical, text and boolean columns get one bin per category. Missing cells in fit form their own bin
/// (`missing`). For the formulas and the smoothing of empty cells see ``WoEBin``. The target column is only read
/// in fit: applying the fitted transform does not need it.
///
/// **Empty bins.** A numeric bin that no training row falls in (equal-width bins around an outlier, for example)
/// carries no evidence, so it is merged into its right neighbour (the last bin into its left one), as
/// ``OptimalBinning`` does with its fine bins: every fitted bin holds training rows, adds only what its rows
/// justify to the information value, and a value landing in the gap gets the weight of evidence of the bin it
/// was merged into.
///
/// **Rare categories.** A category holding fewer than ``minimumCategoryShare`` of the non-missing training rows
/// says little and can dominate the information value, so such categories share one bin, `other`, listed in
/// ``WoEColumn/pooledCategories``. If that bin is itself still smaller than the minimum, it joins the category
/// whose event rate is closest to its own (the smaller category on ties).
///
/// **Unknown values.** Under ``UnknownCategoryPolicy/ignore`` or ``UnknownCategoryPolicy/useUnknown``, an unseen
/// category, or a missing cell when fit saw none, gets weight of evidence 0 (no evidence either way) in
/// ``FittedWeightOfEvidence/apply(to:)`` and the `unknown` bin in ``FittedWeightOfEvidence/binIndices(for:)``
/// (see ``FittedWeightOfEvidence/binValues``), so scorecards score those applicants consistently.
public struct WeightOfEvidence: TableTransform {
    /// The columns to encode.
    public var columns: [String]
    /// The binary target column.
    public var target: String
    /// The target value that counts as an event (text of the value: `"bad"`, `"1"`, `"true"`).
    public var event: String
    /// How numeric columns are binned.
    public var binning: WoEBinning
    /// What to do with an unseen category, or a missing cell when fit had none: `.error` throws, the other
    /// policies give 0 (no evidence either way).
    public var unknown: UnknownCategoryPolicy
    /// The smallest share of non-missing training rows a category may hold in its own bin (0 keeps every category
    /// apart); rarer categories are pooled in an `other` bin. Encodings written before it existed decode with 0
    /// (every category apart), as they were fitted.
    @DefaultWhenMissing<ZeroWhenMissing<Double>> public var minimumCategoryShare: Double

    /// A weight-of-evidence encoder.
    /// - Parameters:
    ///   - columns: the columns to encode (not the target).
    ///   - target: the binary target column.
    ///   - event: the target value counted as an event (default `"bad"`).
    ///   - binning: numeric binning (default ``OptimalBinning`` with its defaults).
    ///   - unknown: the policy for unseen categories (default ``UnknownCategoryPolicy/error``).
    ///   - minimumCategoryShare: the smallest share of rows a category keeps its own bin with (default 0.05, as
    ///     ``OptimalBinning/minimumBinShare``; 0 disables pooling).
    public init(
        columns: [String], target: String, event: String = "bad", binning: WoEBinning = .optimal(OptimalBinning()),
        unknown: UnknownCategoryPolicy = .error, minimumCategoryShare: Double = 0.05
    ) {
        self.columns = columns
        self.target = target
        self.event = event
        self.binning = binning
        self.unknown = unknown
        self.minimumCategoryShare = minimumCategoryShare
    }

    /// Bins every column and computes the weights of evidence and information values.
    /// - Parameter table: the training data, with the target column.
    /// - Throws: ``TableError/unknownColumn(_:available:)``; ``TransformError/targetNotBinary(column:event:found:)``;
    ///   ``TransformError/missingValue(column:row:)`` for a missing target; ``TransformError/noValues(column:)``;
    ///   ``TransformError/nonFiniteValue(column:row:value:)``; ``TransformError/invalidSetting(name:value:requirement:)``
    ///   for a ``minimumCategoryShare`` outside `0..<1`.
    public func fit(on table: Table) throws -> FittedWeightOfEvidence {
        guard minimumCategoryShare >= 0 && minimumCategoryShare < 1 else {
            throw TransformError.invalidSetting(
                name: "minimumCategoryShare", value: "\(minimumCategoryShare)", requirement: "must be in 0..<1")
        }
        switch binning {
        case .quantile(let bins), .uniform(let bins):
            guard bins >= 1 else {
                throw TransformError.invalidSetting(name: "bins", value: "\(bins)", requirement: "must be >= 1")
            }
        case .optimal(let settings):
            guard settings.initialBins >= 1, settings.maximumBins >= 1 else {
                throw TransformError.invalidSetting(
                    name: "initialBins/maximumBins", value: "\(settings.initialBins)/\(settings.maximumBins)",
                    requirement: "must be >= 1")
            }
            guard settings.minimumBinShare >= 0 && settings.minimumBinShare < 1 else {
                throw TransformError.invalidSetting(
                    name: "minimumBinShare", value: "\(settings.minimumBinShare)", requirement: "must be in 0..<1")
            }
        }
        let targetKeys = try CategoryKeys(table.column(target))
        guard targetKeys.sortedDistinct.count == 2, targetKeys.sortedDistinct.contains(event) else {
            throw TransformError.targetNotBinary(column: target, event: event, found: targetKeys.sortedDistinct)
        }
        var isEvent: [Bool] = []
        for (row, key) in targetKeys.keys.enumerated() {
            guard let key else { throw TransformError.missingValue(column: target, row: row) }
            isEvent.append(key == event)
        }
        return FittedWeightOfEvidence(
            entries: try columns.map { try fitColumn(table.column($0), isEvent: isEvent) }, unknown: unknown)
    }

    private func fitColumn(_ column: Column, isEvent: [Bool]) throws -> WoEColumn {
        let totalBads = isEvent.lazy.filter { $0 }.count
        let totalGoods = isEvent.count - totalBads
        func bin(_ label: String, _ counts: BinCounts) -> WoEBin {
            WoEBin(label: label, goods: counts.goods, bads: counts.bads, totalGoods: totalGoods, totalBads: totalBads)
        }
        var missing = BinCounts(goods: 0, bads: 0)
        if case .numeric(let numbers) = column.data {
            var values: [Double] = []
            var events: [Bool] = []
            for (row, value) in numbers.enumerated() {
                guard let value else {
                    if isEvent[row] { missing.bads += 1 } else { missing.goods += 1 }
                    continue
                }
                guard value.isFinite else {
                    throw TransformError.nonFiniteValue(column: column.name, row: row, value: value)
                }
                values.append(value)
                events.append(isEvent[row])
            }
            guard !values.isEmpty else { throw TransformError.noValues(column: column.name) }
            var cuts = numericCuts(values, isEvent: events)
            var counts = [BinCounts](repeating: BinCounts(goods: 0, bads: 0), count: cuts.count + 1)
            for (value, event) in zip(values, events) {
                let index = Binning.index(of: value, cuts: cuts)
                if event { counts[index].bads += 1 } else { counts[index].goods += 1 }
            }
            Self.mergeEmptyBins(&counts, cuts: &cuts)
            return WoEColumn(
                column: column.name, cuts: cuts, categories: nil,
                bins: counts.indices.map { bin(Binning.label($0, cuts: cuts), counts[$0]) },
                missingBin: missing.count > 0 ? bin("missing", missing) : nil)
        }
        let keys = try CategoryKeys(column)
        guard !keys.sortedDistinct.isEmpty else { throw TransformError.noValues(column: column.name) }
        var counts: [String: BinCounts] = [:]
        for (key, event) in zip(keys.keys, isEvent) {
            guard let key else {
                if event { missing.bads += 1 } else { missing.goods += 1 }
                continue
            }
            counts[key, default: BinCounts(goods: 0, bads: 0)] =
                counts[key, default: BinCounts(goods: 0, bads: 0)]
                + BinCounts(goods: event ? 0 : 1, bads: event ? 1 : 0)
        }
        let nonMissing = counts.values.reduce(0) { $0 + $1.count }
        let minimumCount = minimumCategoryShare * Double(nonMissing)
        let kept = keys.sortedDistinct.filter { Double(counts[$0]!.count) >= minimumCount }
        let rare = keys.sortedDistinct.filter { Double(counts[$0]!.count) < minimumCount }
        var binCounts = kept.map { counts[$0]! }
        var labels = kept
        var pooled: [String: Int]?
        if !rare.isEmpty {
            let other = rare.reduce(BinCounts(goods: 0, bads: 0)) { $0 + counts[$1]! }
            var target = binCounts.count
            if Double(other.count) < minimumCount, !binCounts.isEmpty {
                // Still too small on its own: join the kept category with the closest event rate.
                target = binCounts.indices.min { left, right in
                    let a = Swift.abs(binCounts[left].eventRate - other.eventRate)
                    let b = Swift.abs(binCounts[right].eventRate - other.eventRate)
                    return a != b ? a < b : binCounts[left].count < binCounts[right].count
                }!
                binCounts[target] = binCounts[target] + other
                labels[target] += " + other"
            } else {
                binCounts.append(other)
                labels.append("other")
            }
            pooled = Dictionary(uniqueKeysWithValues: rare.map { ($0, target) })
        }
        return WoEColumn(
            column: column.name, cuts: nil, categories: kept,
            bins: binCounts.indices.map { bin(labels[$0], binCounts[$0]) },
            missingBin: missing.count > 0 ? bin("missing", missing) : nil, pooledCategories: pooled)
    }

    /// Merges every empty bin into its right neighbour (the last into its left one), removing the cut between.
    static func mergeEmptyBins(_ counts: inout [BinCounts], cuts: inout [Double]) {
        var index = 0
        while index < counts.count && counts.count > 1 {
            guard counts[index].count == 0 else {
                index += 1
                continue
            }
            if index < counts.count - 1 {
                counts[index + 1] = counts[index + 1] + counts[index]
                cuts.remove(at: index)
            } else {
                counts[index - 1] = counts[index - 1] + counts[index]
                cuts.remove(at: index - 1)
            }
            counts.remove(at: index)
        }
    }

    private func numericCuts(_ values: [Double], isEvent: [Bool]) -> [Double] {
        switch binning {
        case .quantile(let bins): return Binning.cuts(values, bins: bins, strategy: .quantile)
        case .uniform(let bins): return Binning.cuts(values, bins: bins, strategy: .uniform)
        case .optimal(let settings): return settings.cuts(values: values, isEvent: isEvent)
        }
    }
}

/// The fitted bins of one column of a ``FittedWeightOfEvidence``.
public struct WoEColumn: Sendable, Codable, Equatable {
    /// The column.
    public let column: String
    /// Numeric columns: the interior cut points (bin 0 is `x < cuts[0]`, bin i is `cuts[i−1] ≤ x < cuts[i]`).
    public let cuts: [Double]?
    /// Other columns: the categories with a bin of their own, one per bin in natural order; a pooled `other` bin,
    /// when there is one, comes last with no entry here.
    public let categories: [String]?
    /// The bins, in order.
    public let bins: [WoEBin]
    /// The bin of missing cells, when fit saw any.
    public let missingBin: WoEBin?
    /// Categories too rare for a bin of their own (see ``WeightOfEvidence/minimumCategoryShare``) and the index of
    /// the bin they were pooled into; `nil` when none were.
    public let pooledCategories: [String: Int]?

    /// The fitted bins of one column.
    /// - Parameters:
    ///   - column: the column.
    ///   - cuts: numeric columns' interior cut points.
    ///   - categories: other columns' categories with a bin of their own.
    ///   - bins: the bins.
    ///   - missingBin: the bin of missing cells.
    ///   - pooledCategories: rare categories and their bin.
    public init(
        column: String, cuts: [Double]?, categories: [String]?, bins: [WoEBin], missingBin: WoEBin?,
        pooledCategories: [String: Int]? = nil
    ) {
        self.column = column
        self.cuts = cuts
        self.categories = categories
        self.bins = bins
        self.missingBin = missingBin
        self.pooledCategories = pooledCategories
    }

    /// The bin index of each category fit saw, pooled ones included.
    var categoryBins: [String: Int] {
        var indexOf: [String: Int] = pooledCategories ?? [:]
        for (index, category) in (categories ?? []).enumerated() { indexOf[category] = index }
        return indexOf
    }

    /// The information value of the column: the sum over its bins (the missing bin included).
    ///
    /// Rules of thumb: < 0.02 useless, 0.02–0.1 weak, 0.1–0.3 medium, > 0.3 strong, > 0.5 suspicious.
    public var informationValue: Double {
        bins.reduce(missingBin?.informationValue ?? 0) { $0 + $1.informationValue }
    }
}

/// A fitted ``WeightOfEvidence``: the bins, weights of evidence and information values of each column.
public struct FittedWeightOfEvidence: FittedTableTransform {
    /// One entry per column, in the order given.
    public let entries: [WoEColumn]
    /// The policy for unseen categories.
    public let unknown: UnknownCategoryPolicy

    /// The encoded columns (same names as the inputs).
    public var outputColumns: [String] { entries.map(\.column) }

    /// The information value of each column.
    public var informationValues: [String: Double] {
        Dictionary(uniqueKeysWithValues: entries.map { ($0.column, $0.informationValue) })
    }

    /// Replaces each value by the weight of evidence of its bin.
    /// - Parameter table: data with the fitted columns (the target column is not needed).
    /// - Throws: ``TableError``; under ``UnknownCategoryPolicy/error``, ``TransformError/unseenCategory(column:value:row:)``
    ///   or ``TransformError/missingValue(column:row:)`` for a missing cell when fit saw none.
    public func apply(to table: Table) throws -> Table {
        var result = ColumnEditor(table)
        for entry in entries {
            let column = try result.column(entry.column)
            let woes: [Double?]
            if let cuts = entry.cuts {
                guard case .numeric(let values) = column.data else {
                    throw TableError.wrongColumnType(column: column.name, expected: .numeric, actual: column.type)
                }
                woes = try values.enumerated().map { row, value in
                    guard let value else { return try missingWoE(entry, row: row) }
                    // NaN is not a bin; it stays NaN and is reported by `features(from:)`.
                    return value.isNaN ? value : entry.bins[Binning.index(of: value, cuts: cuts)].woe
                }
            } else {
                let woeOf = entry.categoryBins.mapValues { entry.bins[$0].woe }
                woes = try CategoryKeys(column).keys.enumerated().map { row, key in
                    guard let key else { return try missingWoE(entry, row: row) }
                    if let woe = woeOf[key] { return woe }
                    if unknown == .error {
                        throw TransformError.unseenCategory(column: entry.column, value: key, row: row)
                    }
                    return 0
                }
            }
            try result.replaceNumbers(entry.column, with: woes)
        }
        return try result.table()
    }

    /// The encoded value of every bin of every column, in the order of ``binIndices(for:)``: the bins' weights of
    /// evidence, then the missing bin's when fit saw missing cells, then 0 for the `unknown` bin unless the policy
    /// is ``UnknownCategoryPolicy/error``. Pass it with ``binLabels`` to a scorecard.
    public var binValues: [[Double]] {
        entries.map { entry in
            entry.bins.map(\.woe) + (entry.missingBin.map { [$0.woe] } ?? []) + (unknown == .error ? [] : [0])
        }
    }

    /// The label of every bin of every column, in the order of ``binValues``; the unknown bin is `unknown`.
    public var binLabels: [[String]] {
        entries.map { entry in
            entry.bins.map(\.label) + (entry.missingBin.map { [$0.label] } ?? [])
                + (unknown == .error ? [] : ["unknown"])
        }
    }

    /// The bin of each row in each column: `result[row][column]` indexes `binValues[column]`: the bins, then
    /// the missing bin (index `bins.count`) when fit saw missing cells, then the unknown bin when the policy is
    /// not ``UnknownCategoryPolicy/error`` (for scorecards and reason codes, which work per bin).
    ///
    /// - Parameter table: Data with the fitted columns.
    /// - Returns: One array of bin indices per row, in the order of ``entries``.
    /// - Throws: ``TableError``; under ``UnknownCategoryPolicy/error``,
    ///   ``TransformError/unseenCategory(column:value:row:)`` for a category fit did not see and
    ///   ``TransformError/missingValue(column:row:)`` for a missing cell when fit saw none.
    public func binIndices(for table: Table) throws -> [[Int]] {
        var byColumn: [[Int]] = []
        for entry in entries {
            let column = try table.column(entry.column)
            if let cuts = entry.cuts {
                guard case .numeric(let values) = column.data else {
                    throw TableError.wrongColumnType(column: column.name, expected: .numeric, actual: column.type)
                }
                byColumn.append(
                    try values.enumerated().map { row, value in
                        guard let value, !value.isNaN else { return try missingBinIndex(entry, row: row) }
                        return Binning.index(of: value, cuts: cuts)
                    })
            } else {
                let indexOf = entry.categoryBins
                byColumn.append(
                    try CategoryKeys(column).keys.enumerated().map { row, key in
                        guard let key else { return try missingBinIndex(entry, row: row) }
                        guard let index = indexOf[key] else {
                            if unknown == .error {
                                throw TransformError.unseenCategory(column: entry.column, value: key, row: row)
                            }
                            return unknownBinIndex(entry)
                        }
                        return index
                    })
            }
        }
        return (0..<table.rowCount).map { row in byColumn.map { $0[row] } }
    }

    private func missingBinIndex(_ entry: WoEColumn, row: Int) throws -> Int {
        if entry.missingBin != nil { return entry.bins.count }
        if unknown == .error { throw TransformError.missingValue(column: entry.column, row: row) }
        return unknownBinIndex(entry)
    }

    private func unknownBinIndex(_ entry: WoEColumn) -> Int {
        entry.bins.count + (entry.missingBin == nil ? 0 : 1)
    }

    private func missingWoE(_ entry: WoEColumn, row: Int) throws -> Double {
        if let bin = entry.missingBin { return bin.woe }
        if unknown == .error { throw TransformError.missingValue(column: entry.column, row: row) }
        return 0
    }
}
