import Foundation
import Testing

@testable import LeptonData

/// `Resources/csv/expected.json`, written from Python's csv module by `Resources/csv/make_fixtures.py`.
private struct CSVExpectations: Decodable {
    struct Record: Decodable {
        let fields: [String]
        let row: Int
        let line: Int
    }
    struct ErrorCase: Decodable {
        let file: String
        let problem: String
        let row: Int
        let line: Int
        let column: Int?
        let expected: Int?
        let found: Int?
        let openedAtLine: Int?
        let byteOffset: Int?
    }
    let tricky: [Record]
    let semicolonNoHeader: [Record]
    let writerRecords: [[String]]
    let errors: [ErrorCase]

    static func load() throws -> CSVExpectations {
        try JSONDecoder().decode(CSVExpectations.self, from: TestResources.data("csv/expected.json"))
    }
}

@Suite("CSV reading against Python's csv module")
struct CSVReaderTests {
    @Test(
        "quotes, escaped quotes, embedded delimiters and newlines, CRLF/LF/CR, BOM, blank lines",
        arguments: [1, 2, 3, 7, 64, 1 << 20])
    func trickyFile(chunkSize: Int) throws {
        let expected = try CSVExpectations.load().tricky
        let reader = try CSVReader(url: TestResources.url("csv/tricky.csv"), chunkSize: chunkSize)
        #expect(reader.header == expected[0].fields)
        let records = try reader.readAll()
        #expect(records.map(\.fields) == expected.dropFirst().map(\.fields))
        #expect(records.map(\.row) == expected.dropFirst().map(\.row))
        #expect(records.map(\.line) == expected.dropFirst().map(\.line))
    }

    @Test("custom delimiter, no header, no final line break")
    func semicolonWithoutHeader() throws {
        let expected = try CSVExpectations.load().semicolonNoHeader
        let format = CSVFormat(delimiter: ";", hasHeader: false)
        let (header, records) = try CSVReader.read(
            contentsOf: TestResources.url("csv/semicolon_no_header.csv"), format: format)
        #expect(header == nil)
        #expect(records.map(\.fields) == expected.map(\.fields))
        #expect(records.map(\.row) == [1, 2, 3])
    }

    @Test("in-memory input, blank lines kept on request, empty input")
    func inMemory() throws {
        let keep = CSVFormat(hasHeader: false, skipsBlankLines: false)
        let records = try CSVReader(string: "a\n\nb\n", format: keep).readAll()
        #expect(records.map(\.fields) == [["a"], [""], ["b"]])
        #expect(try CSVReader(string: "").readAll().isEmpty)
        #expect(try CSVReader(string: "").header == [])
        let onlyHeader = try CSVReader(string: "x,y\n")
        #expect(onlyHeader.header == ["x", "y"])
        #expect(try onlyHeader.next() == nil)
        let ragged = CSVError(file: "<memory>", row: 2, line: 2, problem: .raggedRow(expected: 1, found: 2))
        #expect(throws: ragged) { try CSVReader(string: "x\n,\n", format: CSVFormat(hasHeader: false)).readAll() }
    }

    @Test("malformed files report file, row, line and column", arguments: [1, 5, 1 << 20])
    func malformedFiles(chunkSize: Int) throws {
        let cases = try CSVExpectations.load().errors
        #expect(cases.count == 4)
        for entry in cases {
            let url = TestResources.url("csv/" + entry.file)
            do {
                let reader = try CSVReader(url: url, chunkSize: chunkSize)
                _ = try reader.readAll()
                Issue.record("\(entry.file): expected \(entry.problem)")
            } catch let error as CSVError {
                #expect(error.file == url.path)
                #expect(error.row == entry.row, "\(entry.file): \(error)")
                #expect(error.line == entry.line, "\(entry.file): \(error)")
                #expect(error.columnIndex == entry.column, "\(entry.file): \(error)")
                switch error.problem {
                case .raggedRow(let expected, let found):
                    #expect(entry.problem == "raggedRow" && expected == entry.expected && found == entry.found)
                case .unterminatedQuote(let line):
                    #expect(entry.problem == "unterminatedQuote" && line == entry.openedAtLine)
                case .invalidUTF8(let offset):
                    #expect(entry.problem == "invalidUTF8" && offset == entry.byteOffset)
                case .textAfterClosingQuote(let found):
                    #expect(entry.problem == "textAfterClosingQuote" && found == "y")
                default:
                    Issue.record("\(entry.file): unexpected \(error)")
                }
                if entry.column != nil { #expect(error.columnName != nil && error.description.contains("column")) }
            }
        }
    }

    @Test("a missing file is a CSVError naming it")
    func missingFile() {
        let url = TestResources.url("csv/nope.csv")
        #expect {
            try CSVReader(url: url)
        } throws: { error in
            guard let error = error as? CSVError, case .unreadable = error.problem else { return false }
            return error.file == url.path
        }
    }
}

@Suite("CSV writing")
struct CSVWriterTests {
    @Test("output is byte-identical to Python's csv.writer (minimal quoting)")
    func matchesPython() throws {
        let records = try CSVExpectations.load().writerRecords
        let directory = try TestResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.csv")
        try CSVWriter.write(header: nil, records: records, to: url)
        #expect(try Data(contentsOf: url) == TestResources.data("csv/writer_expected.csv"))
        // The last record has one field where the others have three: read it apart.
        let written = try Data(contentsOf: url)
        let lastLine = try #require(written.dropLast().lastIndex(of: 0x0A))
        let format = CSVFormat(hasHeader: false, skipsBlankLines: false)
        let reread = try CSVReader(data: written.prefix(lastLine + 1), format: format).readAll()
        #expect(reread.map(\.fields) == records.dropLast())
        #expect(
            try CSVReader(data: written.suffix(from: lastLine + 1), format: format).readAll().map(\.fields) == [[""]])
    }

    @Test("an unfinished writer leaves the destination untouched and no temporary file")
    func atomicity() throws {
        let directory = try TestResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("data.csv")
        try Data("old\n".utf8).write(to: url)
        do {
            let writer = try CSVWriter(url: url)
            try writer.write(["new", "content"])
            #expect(try String(contentsOf: url, encoding: .utf8) == "old\n")
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["data.csv"])
        let writer = try CSVWriter(url: url, format: CSVFormat(delimiter: "\t", lineTerminator: "\r\n"))
        try writer.write(["a\tb", "c"])
        try writer.finish()
        #expect(try String(contentsOf: url, encoding: .utf8) == "\"a\tb\"\tc\r\n")
    }
}
