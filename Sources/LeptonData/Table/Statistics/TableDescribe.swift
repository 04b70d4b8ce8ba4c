import LeptonSupport

extension Table {
    /// How many of the most frequent values ``describe()`` lists per non-numeric column.
    static let describedTopValueCount = 5

    /// Summary statistics of every column, computed exactly in memory.
    ///
    /// Numeric columns: count, missing, mean, sample standard deviation (n − 1), minimum, quartiles by linear
    /// interpolation (as pandas' `describe`), maximum, distinct values. Other columns: count, missing,
    /// distinct values and the five most frequent values. NaN counts as missing.
    /// For files too large for memory use ``StreamingDescriber``.
    public func describe() -> TableDescription {
        TableDescription(rowCount: rowCount, columns: columns.map(Self.describe))
    }

    private static func describe(_ column: Column) -> ColumnDescription {
        switch column.data {
        case .numeric(let values):
            let present = values.compactMap { $0 }.filter { !$0.isNaN }
            return ColumnDescription(
                name: column.name, type: .numeric, count: present.count, missing: values.count - present.count,
                distinct: Set(present.map { $0 == 0 ? 0 : $0 }).count, distinctIsExact: true,
                numbers: numericSummary(present), topValues: [], topCountsMaxUndercount: 0)
        case .categorical(let values):
            return describeStrings(column, values.values)
        case .text(let values):
            return describeStrings(column, values)
        case .boolean(let values):
            return describeStrings(column, values.map { $0.map { $0 ? "true" : "false" } })
        }
    }

    private static func describeStrings(_ column: Column, _ values: [String?]) -> ColumnDescription {
        var counts: [String: Int] = [:]
        var present = 0
        for case let value? in values {
            counts[value, default: 0] += 1
            present += 1
        }
        return ColumnDescription(
            name: column.name, type: column.type, count: present, missing: values.count - present,
            distinct: counts.count, distinctIsExact: true, numbers: nil,
            topValues: mostFrequent(counts.map { ValueCount(value: $0.key, count: $0.value) }),
            topCountsMaxUndercount: 0)
    }

    /// The ``describedTopValueCount`` largest counts, ties broken by value.
    static func mostFrequent(_ counts: [ValueCount]) -> [ValueCount] {
        Array(
            counts.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value }
                .prefix(describedTopValueCount))
    }

    /// Two-pass mean and variance, sorted quartiles; `nil` for no values.
    private static func numericSummary(_ values: [Double]) -> NumericSummary? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let deviation = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : nil
        return NumericSummary(
            mean: mean, standardDeviation: deviation, minimum: sorted[0],
            firstQuartile: Quantile.linear(sorted: sorted, 0.25), median: Quantile.linear(sorted: sorted, 0.5),
            thirdQuartile: Quantile.linear(sorted: sorted, 0.75), maximum: sorted[sorted.count - 1],
            quantileRankError: 0)
    }
}
