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

    /// A weight-of-evidence encoder.
    /// - Parameters:
    ///   - columns: the columns to encode (not the target).
    ///   - target: the binary target column.
    ///   - event: the target value counted as an event (default `"bad"`).
    ///   - binning: numeric binning (default ``OptimalBinning`` with its defaults).
    ///   - unknown: the policy for unseen categories (default ``UnknownCategoryPolicy/error``).
    public init(
        columns: [String], target: String, event: String = "bad", binning: WoEBinning = .optimal(OptimalBinning()),
        unknown: UnknownCategoryPolicy = .error
    ) {
        self.columns = columns
        self.target = target
        self.event = event
        self.binning = binning
        self.unknown = unknown
    }

    /// Bins every column and computes the weights of evidence and information values.
    /// - Parameter table: the training data, with the target column.
    /// - Throws: ``TableError/unknownColumn(_:available:)``; ``TransformError/targetNotBinary(column:event:found:)``;
    ///   ``TransformError/missingValue(column:row:)`` for a missing target; ``TransformError/noValues(column:)``;
    ///   ``TransformError/nonFiniteValue(column:row:value:)``.
    public func fit(on table: Table) throws -> FittedWeightOfEvidence {
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
            let cuts = numericCuts(values, isEvent: events)
            var counts = [BinCounts](repeating: BinCounts(goods: 0, bads: 0), count: cuts.count + 1)
            for (value, event) in zip(values, events) {
                let index = Binning.index(of: value, cuts: cuts)
                if event { counts[index].bads += 1 } else { counts[index].goods += 1 }
            }
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
        return WoEColumn(
            column: column.name, cuts: nil, categories: keys.sortedDistinct,
            bins: keys.sortedDistinct.map { bin($0, counts[$0]!) },
            missingBin: missing.count > 0 ? bin("missing", missing) : nil)
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
    /// Other columns: one category per bin, in natural order.
    public let categories: [String]?
    /// The bins, in order.
    public let bins: [WoEBin]
    /// The bin of missing cells, when fit saw any.
    public let missingBin: WoEBin?

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
        var result = table
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
                var woeOf: [String: Double] = [:]
                for (category, bin) in zip(entry.categories ?? [], entry.bins) { woeOf[category] = bin.woe }
                woes = try CategoryKeys(column).keys.enumerated().map { row, key in
                    guard let key else { return try missingWoE(entry, row: row) }
                    if let woe = woeOf[key] { return woe }
                    if unknown == .error {
                        throw TransformError.unseenCategory(column: entry.column, value: key, row: row)
                    }
                    return 0
                }
            }
            result = try ColumnAccess.replacingNumbers(result, entry.column, with: woes)
        }
        return result
    }

    /// The bin of each row in each column: `result[row][column]` indexes `entries[column].bins`, and
    /// `bins.count` stands for the missing bin (for scorecards and reason codes, which work per bin).
    ///
    /// - Parameter table: Data with the fitted columns.
    /// - Returns: One array of bin indices per row, in the order of ``entries``.
    /// - Throws: ``TableError``; ``TransformError/unseenCategory(column:value:row:)`` for a category fit did not
    ///   see, ``TransformError/missingValue(column:row:)`` for a missing cell when fit saw none, whatever the
    ///   policy (a bin index cannot stand for an unknown value).
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
                var indexOf: [String: Int] = [:]
                for (index, category) in (entry.categories ?? []).enumerated() { indexOf[category] = index }
                byColumn.append(
                    try CategoryKeys(column).keys.enumerated().map { row, key in
                        guard let key else { return try missingBinIndex(entry, row: row) }
                        guard let index = indexOf[key] else {
                            throw TransformError.unseenCategory(column: entry.column, value: key, row: row)
                        }
                        return index
                    })
            }
        }
        return (0..<table.rowCount).map { row in byColumn.map { $0[row] } }
    }

    private func missingBinIndex(_ entry: WoEColumn, row: Int) throws -> Int {
        guard entry.missingBin != nil else { throw TransformError.missingValue(column: entry.column, row: row) }
        return entry.bins.count
    }

    private func missingWoE(_ entry: WoEColumn, row: Int) throws -> Double {
        if let bin = entry.missingBin { return bin.woe }
        if unknown == .error { throw TransformError.missingValue(column: entry.column, row: row) }
        return 0
    }
}
