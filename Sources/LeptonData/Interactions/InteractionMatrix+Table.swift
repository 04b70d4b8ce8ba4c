import Foundation

extension InteractionMatrix {
    /// Builds a matrix from the rows of a table with a user column, an item column and optional rating and
    /// timestamp columns.
    ///
    /// Id columns may be categorical, text or numeric (numbers become their shortest text: `42`, not `42.0`).
    /// Without a rating column every interaction has value 1 (implicit data).
    ///
    /// - Parameters:
    ///   - table: The interactions, one per row.
    ///   - userColumn: The column of user ids.
    ///   - itemColumn: The column of item ids.
    ///   - ratingColumn: The numeric column of ratings or strengths, if any.
    ///   - timestampColumn: The numeric column of times, if any.
    ///   - ratingScale: When given, every rating must lie in it.
    ///   - duplicates: What to do with a repeated user–item pair.
    /// - Throws: ``TableError`` for a column that does not exist; ``InteractionError`` for a missing cell, a column of
    ///   the wrong type, an empty table, a duplicate, a rating out of scale or a non-finite number.
    public init(
        table: Table, userColumn: String = "user", itemColumn: String = "item", ratingColumn: String? = nil,
        timestampColumn: String? = nil, ratingScale: ClosedRange<Double>? = nil,
        duplicates: DuplicateInteractionPolicy = .reject
    ) throws {
        let userIDs = try Self.ids(table.column(userColumn))
        let itemIDs = try Self.ids(table.column(itemColumn))
        let ratings = try ratingColumn.map { try Self.numbers(table.column($0)) }
        let times = try timestampColumn.map { try Self.numbers(table.column($0)) }
        guard table.rowCount > 0 else { throw InteractionError.emptyInput }
        var interactions: [Interaction] = []
        interactions.reserveCapacity(table.rowCount)
        for row in 0..<table.rowCount {
            interactions.append(
                Interaction(user: userIDs[row], item: itemIDs[row], value: ratings?[row] ?? 1, timestamp: times?[row]))
        }
        try self.init(interactions: interactions, ratingScale: ratingScale, duplicates: duplicates)
    }

    /// Reads a CSV file of `user,item[,rating][,timestamp]` and builds a matrix from it.
    ///
    /// The user and item columns are read as text, so ids such as `007` keep their leading zeros.
    ///
    /// - Parameters:
    ///   - url: The file.
    ///   - userColumn: The header of the user column.
    ///   - itemColumn: The header of the item column.
    ///   - ratingColumn: The header of the rating column, if any.
    ///   - timestampColumn: The header of the timestamp column, if any.
    ///   - ratingScale: When given, every rating must lie in it.
    ///   - duplicates: What to do with a repeated user–item pair.
    /// - Throws: The errors of ``Table/init(csv:options:)`` (a ``CSVError`` when the file lacks the user or item
    ///   column) and of
    ///   ``init(table:userColumn:itemColumn:ratingColumn:timestampColumn:ratingScale:duplicates:)``.
    public init(
        csv url: URL, userColumn: String = "user", itemColumn: String = "item", ratingColumn: String? = nil,
        timestampColumn: String? = nil, ratingScale: ClosedRange<Double>? = nil,
        duplicates: DuplicateInteractionPolicy = .reject
    ) throws {
        try self.init(
            table: Table(csv: url, options: Self.csvOptions(userColumn, itemColumn)), userColumn: userColumn,
            itemColumn: itemColumn, ratingColumn: ratingColumn, timestampColumn: timestampColumn,
            ratingScale: ratingScale, duplicates: duplicates)
    }

    /// Parses CSV text of `user,item[,rating][,timestamp]` and builds a matrix from it; see
    /// ``init(csv:userColumn:itemColumn:ratingColumn:timestampColumn:ratingScale:duplicates:)``.
    ///
    /// - Parameters:
    ///   - text: The CSV text, with a header.
    ///   - userColumn: The header of the user column.
    ///   - itemColumn: The header of the item column.
    ///   - ratingColumn: The header of the rating column, if any.
    ///   - timestampColumn: The header of the timestamp column, if any.
    ///   - ratingScale: When given, every rating must lie in it.
    ///   - duplicates: What to do with a repeated user–item pair.
    /// - Throws: The errors of ``Table/init(csvText:name:options:)`` (a ``CSVError`` when the text lacks the user or
    ///   item column) and of
    ///   ``init(table:userColumn:itemColumn:ratingColumn:timestampColumn:ratingScale:duplicates:)``.
    public init(
        csvText text: String, userColumn: String = "user", itemColumn: String = "item", ratingColumn: String? = nil,
        timestampColumn: String? = nil, ratingScale: ClosedRange<Double>? = nil,
        duplicates: DuplicateInteractionPolicy = .reject
    ) throws {
        try self.init(
            table: Table(csvText: text, options: Self.csvOptions(userColumn, itemColumn)), userColumn: userColumn,
            itemColumn: itemColumn, ratingColumn: ratingColumn, timestampColumn: timestampColumn,
            ratingScale: ratingScale, duplicates: duplicates)
    }

    /// How interaction CSV is read: the user and item columns as text, so numeric ids keep their spelling.
    private static func csvOptions(_ userColumn: String, _ itemColumn: String) -> CSVReadOptions {
        CSVReadOptions(columnTypes: [userColumn: .text, itemColumn: .text])
    }

    private static func ids(_ column: Column) throws -> [String] {
        var result: [String] = []
        result.reserveCapacity(column.count)
        for row in 0..<column.count {
            switch column[row] {
            case .string(let value): result.append(value)
            case .number(let value): result.append(NumberFormatting.shortest(value))
            case .missing: throw InteractionError.missingValue(column: column.name, row: row)
            case .bool: throw InteractionError.unsupportedColumnType(column: column.name, type: column.type)
            }
        }
        return result
    }

    private static func numbers(_ column: Column) throws -> [Double] {
        guard case .numeric(let values) = column.data else {
            throw InteractionError.unsupportedColumnType(column: column.name, type: column.type)
        }
        return try values.enumerated().map { row, value in
            guard let value else { throw InteractionError.missingValue(column: column.name, row: row) }
            guard value.isFinite else {
                throw InteractionError.nonFiniteValue(column: column.name, row: row, value: value)
            }
            return value
        }
    }
}
