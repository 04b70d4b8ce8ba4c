/// A table of named, typed columns of equal length, with missing values as first-class `nil`s.
///
/// ```swift
/// let credit = try Table(csv: url)                        // types inferred, see CSVReadOptions
/// let amounts = try credit.numbers("credit_amount")       // [Double?]
/// let older = credit.filter { $0["age_in_years"].number.map { $0 >= 60 } ?? false }
/// print(credit.describe())
/// ```
/// A value type: operations return new tables and share unchanged column storage.
public struct Table: Sendable, Equatable {
    /// The columns, in order.
    public let columns: [Column]
    private let indexOfName: [String: Int]

    /// A table of `columns`.
    /// - Parameter columns: columns with distinct names and equal lengths.
    /// - Throws: ``TableError/duplicateColumnName(_:)`` or ``TableError/columnLengthMismatch(column:expected:actual:)``.
    public init(columns: [Column]) throws {
        var indexOfName: [String: Int] = [:]
        for (index, column) in columns.enumerated() {
            guard indexOfName.updateValue(index, forKey: column.name) == nil else {
                throw TableError.duplicateColumnName(column.name)
            }
            if let first = columns.first, column.count != first.count {
                throw TableError.columnLengthMismatch(column: column.name, expected: first.count, actual: column.count)
            }
        }
        self.columns = columns
        self.indexOfName = indexOfName
    }

    /// Number of rows.
    public var rowCount: Int { columns.first?.count ?? 0 }
    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The column named `name`, or `nil`.
    public subscript(name: String) -> Column? { indexOfName[name].map { columns[$0] } }

    /// The column named `name`.
    /// - Throws: ``TableError/unknownColumn(_:available:)``.
    public func column(_ name: String) throws -> Column {
        guard let index = indexOfName[name] else { throw TableError.unknownColumn(name, available: columnNames) }
        return columns[index]
    }

    /// The values of numeric column `name`.
    /// - Throws: ``TableError`` if the column does not exist or is not numeric.
    public func numbers(_ name: String) throws -> [Double?] {
        let column = try column(name)
        guard case .numeric(let values) = column.data else { throw wrongType(column, expected: .numeric) }
        return values
    }

    /// The values of boolean column `name`.
    /// - Throws: ``TableError`` if the column does not exist or is not boolean.
    public func booleans(_ name: String) throws -> [Bool?] {
        let column = try column(name)
        guard case .boolean(let values) = column.data else { throw wrongType(column, expected: .boolean) }
        return values
    }

    /// The categories and codes of categorical column `name`.
    /// - Throws: ``TableError`` if the column does not exist or is not categorical.
    public func categorical(_ name: String) throws -> CategoricalValues {
        let column = try column(name)
        guard case .categorical(let values) = column.data else { throw wrongType(column, expected: .categorical) }
        return values
    }

    /// The values of categorical or text column `name` as strings.
    /// - Throws: ``TableError`` if the column does not exist or holds numbers or booleans.
    public func strings(_ name: String) throws -> [String?] {
        let column = try column(name)
        switch column.data {
        case .categorical(let values): return values.values
        case .text(let values): return values
        default: throw wrongType(column, expected: .text)
        }
    }

    /// The cell in `row` of column `name`.
    /// - Throws: ``TableError/unknownColumn(_:available:)``.
    public func value(row: Int, column name: String) throws -> FeatureValue {
        precondition(row >= 0 && row < rowCount, "Table.value: row \(row) out of range 0..<\(rowCount)")
        return try column(name)[row]
    }

    /// The index of column `name`, if any.
    func columnIndex(_ name: String) -> Int? { indexOfName[name] }

    private func wrongType(_ column: Column, expected: ColumnType) -> TableError {
        .wrongColumnType(column: column.name, expected: expected, actual: column.type)
    }

    /// A table of the rows at `indices` (in that order), every column kept.
    func gatheringRows(_ indices: [Int]) -> Table {
        // Same names and equal lengths, so the checks of init(columns:) cannot fail.
        do {
            return try Table(columns: columns.map { Column(name: $0.name, data: $0.data.gathering(indices)) })
        } catch {
            preconditionFailure("Table.gatheringRows: columns of one table became inconsistent: \(error)")
        }
    }

    /// Two tables are equal when they have the same columns in the same order.
    public static func == (lhs: Table, rhs: Table) -> Bool { lhs.columns == rhs.columns }
}
