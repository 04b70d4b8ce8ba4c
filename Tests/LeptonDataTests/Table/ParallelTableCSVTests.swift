import Foundation
import LeptonSupport
import Testing

@testable import LeptonData

/// `Table(csv:)` parses a large file in pieces on several threads; these tests read generated files both ways, with
/// pieces of a few bytes so that cuts land everywhere (inside quoted line breaks, between CR and LF), and expect
/// the same table to the bit, or the same error.
@Suite("Table(csv:) in pieces on several threads gives the record-by-record reader's table and errors")
final class ParallelTableCSVTests: Sendable {
    /// A fresh directory for the test's files, removed when the test ends.
    private let directory: URL

    init() throws { directory = try TestResources.temporaryDirectory() }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Piece sizes from one byte (most cuts inside a record) to larger than the files.
    private static let pieceSizes = [1, 3, 17, 64, 333, 4096, 1 << 20]

    /// A generated file: quoted fields with delimiters, doubled quotes and LF, CRLF and lone-CR line breaks (which
    /// small pieces cut through), CRLF and LF record ends, blank lines, missing tokens, booleans, categories, a
    /// column that turns from numbers to text at a random (often late) row, one that turns back, and thousands
    /// separators in quoted numbers.
    private static func randomCSV(rows: Int, header: Bool = true, generator: inout SplitMix64) -> String {
        func pick(_ count: Int) -> Int { Int(generator.next() % UInt64(count)) }
        let turn = pick(3) == 0 ? rows + 1 : pick(rows + 1)
        let turnBack = pick(rows + 1)
        var text = header && pick(4) == 0 ? "\u{FEFF}" : ""
        if header { text += "id,amount,flag,city,note,late,early,grouped\r\n" }
        let cities = ParallelDescribeTests.cities
        let notes = ParallelDescribeTests.notes
        for row in 0..<rows {
            let amount = ParallelDescribeTests.amount(&generator)
            let flag = ["true", "false", "TRUE", "", "null", " false "][pick(6)]
            let late =
                row < turn ? ["\(pick(1000))", "", "\(pick(100)).50"][pick(3)] : ["w\(pick(9))", "7", ""][pick(3)]
            let early = row < turnBack ? "x\(pick(4))" : "\(pick(10))"
            let grouped = pick(2) == 0 ? "\"\(pick(9)),\(100 + pick(900))\"" : "\(pick(1000))"
            let end = pick(3) == 0 ? "\r\n" : "\n"
            text += "\(row),\(amount),\(flag),\(cities[pick(cities.count)]),\(notes[pick(notes.count)]),"
            text += "\(late),\(early),\(grouped)\(end)"
            if pick(30) == 0 { text += ["\n", "\r\n"][pick(2)] }
        }
        return text
    }

    /// Options to read the generated files with: inference only, type overrides, other missing tokens, thousands.
    private static let optionSets: [CSVReadOptions] = [
        CSVReadOptions(),
        CSVReadOptions(columnTypes: ["id": .categorical, "city": .text, "flag": .boolean, "late": .categorical]),
        CSVReadOptions(missingTokens: ["", "NA", "w1"], maximumCategories: 4, thousandsSeparator: ","),
        CSVReadOptions(columnTypes: ["amount": .numeric, "note": .categorical], maximumCategories: 8),
    ]

    /// The table, or the error, of reading `url` record by record or in pieces of `pieceBytes`.
    private static func read(_ url: URL, options: CSVReadOptions, pieceBytes: Int?) -> Result<Table, CSVError> {
        Result {
            try Table(
                csv: url, options: options, pieceBytes: pieceBytes ?? 1,
                minimumParallelBytes: pieceBytes == nil ? .max : 0,
                pool: .shared)
        }.mapError { error in
            error as? CSVError ?? CSVError(file: "", problem: .unreadable(reason: "unexpected \(error)"))
        }
    }

    /// The columns' values with numbers compared by their bits (so that -0 and 0 differ).
    private static func bits(_ table: Table) -> [String] {
        table.columns.map { column in
            if case .numeric(let values) = column.data {
                return column.name + ": "
                    + values.map { $0.map { String($0.bitPattern, radix: 16) } ?? "-" }.joined(
                        separator: " ")
            }
            return column.name
        }
    }

    /// Records a difference between the two reads of `url`, saying which.
    private static func expectSame(
        _ found: Result<Table, CSVError>, _ expected: Result<Table, CSVError>, _ label: String
    ) {
        switch (found, expected) {
        case (.success(let table), .success(let truth)):
            #expect(table.columnNames == truth.columnNames, "\(label): names")
            #expect(table.columns.map(\.data.type) == truth.columns.map(\.data.type), "\(label): types")
            // Compared first and then expected, so that a failure names the case rather than printing both tables.
            let sameValues = table == truth
            let sameBits = bits(table) == bits(truth)
            #expect(sameValues, "\(label): values")
            #expect(sameBits, "\(label): bits of the numbers")
        case (.failure(let error), .failure(let truth)):
            #expect(error == truth, "\(label): error")
        default:
            Issue.record("\(label): \(found) against the sequential \(expected)")
        }
    }

