import Foundation
import Testing

@testable import LeptonData

@Suite("Describing a CSV file in pieces on several threads gives the sequential pass's results")
struct ParallelDescribeTests {
    /// Piece sizes from one byte (every cut lands inside a record, most inside quoted line breaks) to larger than
    /// the file.
    private static let pieceSizes = [1, 2, 3, 5, 17, 64, 333, 4096, 1 << 20]

    /// City fields of the generated files: quoted delimiters, a missing token, multi-byte text.
    static let cities = ["Berlin", "Paris", "\"Rome, Italy\"", "Oslo", "NA", "", "\"Zürich\""]
    /// Note fields of the generated files: quoted delimiters, doubled quotes, LF, CR and CRLF inside quotes.
    static let notes = [
        "plain", "\"with, comma\"", "\"two\nlines\"", "\"crlf\r\ninside\"", "\"say \"\"hi\"\"\"", "\"\"",
        "\"lone\rcr\"", "\"\n\"", "N/A", "\"\n\n\n\"",
    ]

    /// A random number field: empty, a missing token, long mantissas, exponents, quoted, negative zero.
    static func amount(_ generator: inout SplitMix64) -> String {
        let uniform = Double(generator.next() >> 11) / Double(1 << 53)
        switch generator.next() % 9 {
        case 0: return ""
        case 1: return "NA"
        case 2: return String(format: "%.17g", uniform * 1e-5)
        case 3: return "\(Int(uniform * 1000))e\(generator.next() % 5)"
        case 4: return "\"\(uniform * 100)\""
        case 5: return "-0"
        default: return String(format: "%.2f", uniform * 1000 - 300)
        }
    }

    /// A messy file: quoted fields with delimiters, doubled quotes, LF, CR and CRLF inside quotes, CRLF and LF
    /// record ends, blank lines, empty fields and missing tokens, numbers with exponents and long mantissas.
    private static func messyCSV(rows: Int, seed: UInt64) -> String {
        var generator = SplitMix64(seed: seed)
        func pick(_ count: Int) -> Int { Int(generator.next() % UInt64(count)) }
        var text = "id,amount,flag,city,note,mixed\r\n"
        for row in 0..<rows {
            let amount = amount(&generator)
            let flag = ["true", "false", "TRUE", "", "null"][pick(5)]
            let mixed = pick(50) == 0 ? "word" : "\(pick(1000))"
            let end = pick(3) == 0 ? "\r\n" : "\n"
            text += "\(row),\(amount),\(flag),\(cities[pick(cities.count)]),\(notes[pick(notes.count)]),\(mixed)\(end)"
            if pick(40) == 0 { text += "\n" }
        }
        return text
    }

    static func write(_ text: String, name: String) throws -> (directory: URL, url: URL) {
        let directory = try TestResources.temporaryDirectory()
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return (directory, url)
    }

    /// The sequential one-pass description (one record at a time through `CSVReader`).
    static func sequential(
        _ url: URL, options: CSVReadOptions = CSVReadOptions(), limits: StreamingDescriber.Limits
    ) throws -> TableDescription {
        try StreamingDescriber.describe(
            reader: CSVReader(url: url, format: options.format), options: options, limits: limits)
    }

    static func parallel(
        _ url: URL, pieceBytes: Int, options: CSVReadOptions = CSVReadOptions(), limits: StreamingDescriber.Limits
    ) throws -> TableDescription {
        try ParallelDescriber.describe(
            csv: url, options: options, limits: limits, pieceBytes: pieceBytes, pool: .shared)
    }

    static func relativelyClose(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    }

