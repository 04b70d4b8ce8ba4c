extension Table {
    /// A table of the rows at `indices`, in that order (repeats allowed), every column kept.
    ///
    /// Use it with the index arrays of the splits: `let train = table.rows(split.train)`.
    /// - Parameter indices: row indices, each in `0..<rowCount` (a bad index is a programmer error and traps).
    public func rows(_ indices: [Int]) -> Table {
        for index in indices {
            precondition(index >= 0 && index < rowCount, "Table.rows: index \(index) out of range 0..<\(rowCount)")
        }
        return gatheringRows(indices)
    }

    /// The table with `columns` added after the existing ones.
    /// - Parameter columns: new columns of ``rowCount`` rows with names the table does not have.
    /// - Throws: ``TableError/duplicateColumnName(_:)`` or ``TableError/columnLengthMismatch(column:expected:actual:)``.
    public func appending(_ columns: [Column]) throws -> Table {
        try Table(columns: self.columns + columns)
    }

    /// The table with column `name` replaced, in place, by `replacement` (any number of columns, possibly none).
    /// - Parameters:
    ///   - name: an existing column.
    ///   - replacement: the columns that take its position.
    /// - Throws: ``TableError`` for an unknown column, a name clash or a length mismatch.
    public func replacing(_ name: String, with replacement: [Column]) throws -> Table {
        guard let index = columnIndex(name) else { throw TableError.unknownColumn(name, available: columnNames) }
        var columns = self.columns
        columns.replaceSubrange(index...index, with: replacement)
        return try Table(columns: columns)
    }

    /// The table without the named columns.
    /// - Parameter names: existing column names.
    /// - Throws: ``TableError/unknownColumn(_:available:)``.
    public func removing(_ names: [String]) throws -> Table {
        for name in names where columnIndex(name) == nil {
            throw TableError.unknownColumn(name, available: columnNames)
        }
        let removed = Set(names)
        return try Table(columns: columns.filter { !removed.contains($0.name) })
    }

    /// Class labels from column `name`: each row's index into the sorted distinct values, as `Int32`.
    ///
    /// Numbers sort numerically, strings by Unicode order, `false` before `true`; the class names are the
    /// values' text (`"bad"`, `"good"`; `"0"`, `"1"`).
    /// - Parameter name: the label column (any type, no missing values).
    /// - Returns: the labels and the class names, so that `classes[Int(labels[i])]` is row i's value.
    /// - Throws: ``TableError/unknownColumn(_:available:)``, or ``TransformError/missingValue(column:row:)``.
    public func classLabels(_ name: String) throws -> (labels: [Int32], classes: [String]) {
        let column = try column(name)
        let keys = try CategoryKeys(column)
        let classes = keys.sortedDistinct
        var indexOf: [String: Int32] = [:]
        for (index, value) in classes.enumerated() { indexOf[value] = Int32(index) }
        var labels: [Int32] = []
        labels.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            guard let key = keys.keys[row] else { throw TransformError.missingValue(column: name, row: row) }
            labels.append(indexOf[key]!)
        }
        return (labels, classes)
    }

    /// Binary labels from column `name`: 1 where the value's text is `positive`, 0 elsewhere.
    ///
    /// For credit scoring, `try table.binaryLabels("creditability", positive: "bad")` makes default the
    /// positive class, as the weight-of-evidence `event` does.
    /// - Parameters:
    ///   - name: the label column (any type, no missing values).
    ///   - positive: the value counted as 1 (`"bad"`, `"1"`, `"true"`).
    /// - Throws: ``TableError/unknownColumn(_:available:)``; ``TransformError/missingValue(column:row:)``;
    ///   ``TransformError/targetNotBinary(column:event:found:)`` unless the column has exactly two values, one of
    ///   them `positive`.
    public func binaryLabels(_ name: String, positive: String) throws -> [Int32] {
        let keys = try CategoryKeys(column(name))
        guard keys.sortedDistinct.count == 2, keys.sortedDistinct.contains(positive) else {
            throw TransformError.targetNotBinary(column: name, event: positive, found: keys.sortedDistinct)
        }
        return try keys.keys.enumerated().map { row, key in
            guard let key else { throw TransformError.missingValue(column: name, row: row) }
            return key == positive ? 1 : 0
        }
    }

    /// Regression targets from numeric column `name`.
    /// - Parameter name: a numeric column with no missing or non-finite values.
    /// - Throws: ``TableError`` for an unknown or non-numeric column; ``TransformError`` for a missing or
    ///   non-finite value.
    public func targets(_ name: String) throws -> [Double] {
        try numbers(name).enumerated().map { row, value in
            guard let value else { throw TransformError.missingValue(column: name, row: row) }
            guard value.isFinite else { throw TransformError.nonFiniteValue(column: name, row: row, value: value) }
            return value
        }
    }
}
