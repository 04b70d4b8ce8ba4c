import Foundation

/// A text description of each item (title, genres, tags…), the input of content-based recommendation.
///
/// Items are kept in the order given; an item id appears once.
public struct ItemFeatures: Sendable, Equatable, Codable {
    /// The item ids.
    public let items: [String]
    /// The descriptions, aligned with ``items``.
    public let texts: [String]

    /// Descriptions for items.
    /// - Parameters:
    ///   - items: Distinct item ids.
    ///   - texts: One description per item.
    /// - Throws: ``InteractionError/invalidParameter(name:value:expected:)`` when the counts differ,
    ///   ``InteractionError/duplicateItemFeatures(item:)`` for a repeated id.
    public init(items: [String], texts: [String]) throws {
        guard items.count == texts.count else {
            throw InteractionError.invalidParameter(
                name: "texts.count", value: Double(texts.count), expected: "\(items.count), one per item")
        }
        var seen = Set<String>()
        for item in items where !seen.insert(item).inserted {
            throw InteractionError.duplicateItemFeatures(item: item)
        }
        self.items = items
        self.texts = texts
    }

    /// Reads a MovieLens-style `movies.csv` (`movieId,title,genres`, genres separated by `|`): each item's text is
    /// its title followed by its genres (the `|` become spaces; "(no genres listed)" is dropped).
    ///
    /// - Parameters:
    ///   - url: The file.
    ///   - itemColumn: The id column's header.
    ///   - titleColumn: The title column's header.
    ///   - genresColumn: The genres column's header.
    /// - Throws: CSV errors, ``InteractionError/missingValue(column:row:)`` for a missing id,
    ///   ``InteractionError/duplicateItemFeatures(item:)``.
    public init(
        moviesCSV url: URL, itemColumn: String = "movieId", titleColumn: String = "title",
        genresColumn: String = "genres"
    ) throws {
        let table = try Table(
            csv: url,
            options: CSVReadOptions(columnTypes: [itemColumn: .text, titleColumn: .text, genresColumn: .text]))
        try self.init(table: table, itemColumn: itemColumn, titleColumn: titleColumn, genresColumn: genresColumn)
    }

    /// Builds descriptions from a table's id, title and genres columns; see ``init(moviesCSV:itemColumn:titleColumn:genresColumn:)``.
    /// - Parameters:
    ///   - table: The table.
    ///   - itemColumn: The id column's name.
    ///   - titleColumn: The title column's name.
    ///   - genresColumn: The genres column's name.
    /// - Throws: ``TableError`` for a missing column, ``InteractionError``.
    public init(table: Table, itemColumn: String, titleColumn: String, genresColumn: String) throws {
        let ids = try table.column(itemColumn)
        let titles = try table.column(titleColumn)
        let genres = try table.column(genresColumn)
        var items: [String] = []
        var texts: [String] = []
        for row in 0..<table.rowCount {
            let id: String
            switch ids[row] {
            case .string(let value): id = value
            case .number(let value): id = NumberFormatting.shortest(value)
            default: throw InteractionError.missingValue(column: itemColumn, row: row)
            }
            let title = titles[row].string ?? ""
            let genreText = (genres[row].string ?? "").split(separator: "|").filter { $0 != "(no genres listed)" }
                .joined(separator: " ")
            items.append(id)
            texts.append(genreText.isEmpty ? title : title + " " + genreText)
        }
        try self.init(items: items, texts: texts)
    }
}