    /// Equal in everything, except mean and standard deviation within 1e-12 relative.
    static func expectSame(_ found: TableDescription, _ expected: TableDescription, _ label: String) {
        #expect(found.rowCount == expected.rowCount, "\(label): rows")
        #expect(found.columns.count == expected.columns.count, "\(label): columns")
        for (column, truth) in zip(found.columns, expected.columns) {
            let name = "\(label) \(truth.name)"
            #expect(column.name == truth.name && column.type == truth.type, "\(name): type \(column.type)")
            #expect(column.count == truth.count && column.missing == truth.missing, "\(name): counts")
            #expect(column.distinct == truth.distinct && column.distinctIsExact == truth.distinctIsExact, "\(name)")
            #expect(column.topValues == truth.topValues, "\(name): top values")
            #expect(column.topCountsMaxUndercount == truth.topCountsMaxUndercount, "\(name): undercount")
            #expect((column.numbers == nil) == (truth.numbers == nil), "\(name): numbers")
            guard let numbers = column.numbers, let expectedNumbers = truth.numbers else { continue }
            #expect(relativelyClose(numbers.mean, expectedNumbers.mean), "\(name): mean")
            #expect(
                relativelyClose(numbers.standardDeviation, expectedNumbers.standardDeviation), "\(name): deviation")
            #expect(numbers.minimum == expectedNumbers.minimum && numbers.maximum == expectedNumbers.maximum, "\(name)")
            #expect(
                numbers.firstQuartile == expectedNumbers.firstQuartile && numbers.median == expectedNumbers.median
                    && numbers.thirdQuartile == expectedNumbers.thirdQuartile, "\(name): quartiles")
            #expect(numbers.quantileRankError == expectedNumbers.quantileRankError, "\(name): rank error")
        }
    }

    @Test("quotes, line breaks inside quotes, CRLF, blank lines and missing tokens, at many piece sizes")
    func messyFile() throws {
        let (directory, url) = try Self.write(Self.messyCSV(rows: 1500, seed: 11), name: "messy.csv")
        defer { try? FileManager.default.removeItem(at: directory) }
        let limits = StreamingDescriber.Limits()
        let expected = try Self.sequential(url, limits: limits)
        #expect(expected.rowCount == 1500)
        #expect(expected["note"]?.type == .categorical && expected["amount"]?.type == .numeric)
        #expect(expected["flag"]?.type == .boolean && expected["mixed"]?.type == .text)
        for size in Self.pieceSizes {
            Self.expectSame(try Self.parallel(url, pieceBytes: size, limits: limits), expected, "piece \(size)")
        }
        // The public entry point takes the parallel path.
        Self.expectSame(try StreamingDescriber.describe(csv: url, limits: limits), expected, "describe(csv:)")
    }

    @Test("beyond the exact limits: counts and distinct counts equal, quartiles within the reported rank error")
    func beyondLimits() throws {
        let (directory, url) = try Self.write(Self.messyCSV(rows: 6000, seed: 12), name: "large.csv")
        defer { try? FileManager.default.removeItem(at: directory) }
        let limits = StreamingDescriber.Limits(
            exactQuantileValues: 300, sketchLevelCapacity: 64, exactDistinctValues: 200, trackedValues: 8)
        let expected = try Self.sequential(url, limits: limits)
        let table = try Table(csv: url)
        for size in [7, 500, 1 << 20] {
            let found = try Self.parallel(url, pieceBytes: size, limits: limits)
            #expect(found.rowCount == expected.rowCount)
            for (column, truth) in zip(found.columns, expected.columns) {
                #expect(column.type == truth.type && column.count == truth.count && column.missing == truth.missing)
                // HyperLogLog registers merge by maximum: the same estimate as the sequential pass.
                #expect(column.distinct == truth.distinct && column.distinctIsExact == truth.distinctIsExact)
                for item in column.topValues {
                    let actual = table[truth.name].map { values in
                        (0..<values.count).filter { values[$0].description == item.value }.count
                    }
                    if let actual {
                        #expect(item.count <= actual && actual - item.count <= column.topCountsMaxUndercount)
                    }
                }
            }
            let amount = try #require(found["amount"]?.numbers)
            let truth = try #require(expected["amount"]?.numbers)
            #expect(Self.relativelyClose(amount.mean, truth.mean))
            #expect(Self.relativelyClose(amount.standardDeviation, truth.standardDeviation))
            #expect(amount.minimum == truth.minimum && amount.maximum == truth.maximum)
            // The true ranks of the estimated quartiles are within the bound of the targets.
            let column = try #require(table["amount"])
            let sorted = (0..<column.count).compactMap { row -> Double? in
                if case .number(let value) = column[row] { return value }
                return nil
            }.sorted()
            let n = Double(sorted.count)
            #expect(amount.quantileRankError > 0 && amount.quantileRankError < 0.2, "\(amount.quantileRankError)")
            for (p, estimate) in [(0.25, amount.firstQuartile), (0.5, amount.median), (0.75, amount.thirdQuartile)] {
                let below = Double(sorted.prefix { $0 < estimate }.count)
                let atOrBelow = Double(sorted.prefix { $0 <= estimate }.count)
                let target = p * (n - 1)
                let error = target < below ? below - target : max(0, target - atOrBelow + 1)
                #expect(error / n <= amount.quantileRankError + 1 / n, "p \(p): rank error \(error / n)")
            }
        }
    }

    @Test("errors: the first problem in the file, with the same row, line and column as the sequential reader")
    func errors() throws {
        let good = Self.messyCSV(rows: 300, seed: 13)
        let cases: [(String, String, CSVReadOptions)] = [
            (
                "ragged",
                good + "1,2,3\n"
                    + good.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
                    .joined(separator: "\n"), CSVReadOptions()
            ),
            ("unterminated", good + "9,1,true,Oslo,\"never closed\n1,2\n", CSVReadOptions()),
            ("after quote", good + "9,1,true,\"Oslo\"x,a,1\n", CSVReadOptions()),
            ("not a number", good, CSVReadOptions(columnTypes: ["mixed": .numeric])),
            ("utf8", good + "9,1,true,Oslo,\u{FFFD}bad,1\n", CSVReadOptions()),
        ]
        for (label, text, options) in cases {
            var data = Data(text.utf8)
            if label == "utf8", let index = data.firstRange(of: Data([0xEF, 0xBF, 0xBD])) {
                data.replaceSubrange(index, with: [0xFF])
            }
            let directory = try TestResources.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = directory.appendingPathComponent("bad.csv")
            try data.write(to: url)
            let limits = StreamingDescriber.Limits()
            var expected: CSVError?
            do { _ = try Self.sequential(url, options: options, limits: limits) } catch let error as CSVError {
                expected = error
            }
            let truth = try #require(expected, "\(label): the sequential pass should fail")
            for size in [1, 29, 700, 1 << 20] {
                #expect(throws: truth, "\(label), piece \(size)") {
                    _ = try Self.parallel(url, pieceBytes: size, options: options, limits: limits)
                }
            }
        }
    }
}

extension ParallelDescribeTests {
    @Test("a column that is numeric until its last field gets the string statistics of every field")
    func lateText() throws {
        var text = "a,b\n"
        for row in 0..<3000 { text += "\(row % 700),\(row % 3 == 0 ? "1.5" : "x\(row % 5)")\n" }
        text += "late,x1\n"
        let (directory, url) = try Self.write(text, name: "late.csv")
        defer { try? FileManager.default.removeItem(at: directory) }
        let limits = StreamingDescriber.Limits(trackedValues: 1024)
        let expected = try Self.sequential(url, limits: limits)
        #expect(expected["a"]?.type == .text && expected["a"]?.distinct == 701)
        #expect(expected["b"]?.type == .categorical)
        for size in [13, 4096, 1 << 20] {
            Self.expectSame(try Self.parallel(url, pieceBytes: size, limits: limits), expected, "piece \(size)")
        }
    }
}
