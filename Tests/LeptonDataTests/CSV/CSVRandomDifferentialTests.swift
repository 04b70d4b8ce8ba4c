import Foundation
import LeptonSupport
import Testing

@testable import LeptonData

/// `CSVReader` against a reference parser written here from the documented rules, over thousands of generated
/// inputs with adversarial quoting, line breaks of every kind and malformed records, read whole and in small chunks.
@Suite("CSVReader agrees with an independent reference parser on generated adversarial CSV")
struct CSVRandomDifferentialTests {
    /// What the reference makes of an input: the header, the records (fields, row, line), or the error it stops at.
    private struct Parsed: Equatable {
        var header: [String]?
        var records: [[String]] = []
        var rows: [Int] = []
        var lines: [Int] = []
        var error: CSVError?
    }

    /// A direct reading of the rules: a field opening with a quote runs to the next single quote (`""` is one
    /// quote) and must be followed by the delimiter, a line break or the end; other fields run to the delimiter or a
    /// line break; LF, CRLF and a lone CR end a record; blank lines are skipped; every record has the header's field
    /// count.
    private static func reference(_ bytes: [UInt8], name: String) -> Parsed {
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        var parsed = Parsed()
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var row = 0
        var expected: Int?
        func isBreak(_ at: Int) -> Bool { at < bytes.count && (bytes[at] == lf || bytes[at] == cr) }
        /// Skips the line break at `at`; returns the index after it.
        func skipBreak(_ at: Int) -> Int {
            bytes[at] == cr && at + 1 < bytes.count && bytes[at + 1] == lf ? at + 2 : at + 1
        }
        func fail(_ column: Int?, _ problem: CSVError.Problem, line errorLine: Int) {
            let columnName = column.flatMap { column in parsed.header.flatMap { column < $0.count ? $0[column] : nil } }
            parsed.error = CSVError(
                file: name, row: row + 1, line: errorLine, columnIndex: column, columnName: columnName, problem: problem
            )
        }
        while index < bytes.count {
            if isBreak(index) {
                index = skipBreak(index)
                line += 1
                continue
            }
            let recordLine = line
            var lineBreaks = 0
            var fields: [String] = []
            while true {
                var field: [UInt8] = []
                if index < bytes.count && bytes[index] == quote {
                    let openedAt = recordLine + lineBreaks
                    index += 1
                    while true {
                        guard index < bytes.count else {
                            fail(fields.count, .unterminatedQuote(openedAtLine: openedAt), line: recordLine)
                            return parsed
                        }
                        if bytes[index] == quote {
                            if index + 1 < bytes.count && bytes[index + 1] == quote {
                                field.append(quote)
                                index += 2
                                continue
                            }
                            index += 1
                            break
                        }
                        if bytes[index] == lf
                            || (bytes[index] == cr && !(index + 1 < bytes.count && bytes[index + 1] == lf))
                        {
                            lineBreaks += 1
                        }
                        field.append(bytes[index])
                        index += 1
                    }
                    if index < bytes.count && bytes[index] != comma && !isBreak(index) {
                        let found = bytes[index..<min(index + 8, bytes.count)].prefix { $0 != lf && $0 != cr }
                        fail(
                            fields.count, .textAfterClosingQuote(found: String(decoding: found, as: UTF8.self)),
                            line: recordLine)
                        return parsed
                    }
                } else {
                    while index < bytes.count && bytes[index] != comma && !isBreak(index) {
                        field.append(bytes[index])
                        index += 1
                    }
                }
                fields.append(String(decoding: field, as: UTF8.self))
                if index < bytes.count && bytes[index] == comma {
                    index += 1
                    continue
                }
                if index < bytes.count {
                    index = skipBreak(index)
                    lineBreaks += 1
                }
                break
            }
            row += 1
            let count = expected ?? fields.count
            expected = count
            if fields.count != count {
                row -= 1
                fail(nil, .raggedRow(expected: count, found: fields.count), line: recordLine)
                return parsed
            }
            if parsed.header == nil {
                parsed.header = fields
            } else {
                parsed.records.append(fields)
                parsed.rows.append(row)
                parsed.lines.append(recordLine)
            }
            line += lineBreaks
        }
        if parsed.header == nil { parsed.header = [] }
        return parsed
    }

