extension Table {
    /// This table's rows followed by `other`'s (the same columns, by name, with the same types).
    ///
    /// Categorical columns merge their category sets.
    ///
    /// - Parameter other: A table with the same column names and types (in any order).
    /// - Returns: The stacked table, with this table's column order.
    /// - Throws: ``TableError`` when a column is missing from `other` or has another type.
    public func appendingRows(of other: Table) throws -> Table {
        let stacked = try columns.map { column -> Column in
            let below = try other.column(column.name)
            guard below.type == column.type else {
                throw TableError.wrongColumnType(column: column.name, expected: column.type, actual: below.type)
            }
            switch (column.data, below.data) {
            case (.numeric(let top), .numeric(let bottom)):
                return Column(name: column.name, data: .numeric(top + bottom))
            case (.boolean(let top), .boolean(let bottom)):
                return Column(name: column.name, data: .boolean(top + bottom))
            case (.text(let top), .text(let bottom)):
                return Column(name: column.name, data: .text(top + bottom))
            case (.categorical(let top), .categorical(let bottom)):
                return Column(
                    name: column.name, data: .categorical(CategoricalValues(values: top.values + bottom.values)))
            default:
                throw TableError.wrongColumnType(column: column.name, expected: column.type, actual: below.type)
            }
        }
        return try Table(columns: stacked)
    }
}
