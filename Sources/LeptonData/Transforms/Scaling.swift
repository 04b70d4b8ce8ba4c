import LeptonSupport

/// Standardises numeric columns: `(x − mean) / std`, with the population standard deviation (divisor n) of
/// the training values, as scikit-learn's `StandardScaler`. A constant column gets scale 1 (it becomes 0).
/// Missing cells stay missing and are ignored in fit.
public struct StandardScale: TableTransform {
    /// The numeric columns to scale.
    public var columns: [String]

    /// A standard scaler of `columns`.
    /// - Parameter columns: numeric columns.
    public init(columns: [String]) { self.columns = columns }

    /// Learns each column's mean and standard deviation.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError`` for an unknown or non-numeric column; ``TransformError`` for a column without
    ///   values or with NaN/infinity.
    public func fit(on table: Table) throws -> FittedAffineScale {
        FittedAffineScale(
            entries: try columns.map { name in
                let values = try ColumnAccess.finiteValues(table, name)
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                // scikit-learn's test for a constant column: the variance is within rounding of zero.
                let count = Double(values.count)
                let epsilon = Double.ulpOfOne
                let isConstant =
                    variance <= count * epsilon * variance + (count * mean * epsilon) * (count * mean * epsilon)
                return .init(column: name, center: mean, scale: isConstant ? 1 : variance.squareRoot())
            })
    }

    /// `scale`, or 1 when it is below 10 machine epsilons (a constant column), as scikit-learn does.
    static func nonZero(_ scale: Double) -> Double { scale < 10 * Double.ulpOfOne ? 1 : scale }
}

/// Rescales numeric columns linearly so that the training minimum and maximum map to `range`
/// (scikit-learn's `MinMaxScaler`); new data may fall outside the range. A constant column maps to
/// `range.lowerBound`.
public struct MinMaxScale: TableTransform {
    /// The numeric columns to scale.
    public var columns: [String]
    /// The target interval.
    public var range: ClosedRange<Double>

    /// A min-max scaler.
    /// - Parameters:
    ///   - columns: numeric columns.
    ///   - range: where the training minimum and maximum go (default 0...1).
    public init(columns: [String], range: ClosedRange<Double> = 0...1) {
        self.columns = columns
        self.range = range
    }

    /// Learns each column's minimum and maximum.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError`` for an unknown or non-numeric column; ``TransformError`` for a column without
    ///   values or with NaN/infinity.
    public func fit(on table: Table) throws -> FittedAffineScale {
        guard range.lowerBound < range.upperBound else {
            throw TransformError.invalidSetting(name: "range", value: "\(range)", requirement: "needs lower < upper")
        }
        return FittedAffineScale(
            entries: try columns.map { name in
                let values = try ColumnAccess.finiteValues(table, name)
                let minimum = values.min()!
                let maximum = values.max()!
                let dataRange = StandardScale.nonZero(maximum - minimum)
                let scale = dataRange / (range.upperBound - range.lowerBound)
                // x' = (x − center) / scale with center chosen so that minimum ↦ range.lowerBound.
                return .init(column: name, center: minimum - range.lowerBound * scale, scale: scale)
            })
    }
}

/// Scales numeric columns robustly: `(x − median) / (Q(upper) − Q(lower))`, by default the interquartile
/// range (scikit-learn's `RobustScaler`); a zero range gets scale 1. Quantiles by linear interpolation.
public struct RobustScale: TableTransform {
    /// The numeric columns to scale.
    public var columns: [String]
    /// The quantile range whose width is the scale (default 0.25...0.75).
    public var quantiles: ClosedRange<Double>

    /// A robust scaler.
    /// - Parameters:
    ///   - columns: numeric columns.
    ///   - quantiles: the quantiles whose distance is the scale.
    public init(columns: [String], quantiles: ClosedRange<Double> = 0.25...0.75) {
        self.columns = columns
        self.quantiles = quantiles
    }

    /// Learns each column's median and quantile range.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError`` for an unknown or non-numeric column; ``TransformError`` for a column without
    ///   values or with NaN/infinity.
    public func fit(on table: Table) throws -> FittedAffineScale {
        guard quantiles.lowerBound >= 0 && quantiles.upperBound <= 1 else {
            throw TransformError.invalidSetting(
                name: "quantiles", value: "\(quantiles)", requirement: "must lie in 0...1")
        }
        return FittedAffineScale(
            entries: try columns.map { name in
                let sorted = try ColumnAccess.finiteValues(table, name).sorted()
                let width =
                    Quantile.linear(sorted: sorted, quantiles.upperBound)
                    - Quantile.linear(sorted: sorted, quantiles.lowerBound)
                return .init(column: name, center: Quantile.median(sorted), scale: StandardScale.nonZero(width))
            })
    }
}

/// A fitted scaler: each column becomes `(x − center) / scale`. ``StandardScale``, ``MinMaxScale`` and
/// ``RobustScale`` all fit to this form.
public struct FittedAffineScale: FittedTableTransform {
    /// The affine map of one column.
    public struct Entry: Sendable, Codable, Equatable {
        /// The column.
        public let column: String
        /// Subtracted first.
        public let center: Double
        /// Divided by next (never zero).
        public let scale: Double
    }

    /// One entry per column.
    public let entries: [Entry]

    /// The scaled columns.
    public var outputColumns: [String] { entries.map(\.column) }

    /// Scales every listed column; missing cells stay missing.
    /// - Parameter table: data with the fitted numeric columns.
    /// - Throws: ``TableError`` for an unknown or non-numeric column.
    public func apply(to table: Table) throws -> Table {
        var result = ColumnEditor(table)
        for entry in entries {
            try result.mapNumbers(entry.column) { ($0 - entry.center) / entry.scale }
        }
        return try result.table()
    }
}
