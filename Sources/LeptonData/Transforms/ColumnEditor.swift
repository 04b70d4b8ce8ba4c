/// Column replacements collected by a transform and applied to its table in one pass.
///
/// Replacing columns one at a time rebuilds the whole table each time, which costs `O(columns²)` for a transform
/// over many columns; the editor reads through its pending replacements and builds the result once, in
/// `O(columns + rows × replaced columns)`.
struct ColumnEditor {
    private let base: Table
    /// Pending replacements by the name of the column they replace.
    private var pending: [String: [Column]] = [:]

    /// An editor over `table`.
    init(_ table: Table) { base = table }

    /// The current column `name`: its replacement of the same name if it was replaced, else the original.
    /// - Throws: ``TableError/unknownColumn(_:available:)``.
    func column(_ name: String) throws -> Column {
        if let replacement = pending[name] {
            guard let column = replacement.first(where: { $0.name == name }) else {
                throw TableError.unknownColumn(name, available: base.columnNames)
            }
            return column
        }
        return try base.column(name)
    }

    /// The values of numeric column `name`.
    /// - Throws: ``TableError`` for an unknown or non-numeric column.
    func numbers(_ name: String) throws -> [Double?] {
        let column = try column(name)
        guard case .numeric(let values) = column.data else {
            throw TableError.wrongColumnType(column: name, expected: .numeric, actual: column.type)
        }
        return values
    }

    /// Replaces column `name`, in place, by `columns`.
    /// - Throws: ``TableError/unknownColumn(_:available:)``.
    mutating func replace(_ name: String, with columns: [Column]) throws {
        _ = try column(name)
        pending[name] = columns
    }

    /// Replaces numeric column `name` by `values` (same name, same position).
    mutating func replaceNumbers(_ name: String, with values: [Double?]) throws {
        try replace(name, with: [Column(name: name, data: .numeric(values))])
    }

    /// Applies `transform` to every non-missing number of column `name`.
    /// - Throws: ``TableError`` for an unknown or non-numeric column.
    mutating func mapNumbers(_ name: String, _ transform: (Double) -> Double) throws {
        try replaceNumbers(name, with: try numbers(name).map { $0.map(transform) })
    }

    /// The table with every replacement made.
    /// - Throws: ``TableError`` for a name clash or a length mismatch among the new columns.
    func table() throws -> Table {
        guard !pending.isEmpty else { return base }
        var columns: [Column] = []
        columns.reserveCapacity(base.columns.count + pending.values.reduce(0) { $0 + $1.count })
        for column in base.columns {
            if let replacement = pending[column.name] {
                columns.append(contentsOf: replacement)
            } else {
                columns.append(column)
            }
        }
        return try Table(columns: columns)
    }
}
