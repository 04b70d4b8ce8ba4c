/// Column reading shared by the transforms: numbers for fitting (replacement goes through ``ColumnEditor``).
enum ColumnAccess {
    /// The values of numeric column `name`.
    static func numbers(_ table: Table, _ name: String) throws -> [Double?] {
        try table.numbers(name)
    }

    /// The non-missing values of numeric column `name`, for fitting.
    /// - Throws: ``TransformError/nonFiniteValue(column:row:value:)`` for NaN or infinity,
    ///   ``TransformError/noValues(column:)`` if every cell is missing.
    static func finiteValues(_ table: Table, _ name: String) throws -> [Double] {
        var result: [Double] = []
        for (row, value) in try table.numbers(name).enumerated() {
            guard let value else { continue }
            guard value.isFinite else { throw TransformError.nonFiniteValue(column: name, row: row, value: value) }
            result.append(value)
        }
        guard !result.isEmpty else { throw TransformError.noValues(column: name) }
        return result
    }

}

/// The values of a column as category keys: strings for categorical and text cells, the shortest decimal
/// text for numbers (`4`, `2.5`), `true`/`false` for booleans; `nil` for missing cells.
struct CategoryKeys {
    /// Per row, the key or `nil`.
    let keys: [String?]
    /// The distinct keys in natural order: numbers numerically, strings by Unicode order, `false` first.
    let sortedDistinct: [String]

    /// Reads `column`.
    /// - Throws: ``TransformError/nonFiniteValue(column:row:value:)`` for a NaN number.
    init(_ column: Column) throws {
        switch column.data {
        case .numeric(let values):
            if let row = values.firstIndex(where: { $0?.isNaN ?? false }) {
                throw TransformError.nonFiniteValue(column: column.name, row: row, value: .nan)
            }
            keys = values.map { $0.map(NumberFormatting.shortest) }
            sortedDistinct = Set(values.compactMap { $0 }).sorted().map(NumberFormatting.shortest)
        case .categorical(let values):
            let names = values.categories
            keys = values.codes.map { $0.map { names[Int($0)] } }
            var used = [Bool](repeating: false, count: names.count)
            for code in values.codes { if let code { used[Int(code)] = true } }
            sortedDistinct = names.indices.filter { used[$0] }.map { names[$0] }.sorted()
        case .boolean(let values):
            keys = values.map { $0.map { $0 ? "true" : "false" } }
            sortedDistinct = [false, true].filter { values.contains($0) }.map { $0 ? "true" : "false" }
        case .text(let values):
            keys = values
            sortedDistinct = Set(values.compactMap { $0 }).sorted()
        }
    }
}