    @Test("60 generated files, four option sets, seven piece sizes: the same table as record by record")
    func generatedFiles() throws {
        var generator = SplitMix64(seed: 2026_1207_15)
        let url = directory.appendingPathComponent("random.csv")
        var lateTurns = 0
        for round in 0..<60 {
            let rows = [0, 1, 3, 40, 150, 400][Int(generator.next() % 6)]
            try Data(Self.randomCSV(rows: rows, generator: &generator).utf8).write(to: url)
            for (set, options) in Self.optionSets.enumerated() {
                let expected = Self.read(url, options: options, pieceBytes: nil)
                if case .success(let table) = expected, table["late"]?.data.type != .numeric { lateTurns += 1 }
                let sizes = round % 4 == set ? Self.pieceSizes : [Self.pieceSizes[Int(generator.next() % 7)], 64]
                for size in sizes {
                    Self.expectSame(
                        Self.read(url, options: options, pieceBytes: size), expected,
                        "round \(round), options \(set), piece \(size)")
                }
            }
        }
        // The column that turns from numbers to text after some pieces (read a second time) was exercised.
        #expect(lateTurns > 10)
    }

    @Test("errors late in the file: the same problem, row, line and column as record by record")
    func errors() throws {
        var generator = SplitMix64(seed: 15_15)
        let url = directory.appendingPathComponent("bad.csv")
        let booleanFlag = CSVReadOptions(columnTypes: ["flag": .boolean])
        let numericLate = CSVReadOptions(columnTypes: ["late": .numeric])
        // (label, bad record, options): each bad record goes at a random row of a good file.
        let cases: [(String, String, CSVReadOptions)] = [
            ("ragged", "1,2,3\n", CSVReadOptions()),
            ("unterminated", "9,1,true,Oslo,\"never\nclosed,1,x1,2\n", CSVReadOptions()),
            ("after quote", "9,1,true,\"Oslo\"x,a,1,x1,2\n", CSVReadOptions()),
            ("utf8", "9,1,true,Oslo,\u{FFFD}bad,1,x1,2\n", CSVReadOptions()),
            ("not a number", "9,1,true,Oslo,\"a\nb\",oops,x1,2\n", numericLate),
            ("not a boolean", "9,1,maybe,Oslo,\"a\r\nb\",1,x1,2\n", booleanFlag),
            ("boolean, then ragged", "9,1,maybe,Oslo,a,1,x1,2\n", booleanFlag),
        ]
        for round in 0..<40 {
            let (label, bad, options) = cases[round % cases.count]
            let before = Int(generator.next() % 300)
            var text = Self.randomCSV(rows: before, generator: &generator) + bad
            if label == "not a boolean" {
                // A second invalid field of the column, later: the first is reported.
                text += Self.randomCSV(rows: 30, header: false, generator: &generator) + "9,1,never,Oslo,a,1,x1,2\n"
            }
            if label.hasSuffix("ragged") && label != "ragged" {
                text += Self.randomCSV(rows: 20, header: false, generator: &generator) + "1,2\n"
            }
            text += Self.randomCSV(rows: 300 - before, header: false, generator: &generator)
            var data = Data(text.utf8)
            if label == "utf8", let index = data.firstRange(of: Data([0xEF, 0xBF, 0xBD])) {
                data.replaceSubrange(index, with: [0xFF])
            }
            try data.write(to: url)
            let expected = Self.read(url, options: options, pieceBytes: nil)
            guard case .failure = expected else {
                Issue.record("\(label): the sequential read should fail")
                continue
            }
            for size in [1, 29, 700, 1 << 20] {
                Self.expectSame(
                    Self.read(url, options: options, pieceBytes: size), expected,
                    "\(label), round \(round), piece \(size)")
            }
        }
    }

    @Test("edge cases: empty file, header only, no header, one long record; and Table(csv:) on a 2 MB file")
    func edgeCases() throws {
        let url = directory.appendingPathComponent("edge.csv")
        let long = String(repeating: "abc,", count: 5000)
        let texts = ["", "a,b\n", "a,b", "\n\n", "1,2\n3,4\n", "a,b\n\"\(long)\",1\n2,3\n"]
        let noHeader = CSVReadOptions(format: CSVFormat(hasHeader: false))
        for (index, text) in texts.enumerated() {
            try Data(text.utf8).write(to: url)
            for options in [CSVReadOptions(), noHeader] {
                let expected = Self.read(url, options: options, pieceBytes: nil)
                for size in [1, 7, 1 << 20] {
                    Self.expectSame(Self.read(url, options: options, pieceBytes: size), expected, "text \(index)")
                }
            }
        }
        // More distinct values than a string column keeps as codes (its bytes are kept instead), over a file large
        // enough for the public initializer to take the parallel path.
        var text = "key,value,group\n"
        for row in 0..<(ColumnAccumulator.sharedValueLimit + 5000) {
            text += "k\(row * 7919 % 1_000_003),\(row % 3 == 0 ? "" : "\(row)"),g\(row % 5)\n"
        }
        try Data(text.utf8).write(to: url)
        let expected = Self.read(url, options: CSVReadOptions(), pieceBytes: nil)
        Self.expectSame(Self.read(url, options: CSVReadOptions(), pieceBytes: 50_000), expected, "many values")
        let publicRead = Result { try Table(csv: url) }.mapError {
            $0 as? CSVError ?? CSVError(file: "", problem: .empty)
        }
        Self.expectSame(publicRead, expected, "Table(csv:)")
        #expect((try? expected.get())?["key"]?.data.type == .text)
    }
}