    /// What `CSVReader` makes of the input.
    private static func read(_ makeReader: () throws -> CSVReader) -> Parsed {
        var parsed = Parsed()
        do {
            let reader = try makeReader()
            parsed.header = reader.header
            while let record = try reader.next() {
                parsed.records.append(record.fields)
                parsed.rows.append(record.row)
                parsed.lines.append(record.line)
            }
        } catch let error as CSVError {
            parsed.error = error
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return parsed
    }

    /// A generated input: mostly well-formed records of 1–4 fields, with quoted fields holding delimiters, line
    /// breaks and doubled quotes, LF/CRLF/CR endings, blank lines, a BOM, a missing final line break, multi-byte
    /// text, and now and then a stray byte that may make it malformed.
    private static func input(_ generator: inout SplitMix64) -> [UInt8] {
        func pick(_ count: Int) -> Int { Int(generator.next() % UInt64(count)) }
        let pieces = ["a", "bc", " ", "é", "1.5", "", "\u{1F600}", "x y"]
        let inQuotes = [",", "\n", "\r\n", "\r", "\"\"", "a", " ", "é"]
        let breaks = ["\n", "\r\n", "\r"]
        let width = 1 + pick(4)
        var text = pick(10) == 0 ? "\u{FEFF}" : ""
        for record in 0..<(1 + pick(8)) {
            if pick(8) == 0 { text += breaks[pick(3)] }
            let fields = (0..<(pick(12) == 0 ? 1 + pick(5) : width)).map { _ -> String in
                if pick(3) == 0 {
                    return "\"" + (0..<pick(5)).map { _ in inQuotes[pick(inQuotes.count)] }.joined() + "\""
                }
                return (0..<pick(3)).map { _ in pieces[pick(pieces.count)] }.joined()
            }
            text += fields.joined(separator: ",")
            if record < 7 || pick(2) == 0 { text += breaks[pick(3)] }
        }
        if pick(6) == 0 {
            // A stray character (at a character boundary: the input stays valid UTF-8).
            let stray: [Character] = ["\"", ",", "\n", "\r", "a"]
            text.insert(stray[pick(stray.count)], at: text.index(text.startIndex, offsetBy: pick(text.count + 1)))
        }
        let bytes = Array(text.utf8)
        return bytes
    }

    @Test("5,000 generated inputs: the same header, records, rows, lines and errors, in memory and in 1-7 byte chunks")
    func generatedInputs() throws {
        var generator = SplitMix64(seed: 2026_12_07)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lepton-csv-diff-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("input.csv")
        var mismatches = 0
        for round in 0..<5_000 {
            let bytes = Self.input(&generator)
            let expected = Self.reference(bytes, name: "<memory>")
            let inMemory = Self.read { try CSVReader(data: Data(bytes)) }
            if inMemory != expected {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record(
                        "round \(round): \(String(decoding: bytes, as: UTF8.self).debugDescription)\nreader \(inMemory)\nreference \(expected)"
                    )
                }
            }
            if round % 5 == 0 {
                try Data(bytes).write(to: url)
                let chunk = 1 + round % 7
                var expectedFromFile = Self.reference(bytes, name: url.path)
                expectedFromFile.error = expected.error.map {
                    CSVError(
                        file: url.path, row: $0.row, line: $0.line, columnIndex: $0.columnIndex,
                        columnName: $0.columnName, problem: $0.problem)
                }
                var chunked = Self.read { try CSVReader(url: url, chunkSize: chunk) }
                // The text quoted after a closing quote is what is buffered of the next 8 bytes: with small chunks,
                // possibly fewer.
                if case .textAfterClosingQuote(let found)? = chunked.error?.problem,
                    case .textAfterClosingQuote(let full)? = expectedFromFile.error?.problem, full.hasPrefix(found),
                    let error = chunked.error
                {
                    chunked.error = CSVError(
                        file: error.file, row: error.row, line: error.line, columnIndex: error.columnIndex,
                        columnName: error.columnName, problem: .textAfterClosingQuote(found: full))
                }
                #expect(chunked == expectedFromFile, "round \(round), chunks of \(chunk)")
            }
        }
        #expect(mismatches == 0)
    }
}
