import Foundation

/// Renders a ``TableDescription`` as aligned plain-text tables.
enum DescriptionRenderer {
    static func render(_ description: TableDescription) -> String {
        var lines = ["\(description.rowCount) rows × \(description.columns.count) columns"]
        let numeric = description.columns.filter { $0.type == .numeric }
        if !numeric.isEmpty {
            let header = ["numeric", "count", "missing", "mean", "std", "min", "25%", "50%", "75%", "max", "distinct"]
            let rows = numeric.map { column -> [String] in
                let summary = column.numbers
                let statistics: [Double?] = [
                    summary?.mean, summary?.standardDeviation, summary?.minimum, summary?.firstQuartile,
                    summary?.median, summary?.thirdQuartile, summary?.maximum,
                ]
                return [column.name, String(column.count), String(column.missing)] + statistics.map(format)
                    + [distinct(column)]
            }
            lines.append("")
            lines.append(table(header: header, rows: rows))
            if let error = numeric.compactMap({ $0.numbers?.quantileRankError }).max(), error > 0 {
                lines.append("(quartiles approximate: rank error at most \(format(error * 100))% of the count)")
            }
        }
        let others = description.columns.filter { $0.type != .numeric }
        if !others.isEmpty {
            let header = ["column", "type", "count", "missing", "distinct", "top values (count)"]
            let rows = others.map { column -> [String] in
                let top = column.topValues.prefix(3).map { "\(shortened($0.value)) (\($0.count))" }
                return [
                    column.name, column.type.rawValue, String(column.count), String(column.missing), distinct(column),
                    top.joined(separator: ", "),
                ]
            }
            lines.append("")
            lines.append(table(header: header, rows: rows, leftAligned: [0, 1, 5]))
        }
        return lines.joined(separator: "\n")
    }

    private static func distinct(_ column: ColumnDescription) -> String {
        column.distinctIsExact ? String(column.distinct) : "~\(column.distinct)"
    }

    /// Six significant digits, or `-` for a missing statistic.
    private static func format(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.6g", value)
    }

    private static func shortened(_ text: String) -> String {
        let quoted = text.count > 28 ? String(text.prefix(27)) + "…" : text
        return "\"\(quoted)\""
    }

    /// Columns separated by two spaces; numbers right-aligned, the columns in `leftAligned` left-aligned.
    private static func table(header: [String], rows: [[String]], leftAligned: Set<Int> = [0]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { index in all.map { $0[index].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return leftAligned.contains(index) ? cell + padding : padding + cell
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
