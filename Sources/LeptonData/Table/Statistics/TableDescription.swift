/// A value and how often it occurs.
public struct ValueCount: Sendable, Equatable {
    /// The value as text.
    public let value: String
    /// Its number of occurrences (a lower bound when ``ColumnDescription/topCountsMaxUndercount`` > 0).
    public let count: Int

    /// A value with its count.
    /// - Parameters:
    ///   - value: the value as text.
    ///   - count: its number of occurrences.
    public init(value: String, count: Int) {
        self.value = value
        self.count = count
    }
}

/// Location and spread of the non-missing values of a numeric column.
public struct NumericSummary: Sendable, Equatable {
    /// Arithmetic mean.
    public let mean: Double
    /// Sample standard deviation (divisor n − 1); `nil` with fewer than two values.
    public let standardDeviation: Double?
    /// Smallest value (always exact).
    public let minimum: Double
    /// 25th percentile, linear interpolation between closest ranks (pandas' default).
    public let firstQuartile: Double
    /// 50th percentile.
    public let median: Double
    /// 75th percentile.
    public let thirdQuartile: Double
    /// Largest value (always exact).
    public let maximum: Double
    /// 0 when the quartiles are exact; otherwise a guaranteed bound on the rank error of each quartile as a
    /// fraction of the count (see ``StreamingDescriber``).
    public let quantileRankError: Double

    /// A summary with the given statistics.
    /// - Parameters:
    ///   - mean: the mean.
    ///   - standardDeviation: the sample standard deviation, or `nil`.
    ///   - minimum: the minimum.
    ///   - firstQuartile: the 25th percentile.
    ///   - median: the median.
    ///   - thirdQuartile: the 75th percentile.
    ///   - maximum: the maximum.
    ///   - quantileRankError: 0 if exact, else the rank-error bound as a fraction of the count.
    public init(
        mean: Double, standardDeviation: Double?, minimum: Double, firstQuartile: Double, median: Double,
        thirdQuartile: Double, maximum: Double, quantileRankError: Double
    ) {
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.minimum = minimum
        self.firstQuartile = firstQuartile
        self.median = median
        self.thirdQuartile = thirdQuartile
        self.maximum = maximum
        self.quantileRankError = quantileRankError
    }
}

/// Summary statistics of one column.
public struct ColumnDescription: Sendable, Equatable {
    /// The column's name.
    public let name: String
    /// The column's type.
    public let type: ColumnType
    /// Non-missing values (for numeric columns NaN counts as missing).
    public let count: Int
    /// Missing values.
    public let missing: Int
    /// Distinct non-missing values (an estimate when ``distinctIsExact`` is `false`).
    public let distinct: Int
    /// Whether ``distinct`` is exact.
    public let distinctIsExact: Bool
    /// Mean, spread and quartiles, for a numeric column with at least one value.
    public let numbers: NumericSummary?
    /// The most frequent values (most frequent first, ties by value), for non-numeric columns.
    public let topValues: [ValueCount]
    /// 0 when the counts in ``topValues`` are exact; otherwise the most any of them may undercount.
    public let topCountsMaxUndercount: Int
}

/// Summary statistics of every column of a table or CSV file; `description` renders them as text.
public struct TableDescription: Sendable, Equatable, CustomStringConvertible {
    /// Number of rows.
    public let rowCount: Int
    /// One description per column, in column order.
    public let columns: [ColumnDescription]

    /// The description of column `name`, or `nil`.
    public subscript(name: String) -> ColumnDescription? { columns.first { $0.name == name } }

    /// A plain-text report: a line with the size, a table of the numeric columns (count, missing, mean,
    /// std, min, quartiles, max, distinct), then a table of the other columns (type, count, missing,
    /// distinct, top values).
    public var description: String { DescriptionRenderer.render(self) }
}
