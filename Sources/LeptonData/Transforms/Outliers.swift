import LeptonSupport

/// How ``Outliers`` sets the bounds of the normal range of a column.
public enum OutlierBounds: Sendable, Codable, Hashable {
    /// The `lower` and `upper` quantiles of the training values (each in 0...1, linear interpolation).
    case quantiles(lower: Double, upper: Double)
    /// Tukey's fences: `[Q1 − factor·IQR, Q3 + factor·IQR]` with `IQR = Q3 − Q1` (quartiles by linear
    /// interpolation); `factor` 1.5 is the usual choice.
    case iqr(factor: Double)
}

/// What ``Outliers`` does with a value outside the bounds.
public enum OutlierAction: String, Sendable, Codable, Hashable {
    /// Replace it by the nearest bound (winsorising).
    case clip
    /// Remove the whole row, at fitting only: in a ``Pipeline`` the later steps are fitted on the rows within the
    /// bounds, but applying the fitted step (to score applicants, or to build the training matrix) keeps every
    /// row, so predictions stay aligned with their input. To shorten a training set itself, use
    /// ``FittedOutliers/dropping(from:)`` or ``FittedOutliers/keptRows(in:)``.
    case drop
}

/// Limits numeric columns to a range learnt from the training data, by clipping values or dropping rows.
///
/// Missing cells are neither clipped nor dropped.
public struct Outliers: TableTransform {
    /// How the bounds are set.
    public var bounds: OutlierBounds
    /// The numeric columns to limit.
    public var columns: [String]
    /// Clip or drop.
    public var action: OutlierAction

    /// An outlier handler.
    /// - Parameters:
    ///   - bounds: quantiles or IQR fences.
    ///   - columns: numeric columns.
    ///   - action: clip values (default) or drop rows.
    public init(_ bounds: OutlierBounds, columns: [String], action: OutlierAction = .clip) {
        self.bounds = bounds
        self.columns = columns
        self.action = action
    }

    /// Learns the bounds of each column.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError`` for an unknown or non-numeric column; ``TransformError`` for a column without
    ///   values or with NaN/infinity, or ``TransformError/invalidSetting(name:value:requirement:)`` for quantiles
    ///   outside `0 ≤ lower ≤ upper ≤ 1` or a negative IQR factor.
    public func fit(on table: Table) throws -> FittedOutliers {
        switch bounds {
        case .quantiles(let lower, let upper):
            guard lower >= 0 && lower <= upper && upper <= 1 else {
                throw TransformError.invalidSetting(
                    name: "quantiles", value: "(\(lower), \(upper))", requirement: "need 0 <= lower <= upper <= 1")
            }
        case .iqr(let factor):
            guard factor >= 0 else {
                throw TransformError.invalidSetting(name: "factor", value: "\(factor)", requirement: "must be >= 0")
            }
        }
        let limits = try columns.map { name in
            let sorted = try ColumnAccess.finiteValues(table, name).sorted()
            switch bounds {
            case .quantiles(let lower, let upper):
                return FittedOutliers.Limits(
                    column: name, lower: Quantile.linear(sorted: sorted, lower),
                    upper: Quantile.linear(sorted: sorted, upper))
            case .iqr(let factor):
                let q1 = Quantile.linear(sorted: sorted, 0.25)
                let q3 = Quantile.linear(sorted: sorted, 0.75)
                return FittedOutliers.Limits(
                    column: name, lower: q1 - factor * (q3 - q1), upper: q3 + factor * (q3 - q1))
            }
        }
        return FittedOutliers(limits: limits, action: action)
    }
}

/// A fitted ``Outliers``: the bounds of each column.
public struct FittedOutliers: FittedTableTransform {
    /// The normal range of one column.
    public struct Limits: Sendable, Codable, Equatable {
        /// The column.
        public let column: String
        /// The smallest normal value.
        public let lower: Double
        /// The largest normal value.
        public let upper: Double
    }

    /// One entry per column.
    public let limits: [Limits]
    /// Clip or drop.
    public let action: OutlierAction

    /// The limited columns.
    public var outputColumns: [String] { limits.map(\.column) }

    /// The indices of the rows whose values all lie within the bounds (missing cells count as within).
    /// - Parameter table: data with the fitted numeric columns.
    /// - Throws: ``TableError`` for an unknown or non-numeric column.
    public func keptRows(in table: Table) throws -> [Int] {
        var kept = [Bool](repeating: true, count: table.rowCount)
        for limit in limits {
            for (row, value) in try table.numbers(limit.column).enumerated() {
                // NaN compares false both ways: it is neither an outlier nor clipped.
                if let value, value < limit.lower || value > limit.upper { kept[row] = false }
            }
        }
        return kept.indices.filter { kept[$0] }
    }

    /// The rows of `table` within the bounds (see ``keptRows(in:)``): what ``OutlierAction/drop`` removes from
    /// the data the later steps of a pipeline are fitted on.
    /// - Parameter table: data with the fitted numeric columns.
    /// - Throws: ``TableError`` for an unknown or non-numeric column.
    public func dropping(from table: Table) throws -> Table {
        table.rows(try keptRows(in: table))
    }

    /// Clips the values to the bounds; with ``OutlierAction/drop`` every row is kept unchanged (dropping happens
    /// at fitting only, so that scored rows stay aligned with their input).
    /// - Parameter table: data with the fitted numeric columns.
    /// - Throws: ``TableError`` for an unknown or non-numeric column.
    public func apply(to table: Table) throws -> Table {
        switch action {
        case .drop:
            for limit in limits { _ = try table.numbers(limit.column) }
            return table
        case .clip:
            var result = ColumnEditor(table)
            for limit in limits {
                try result.mapNumbers(limit.column) { value in
                    value < limit.lower ? limit.lower : (value > limit.upper ? limit.upper : value)
                }
            }
            return try result.table()
        }
    }
}
