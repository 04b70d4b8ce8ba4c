import Foundation
import LeptonSupport
import Testing

@testable import LeptonData

/// `Table(csv:)` keeps only numbers for numeric columns and reads the input a second time for a column that stops
/// being numeric; these tests compare its columns with a reference built from the records' strings by the rules of
/// ``CSVReadOptions``.
@Suite("Table(csv:) builds typed columns as the inference rules say, including columns that stop being numeric")
struct TableCSVColumnBuildingTests {
    /// The column a reference reader makes of `fields` (one string per row).
    private static func reference(
        _ fields: [String], declared: ColumnType?, options: CSVReadOptions
    ) -> ColumnData {
        func trimmed(_ text: String) -> Substring {
            Substring(text).drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
                .map(String.init).joined()[...]
        }
        let values: [String?] = fields.map { options.missingTokens.contains(String(trimmed($0))) ? nil : $0 }
        let present = values.compactMap { $0 }
        func number(_ text: String) -> Double? {
            Array(text.utf8).withUnsafeBufferPointer { FieldParsing.number($0) }
        }
        func strictBoolean(_ text: String) -> Bool? {
            switch trimmed(text).lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        }
        let type: ColumnType
        if let declared {
            type = declared
        } else if present.allSatisfy({ number($0) != nil }) {
            type = .numeric
        } else if present.allSatisfy({ strictBoolean($0) != nil }) {
            type = .boolean
        } else {
            let distinct = Set(present.map { Array($0.utf8) }).count
            type = distinct <= options.maximumCategories && distinct * 2 <= present.count ? .categorical : .text
        }
        switch type {
        case .numeric: return .numeric(values.map { $0.flatMap(number).flatMap { $0.isNaN ? nil : $0 } })
        case .boolean: return .boolean(values.map { $0.flatMap(strictBoolean) })
        case .categorical: return .categorical(CategoricalValues(values: values))
        case .text: return .text(values)
        }
    }

    /// One generated column: a kind of content and, for the kinds that change, the row where they change.
    private static func column(kind: Int, rows: Int, generator: inout SplitMix64) -> [String] {
        func pick(_ count: Int) -> Int { Int(generator.next() % UInt64(count)) }
        let change = pick(rows + 1)
        let poolSize = [2, 4, 9, 30, 70, 400][pick(6)]
        let missing = ["", "NA", " ", "nan"]
        return (0..<rows).map { row in
            if pick(8) == 0 { return missing[pick(missing.count)] }
            let number = [String(pick(100)), "\(pick(1000)).\(pick(100))", "-\(pick(10))e\(pick(5))", " 7 "][pick(4)]
            let word = [
                "w\(pick(poolSize))", "say \"\(pick(poolSize))\"", "a,\(pick(poolSize))", "x\n\(pick(poolSize))",
            ][
                pick(4)]
            switch kind {
            case 0: return number
            case 1: return row < change ? number : word
            case 2: return row < change ? String(pick(2)) : ["true", "FALSE", " true"][pick(3)]
            case 3: return ["true", "false", "True ", "FALSE"][pick(4)]
            default: return row < change ? word : number
            }
        }
    }

    private static func csv(header: [String], columns: [[String]]) -> String {
        func quoted(_ field: String) -> String {
            field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == " " }
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
        var lines = [header.joined(separator: ",")]
        for row in 0..<(columns.first?.count ?? 0) {
            lines.append(columns.map { quoted($0[row]) }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("random columns that change type at any row: the same columns as the reference, from text and from a file")
    func randomColumns() throws {
        var generator = SplitMix64(seed: 15_1207)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lepton-csv-columns-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for round in 0..<150 {
            let rows = [1, 2, 5, 40, 300][Int(generator.next() % 5)]
            let kinds = (0..<5).map { _ in Int(generator.next() % 5) }
            let columns = kinds.map { Self.column(kind: $0, rows: rows, generator: &generator) }
            let header = kinds.indices.map { "c\($0)" }
            var options = CSVReadOptions(maximumCategories: [5, 50][Int(generator.next() % 2)])
            if generator.next() % 4 == 0 {
                options.columnTypes["c\(generator.next() % 5)"] = [.categorical, .text][Int(generator.next() % 2)]
            }
            let text = Self.csv(header: header, columns: columns)
            let url = directory.appendingPathComponent("\(round).csv")
            try Data(text.utf8).write(to: url)
            for table in [try Table(csvText: text, options: options), try Table(csv: url, options: options)] {
                #expect(table.rowCount == rows)
                for (index, fields) in columns.enumerated() {
                    let expected = Self.reference(
                        fields, declared: options.columnTypes[header[index]], options: options)
                    #expect(
                        table.columns[index].data == expected, "round \(round), column \(index), kind \(kinds[index])")
                }
            }
        }
    }

    @Test("a column numeric for 10,000 rows, then text: every row's original text is kept")
    func lateText() throws {
        var fields = (0..<10_000).map { "\($0).50" }
        fields.append("end")
        let text = "a,b\n" + fields.enumerated().map { "\($0.offset),\($0.element)" }.joined(separator: "\n")
        let table = try Table(csvText: text)
        #expect(table.columns[0].data.type == .numeric)
        guard case .text(let values) = table.columns[1].data else {
            Issue.record("column b is \(table.columns[1].data.type), not text")
            return
        }
        #expect(values == fields)
    }

    @Test("a declared boolean column reports its first invalid field after reading, with row and line")
    func invalidBoolean() {
        let text = "a,b\n\"x\ny\",true\n2,maybe\n3,nope\n"
        var options = CSVReadOptions()
        options.columnTypes["b"] = .boolean
        #expect(
            throws: CSVError(
                file: "<memory>", row: 3, line: 4, columnIndex: 1, columnName: "b", problem: .notABoolean(text: "maybe")
            )
        ) {
            try Table(csvText: text, options: options)
        }
    }
}
