import LeptonSupport

/// A value that fills missing cells: a number, a string (categorical and text columns) or a boolean.
public enum FillValue: Sendable, Codable, Hashable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral
{
    /// For a numeric column.
    case number(Double)
    /// For a categorical or text column.
    case string(String)
    /// For a boolean column.
    case bool(Bool)

    /// A number.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// The column types this value can fill.
    var fillableTypes: [ColumnType] {
        switch self {
        case .number: return [.numeric]
        case .string: return [.categorical, .text]
        case .bool: return [.boolean]
        }
    }
}

/// How ``Impute`` chooses the value for missing cells.
public enum ImputeStrategy: Sendable, Codable, Hashable {
    /// The mean of the column's values (numeric columns).
    case mean
    /// The median (numeric columns; the mean of the two middle values for an even count).
    case median
    /// The most frequent value (any column type); ties go to the smallest value (numbers numerically,
    /// strings by Unicode order, `false` first), as in scikit-learn's `SimpleImputer`.
    case mostFrequent
    /// A fixed value, whose kind must match the column type.
    case constant(FillValue)
}

/// Fills missing cells with a statistic learnt from the training data (scikit-learn's `SimpleImputer`).
///
/// With `indicators: true`, each listed column gets a numeric companion `<name>_missing` right after it,
/// 1 where the cell was missing and 0 elsewhere — for every listed column, whether or not the training data
/// had missing values there (scikit-learn's `add_indicator=True, features="all"`), so the output columns do
/// not depend on the sample. Non-finite numbers are values, not missing cells, and are left alone.
public struct Impute: TableTransform {
    /// How the fill value is chosen.
    public var strategy: ImputeStrategy
    /// The columns to fill.
    public var columns: [String]
    /// Whether to add `<name>_missing` indicator columns.
    public var indicators: Bool

    /// An imputer.
    /// - Parameters:
    ///   - strategy: mean, median, most frequent or constant.
    ///   - columns: the columns to fill.
    ///   - indicators: whether to add `<name>_missing` indicator columns.
    public init(_ strategy: ImputeStrategy, columns: [String], indicators: Bool = false) {
        self.strategy = strategy
        self.columns = columns
        self.indicators = indicators
    }

    /// Learns one fill value per column.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError`` for an unknown column; ``TransformError/unsupportedColumnType(column:actual:supported:)``
    ///   for mean/median of a non-numeric column or a constant of the wrong kind; ``TransformError/noValues(column:)``
    ///   when a statistic has no values; ``TransformError/nonFiniteValue(column:row:value:)`` for mean/median of NaN
    ///   or infinity.
    public func fit(on table: Table) throws -> FittedImpute {
        let entries = try columns.map { name in
            FittedImpute.Entry(
                column: name, fill: try fillValue(for: table.column(name), in: table), indicator: indicators)
        }
        return FittedImpute(entries: entries)
    }

    private func fillValue(for column: Column, in table: Table) throws -> FillValue {
        switch strategy {
        case .mean, .median:
            guard column.type == .numeric else {
                throw TransformError.unsupportedColumnType(
                    column: column.name, actual: column.type, supported: [.numeric])
            }
            let values = try ColumnAccess.finiteValues(table, column.name)
            if strategy == .median { return .number(Quantile.median(values)) }
            return .number(values.reduce(0, +) / Double(values.count))
        case .mostFrequent:
            return try Self.mostFrequent(column)
        case .constant(let value):
            guard value.fillableTypes.contains(column.type) else {
                throw TransformError.unsupportedColumnType(
                    column: column.name, actual: column.type, supported: value.fillableTypes)
            }
            return value
        }
    }

    private static func mostFrequent(_ column: Column) throws -> FillValue {
        if case .numeric(let values) = column.data {
            var counts: [Double: Int] = [:]
            for case let value? in values where !value.isNaN { counts[value, default: 0] += 1 }
            // Ties go to the smallest value.
            guard let best = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })
            else { throw TransformError.noValues(column: column.name) }
            return .number(best.key)
        }
        let keys = try CategoryKeys(column)
        var counts: [String: Int] = [:]
        for case let key? in keys.keys { counts[key, default: 0] += 1 }
        var best: String?
        for key in keys.sortedDistinct where best == nil || counts[key]! > counts[best!]! { best = key }
        guard let best else { throw TransformError.noValues(column: column.name) }
        if column.type == .boolean { return .bool(best == "true") }
        return .string(best)
    }
}

/// A fitted ``Impute``: the fill value of each column.
public struct FittedImpute: FittedTableTransform {
    /// The fill of one column.
    public struct Entry: Sendable, Codable, Equatable {
        /// The column.
        public let column: String
        /// The value written into missing cells.
        public let fill: FillValue
        /// Whether a `<column>_missing` indicator follows the column.
        public let indicator: Bool
    }

    /// One entry per column, in the order given to ``Impute``.
    public let entries: [Entry]

    /// The filled columns, each followed by its indicator when there is one.
    public var outputColumns: [String] {
        entries.flatMap { $0.indicator ? [$0.column, Self.indicatorName($0.column)] : [$0.column] }
    }

    /// The name of the indicator column of `column`: `<column>_missing`.
    public static func indicatorName(_ column: String) -> String { column + "_missing" }

    /// Fills the missing cells of every listed column and adds the indicators.
    /// - Parameter table: data with the fitted columns, of the fitted types.
    /// - Throws: ``TableError`` for an unknown column or a column of another type than in fit.
    public func apply(to table: Table) throws -> Table {
        var result = ColumnEditor(table)
        for entry in entries {
            let column = try result.column(entry.column)
            var filled: [Column] = [Column(name: entry.column, data: try Self.fill(column, with: entry.fill))]
            if entry.indicator {
                let missing = (0..<column.count).map { column[$0].isMissing ? 1.0 : 0.0 }
                filled.append(Column(name: Self.indicatorName(entry.column), data: .numeric(missing)))
            }
            try result.replace(entry.column, with: filled)
        }
        return try result.table()
    }

    private static func fill(_ column: Column, with fill: FillValue) throws -> ColumnData {
        switch (column.data, fill) {
        case (.numeric(let values), .number(let value)):
            return .numeric(values.map { $0 ?? value })
        case (.boolean(let values), .bool(let value)):
            return .boolean(values.map { $0 ?? value })
        case (.text(let values), .string(let value)):
            return .text(values.map { $0 ?? value })
        case (.categorical(let values), .string(let value)):
            guard values.codes.contains(nil) else { return column.data }
            return .categorical(CategoricalValues(values: values.values.map { $0 ?? value }))
        default:
            throw TransformError.unsupportedColumnType(
                column: column.name, actual: column.type, supported: fill.fillableTypes)
        }
    }
}
