import Foundation
import Testing

@testable import LeptonData

@Suite("Missing values, type overrides, CSV errors and round trips")
struct TableMissingValueTests {
    static let sample = """
        id,score,flag,answer,city,note
        1,3.5,true,yes,Bern,first
        2,NA,FALSE,no,Basel,
        3,,True,yes,Bern,third note
        4,-2e3,false,N/A,Bern,"quoted, note"
        5,null,,no,Basel,fifth
        6,7,true,yes,,sixth

        """

    @Test("missing tokens become nil in every column type; inference follows the documented rules")
    func inference() throws {
        let table = try Table(csvText: Self.sample)
        #expect(table.columns.map(\.type) == [.numeric, .numeric, .boolean, .categorical, .categorical, .text])
        #expect(try table.numbers("score") == [3.5, nil, nil, -2000, nil, 7])
        #expect(try table.booleans("flag") == [true, false, true, false, nil, true])
        #expect(try table.strings("answer") == ["yes", "no", "yes", nil, "no", "yes"])
        #expect(try table.categorical("city").categories == ["Basel", "Bern"])
        #expect(try table.strings("note") == ["first", nil, "third note", "quoted, note", "fifth", "sixth"])
        #expect(table["score"]?.missingCount == 3)
        let description = table.describe()
        #expect(description["score"]?.count == 3 && description["score"]?.missing == 3)
        #expect(
            description["flag"]?.topValues == [
                ValueCount(value: "true", count: 3), ValueCount(value: "false", count: 2),
            ])
    }

    @Test("overrides: yes/no as boolean, numbers as text, custom missing tokens")
    func overrides() throws {
        var options = CSVReadOptions(columnTypes: ["answer": .boolean, "id": .text, "city": .text])
        options.missingTokens = ["", "NA", "N/A"]
        let table = try Table(csvText: Self.sample, options: options)
        #expect(try table.booleans("answer") == [true, false, true, nil, false, true])
        #expect(try table.strings("id") == ["1", "2", "3", "4", "5", "6"])
        // "null" is no longer missing, so score is not numeric any more.
        #expect(table["score"]?.type == .text)
        #expect(try table.strings("score") == ["3.5", nil, nil, "-2e3", "null", "7"])
    }

    @Test("a non-number in a declared numeric column names file, row, line and column")
    func notANumber() throws {
        let text = "a,b\n1,2\n3,\"x\ny\"\n5,oops\n"
        let expected = CSVError(
            file: "data.csv", row: 3, line: 3, columnIndex: 1, columnName: "b", problem: .notANumber(text: "x\ny"))
        let options = CSVReadOptions(columnTypes: ["b": .numeric])
        #expect(throws: expected) { try Table(csvText: text, name: "data.csv", options: options) }
        #expect(throws: expected) {
            try StreamingDescriber.describe(reader: CSVReader(string: text, name: "data.csv"), options: options)
        }
        let booleanError = CSVError(
            file: "data.csv", row: 4, line: 4, columnIndex: 1, columnName: "b", problem: .notABoolean(text: "oops"))
        #expect(throws: booleanError) {
            try Table(
                csvText: "a,b\n1,yes\n3,\"n\"\n5,oops\n", name: "data.csv",
                options: CSVReadOptions(columnTypes: ["b": .boolean]))
        }
    }

    @Test("a declared numeric column in a real file: the error points at the first text field")
    func notANumberInFile() throws {
        let options = CSVReadOptions(columnTypes: ["purpose": .numeric])
        do {
            _ = try Table(csv: DescribeFixture.creditURL, options: options)
            Issue.record("expected notANumber")
        } catch let error as CSVError {
            #expect(error.file == DescribeFixture.creditURL.path)
            #expect(error.row == 2 && error.line == 2 && error.columnIndex == 3 && error.columnName == "purpose")
            #expect(error.problem == .notANumber(text: "radio/television"))
        }
    }

    @Test("duplicate names and unknown overrides are reported")
    func headerProblems() {
        #expect(
            throws: CSVError(
                file: "<memory>", row: 1, line: 1, columnIndex: 2, columnName: "a", problem: .duplicateColumnName("a"))
        ) {
            try Table(csvText: "a,b,a\n1,2,3\n")
        }
        #expect(throws: CSVError(file: "<memory>", problem: .unknownColumn("c"))) {
            try Table(csvText: "a,b\n1,2\n", options: CSVReadOptions(columnTypes: ["c": .text]))
        }
    }

    @Test(
        "malformed CSV surfaces as CSVError from Table and StreamingDescriber",
        arguments: ["ragged.csv", "unterminated.csv", "invalid_utf8.csv"])
    func malformed(file: String) throws {
        let url = TestResources.url("csv/" + file)
        #expect(throws: CSVError.self) { try Table(csv: url) }
        #expect(throws: CSVError.self) { try StreamingDescriber.describe(csv: url) }
    }

    @Test("write(csv:) then Table(csv:) gives the same table")
    func roundTrip() throws {
        let directory = try TestResources.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = try Table(csvText: Self.sample)
        let url = directory.appendingPathComponent("sample.csv")
        try original.write(csv: url)
        let types = Dictionary(uniqueKeysWithValues: original.columns.map { ($0.name, $0.type) })
        #expect(try Table(csv: url, options: CSVReadOptions(columnTypes: types)) == original)
        let credit = try Table(csv: DescribeFixture.creditURL)
        try credit.write(csv: url)
        #expect(try Table(csv: url) == credit)
        let single = try Table(columns: [Column(name: "x", data: .numeric([1, nil, 0.1, -2.5e-7]))])
        try single.write(csv: url)
        #expect(try Table(csv: url) == single)
    }

    @Test("Table(columns:) checks names and lengths; headerless files get generated names")
    func construction() throws {
        #expect(throws: TableError.columnLengthMismatch(column: "b", expected: 2, actual: 1)) {
            try Table(columns: [Column(name: "a", data: .numeric([1, 2])), Column(name: "b", data: .text(["x"]))])
        }
        let headerless = try Table(csvText: "1,a\n2,b\n", options: CSVReadOptions(format: CSVFormat(hasHeader: false)))
        #expect(headerless.columnNames == ["column1", "column2"] && headerless.rowCount == 2)
        // An empty input is an error (it used to load as a 0 × 0 table, issue 17); a header alone is not.
        #expect(throws: CSVError(file: "<memory>", problem: .empty)) { try Table(csvText: "") }
        let headerOnly = try Table(csvText: "a,b\n")
        #expect(headerOnly.columnNames == ["a", "b"] && headerOnly.rowCount == 0)
    }
}
