/// One row of a table, as seen by ``Table/filter(_:)``.
public struct TableRow: Sendable {
    /// The table the row belongs to.
    public let table: Table
    /// The row's index in ``table``.
    public let index: Int

    /// The cell in column `name`. The name must exist (a misspelt name traps, naming the columns);
    /// use ``value(_:)`` to get an error instead.
    public subscript(name: String) -> FeatureValue {
        guard let column = table[name] else {
            preconditionFailure("TableRow[\(name.debugDescription)]: no such column; columns are \(table.columnNames)")
        }
        return column[index]
    }

    /// The cell in column `name`.
    /// - Throws: ``TableError/unknownColumn(_:available:)``.
    public func value(_ name: String) throws -> FeatureValue { try table.column(name)[index] }
}

extension Table {
    /// The named columns, in the given order.
    /// - Parameter names: column names; each must exist, and may appear once.
    /// - Throws: ``TableError/unknownColumn(_:available:)`` or ``TableError/duplicateColumnName(_:)``.
    public func select(_ names: [String]) throws -> Table {
        try Table(columns: names.map { try column($0) })
    }

    /// The rows for which `isIncluded` returns `true`, in their original order.
    /// - Parameter isIncluded: the predicate, given each row in turn.
    /// - Throws: whatever `isIncluded` throws.
    public func filter(_ isIncluded: (TableRow) throws -> Bool) rethrows -> Table {
        var kept: [Int] = []
        for index in 0..<rowCount where try isIncluded(TableRow(table: self, index: index)) { kept.append(index) }
        return gatheringRows(kept)
    }

    /// The rows sorted by one column; the sort is stable and missing values go last in both directions.
    ///
    /// Numbers sort numerically, strings by Unicode order, `false` before `true`.
    /// - Parameters:
    ///   - name: the column to sort by.
    ///   - ascending: `true` for smallest first.
    /// - Throws: ``TableError/unknownColumn(_:available:)``.
    public func sorted(by name: String, ascending: Bool = true) throws -> Table {
        let column = try column(name)
        let order: [Int]
        switch column.data {
        case .numeric(let values):
            // NaN (kept only if "NaN" is not a missing token) sorts with the missing values.
            order = Self.stableOrder(values.map { $0.flatMap { $0.isNaN ? nil : $0 } }, ascending: ascending)
        case .categorical(let values): order = Self.stableOrder(values.codes, ascending: ascending)
        case .boolean(let values): order = Self.stableOrder(values.map { $0.map { $0 ? 1 : 0 } }, ascending: ascending)
        case .text(let values): order = Self.stableOrder(values, ascending: ascending)
        }
        return gatheringRows(order)
    }

    /// Row indices ordered by `keys` (missing last), ties kept in row order.
    private static func stableOrder<Key: Comparable>(_ keys: [Key?], ascending: Bool) -> [Int] {
        keys.indices.sorted { left, right in
            switch (keys[left], keys[right]) {
            case (let a?, let b?):
                if a != b { return ascending ? a < b : b < a }
                return left < right
            case (nil, nil): return left < right
            case (.some, nil): return true
            case (nil, .some): return false
            }
        }
    }

    /// Groups the rows by the values of one column; see ``GroupedTable``.
    /// - Parameter name: the key column (any type; missing keys form their own group, listed last).
    /// - Throws: ``TableError/unknownColumn(_:available:)``.
    public func groupBy(_ name: String) throws -> GroupedTable {
        try GroupedTable(table: self, keyColumn: name)
    }
}
