/// A request that does not fit the table: an unknown column, a column of the wrong type, inconsistent columns.
public enum TableError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No column has this name.
    case unknownColumn(String, available: [String])
    /// The column exists but holds another type.
    case wrongColumnType(column: String, expected: ColumnType, actual: ColumnType)
    /// Two columns have the same name.
    case duplicateColumnName(String)
    /// Columns of one table have different lengths.
    case columnLengthMismatch(column: String, expected: Int, actual: Int)

    /// A one-line explanation naming the column, what was expected and what was found.
    public var description: String {
        switch self {
        case .unknownColumn(let name, let available):
            return
                "no column named \(name.debugDescription); columns are \(available.map(\.debugDescription).joined(separator: ", "))"
        case .wrongColumnType(let column, let expected, let actual):
            return "column \(column.debugDescription) is \(actual), expected \(expected)"
        case .duplicateColumnName(let name):
            return "column name \(name.debugDescription) appears more than once"
        case .columnLengthMismatch(let column, let expected, let actual):
            return "column \(column.debugDescription) has \(actual) rows, expected \(expected)"
        }
    }
}
