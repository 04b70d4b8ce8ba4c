/// The values of one column: numbers or categories. Numeric missing values are NaN.
public enum DriftColumn: Sendable, Equatable {
    /// A numeric column; NaN (and ±infinity) mark missing values, which drift statistics leave out.
    case numeric([Double])
    /// A categorical column.
    case categorical([String])

    /// Whether the column holds numbers or categories.
    public var kind: ColumnKind {
        switch self {
        case .numeric: return .numeric
        case .categorical: return .categorical
        }
    }

    /// The number of rows, missing values included.
    public var count: Int {
        switch self {
        case .numeric(let values): return values.count
        case .categorical(let values): return values.count
        }
    }
}

/// Whether drift statistics treat a column as numbers or as categories.
///
/// Not a second column-type vocabulary: LeptonData's `ColumnType` says what a column's values are; this says which
/// family of drift tests applies, and the two differ on purpose (a numeric column with few distinct values is
/// treated as categorical; boolean columns and predicted labels are categories; text columns have no drift test).
public enum ColumnKind: String, Codable, Sendable {
    /// Numbers.
    case numeric
    /// Categories (strings).
    case categorical
}

/// A drift test or distance.
public enum DriftMethod: String, Codable, Sendable, CaseIterable {
    /// Two-sample Kolmogorov–Smirnov test; drift when p < threshold. Numeric columns only.
    case kolmogorovSmirnov
    /// Chi-square test of homogeneity; drift when p < threshold. Numeric columns are compared by value.
    case chiSquare
    /// Wasserstein-1 distance in reference standard deviations; drift when ≥ threshold. Numeric columns only.
    case normalizedWasserstein
    /// Jensen–Shannon distance (natural log, as Evidently) over categories or reference quantile bins; drift when ≥ threshold.
    case jensenShannon
    /// Population Stability Index over categories or reference quantile bins; drift when ≥ threshold.
    case populationStabilityIndex

    /// Whether the method yields a p-value (small means drift) rather than a distance (large means drift).
    public var yieldsPValue: Bool { self == .kolmogorovSmirnov || self == .chiSquare }
}

/// The drift verdict for one column.
public struct ColumnDriftResult: Codable, Sendable, Equatable {
    /// The column name.
    public var column: String
    /// How the column was treated (a numeric column with few distinct values is treated as categorical).
    public var treatedAs: ColumnKind
    /// The test or distance used.
    public var method: DriftMethod
    /// The value compared with ``threshold``: the p-value for a test, the distance or index otherwise.
    public var statistic: Double
    /// The test statistic behind a p-value (D for Kolmogorov–Smirnov, χ² for chi-square); `nil` for distances.
    public var testStatistic: Double?
    /// The threshold in force.
    public var threshold: Double
    /// Whether the column drifted: `statistic < threshold` for p-values, `statistic ≥ threshold` for distances.
    public var drifted: Bool
    /// Usable reference values.
    public var referenceCount: Int
    /// Usable current values.
    public var currentCount: Int
}

/// A column a drift report did not judge: its window had fewer usable values than the method's minimum.
public struct SkippedDriftColumn: Codable, Sendable, Equatable {
    /// The column name.
    public var column: String
    /// The method that would have judged it.
    public var method: DriftMethod
    /// Usable current values (finite numbers, non-empty categories).
    public var usableCount: Int
    /// The minimum the method needs.
    public var requiredCount: Int
}

/// The drift verdicts for a data set, column by column, and for the data set as a whole.
public struct DriftReport: Codable, Sendable, Equatable {
    /// One verdict per reference column, sorted by column name.
    public var columns: [ColumnDriftResult]
    /// The number of drifted columns.
    public var driftedColumnCount: Int
    /// The share of drifted columns, in [0, 1].
    public var driftShare: Double
    /// Whether the share reached the configured dataset-drift share.
    public var datasetDrift: Bool
    /// Columns not judged because the window had too few usable values (never counted as drift).
    public var skippedColumns: [SkippedDriftColumn] = []

    /// The verdict for one column, if it was checked.
    /// - Parameter column: the column name.
    public subscript(column: String) -> ColumnDriftResult? { columns.first { $0.column == column } }
}
