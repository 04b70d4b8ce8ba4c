/// Statistics of one numeric column within one group of a ``GroupedTable``.
public struct GroupSummary: Sendable, Equatable {
    /// The group's key (a value of the key column, or ``FeatureValue/missing``).
    public let key: FeatureValue
    /// Rows in the group.
    public let count: Int
    /// Rows in the group whose value is not missing.
    public let valueCount: Int
    /// Sum of the non-missing values (0 if there are none).
    public let sum: Double
    /// Mean of the non-missing values, `nil` if there are none.
    public let mean: Double?
    /// Smallest non-missing value, `nil` if there are none.
    public let minimum: Double?
    /// Largest non-missing value, `nil` if there are none.
    public let maximum: Double?
}

/// The rows of a table grouped by the values of one column (see ``Table/groupBy(_:)``).
///
/// Groups are ordered by key: numbers ascending, strings in Unicode order, `false` before `true`, and the
/// group of missing keys (if any) last.
public struct GroupedTable: Sendable {
    /// The grouped table.
    public let table: Table
    /// The name of the key column.
    public let keyColumn: String
    /// Each group's key and row indices (in table order).
    public let groups: [(key: FeatureValue, rows: [Int])]

    init(table: Table, keyColumn: String) throws {
        let column = try table.column(keyColumn)
        var rowsOfKey: [FeatureValue: [Int]] = [:]
        for row in 0..<table.rowCount { rowsOfKey[column[row], default: []].append(row) }
        self.table = table
        self.keyColumn = keyColumn
        groups = rowsOfKey.sorted { GroupedTable.keyPrecedes($0.key, $1.key) }.map { ($0.key, $0.value) }
    }

    /// Number of rows per group, in group order.
    public func counts() -> [(key: FeatureValue, count: Int)] { groups.map { ($0.key, $0.rows.count) } }

    /// Count, sum, mean, minimum and maximum of numeric column `name` in every group.
    /// - Parameter name: a numeric column.
    /// - Throws: ``TableError`` if the column does not exist or is not numeric.
    public func summary(of name: String) throws -> [GroupSummary] {
        let values = try table.numbers(name)
        return groups.map { group in
            var sum = 0.0
            var valueCount = 0
            var minimum = Double.infinity
            var maximum = -Double.infinity
            for row in group.rows {
                guard let value = values[row] else { continue }
                sum += value
                valueCount += 1
                minimum = min(minimum, value)
                maximum = max(maximum, value)
            }
            let hasValues = valueCount > 0
            return GroupSummary(
                key: group.key, count: group.rows.count, valueCount: valueCount, sum: sum,
                mean: hasValues ? sum / Double(valueCount) : nil, minimum: hasValues ? minimum : nil,
                maximum: hasValues ? maximum : nil)
        }
    }

    /// ``summary(of:)`` as a table with columns key, count, mean, sum, min and max (for printing or writing).
    /// - Parameter name: a numeric column.
    /// - Throws: ``TableError`` if the column does not exist or is not numeric.
    public func summaryTable(of name: String) throws -> Table {
        let rows = try summary(of: name)
        let keyData: ColumnData
        switch try table.column(keyColumn).data {
        case .numeric: keyData = .numeric(rows.map(\.key.number))
        case .boolean: keyData = .boolean(rows.map(\.key.bool))
        case .categorical: keyData = .categorical(CategoricalValues(values: rows.map(\.key.string)))
        case .text: keyData = .text(rows.map(\.key.string))
        }
        return try Table(columns: [
            Column(name: keyColumn, data: keyData),
            Column(name: "count", data: .numeric(rows.map { Double($0.valueCount) })),
            Column(name: "mean", data: .numeric(rows.map(\.mean))),
            Column(name: "sum", data: .numeric(rows.map(\.sum))),
            Column(name: "min", data: .numeric(rows.map(\.minimum))),
            Column(name: "max", data: .numeric(rows.map(\.maximum))),
        ])
    }

    /// The group order: values ascending within a type, missing last.
    private static func keyPrecedes(_ left: FeatureValue, _ right: FeatureValue) -> Bool {
        switch (left, right) {
        case (.number(let a), .number(let b)): return a < b || (!a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a < b
        case (.bool(let a), .bool(let b)): return !a && b
        case (.missing, _): return false
        case (_, .missing): return true
        default: return false
        }
    }
}
