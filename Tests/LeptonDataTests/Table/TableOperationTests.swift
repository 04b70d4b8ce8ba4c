import Foundation
import Testing

@testable import LeptonData

@Suite("Table accessors, select, filter, sort and groupBy on German Credit")
struct TableOperationTests {
    private static func credit() throws -> Table { try Table(csv: DescribeFixture.creditURL) }

    /// Column `name` read straight from the file with CSVReader, as the independent truth for accessors.
    private static func rawColumn(_ name: String) throws -> [String] {
        let (header, records) = try CSVReader.read(contentsOf: DescribeFixture.creditURL)
        let index = try #require(header?.firstIndex(of: name))
        return records.map { $0[index] }
    }

    @Test("typed accessors return the file's values; wrong names and types throw TableError")
    func accessors() throws {
        let table = try Self.credit()
        #expect(table.rowCount == 1000 && table.columnNames.count == 21)
        #expect(try table.numbers("age_in_years") == Self.rawColumn("age_in_years").map { Double($0) })
        #expect(try table.strings("purpose") == Self.rawColumn("purpose"))
        let purpose = try table.categorical("purpose")
        #expect(purpose.categories == Set(try Self.rawColumn("purpose")).sorted())
        #expect(table["purpose"]?.type == .categorical && table["nope"] == nil)
        #expect(try table.value(row: 0, column: "credit_amount") == .number(1169))
        #expect(throws: TableError.unknownColumn("agee", available: table.columnNames)) { try table.numbers("agee") }
        #expect(throws: TableError.wrongColumnType(column: "purpose", expected: .numeric, actual: .categorical)) {
            try table.numbers("purpose")
        }
        #expect(throws: TableError.wrongColumnType(column: "age_in_years", expected: .text, actual: .numeric)) {
            try table.strings("age_in_years")
        }
        #expect(throws: TableError.wrongColumnType(column: "housing", expected: .boolean, actual: .categorical)) {
            try table.booleans("housing")
        }
    }

    @Test("select keeps the named columns in the given order")
    func select() throws {
        let table = try Self.credit()
        let selected = try table.select(["creditability", "age_in_years"])
        #expect(selected.columnNames == ["creditability", "age_in_years"])
        #expect(try selected.numbers("age_in_years") == table.numbers("age_in_years"))
        #expect(throws: TableError.self) { try table.select(["age_in_years", "nope"]) }
        #expect(throws: TableError.duplicateColumnName("housing")) { try table.select(["housing", "housing"]) }
    }

    @Test("filter and stable sorts give the rows Python's sorted() gives")
    func filterAndSort() throws {
        let table = try Self.credit()
        let truth = try DescribeFixture.load().germanCreditOperations
        let amounts = try table.numbers("credit_amount")
        let older = table.filter { ($0["age_in_years"].number ?? 0) >= 60 }
        #expect(try older.numbers("credit_amount") == truth.ageAtLeast60.map { amounts[$0] })
        // credit_amount as a row fingerprint: sorting must move whole rows, in Python's stable order.
        let ascending = try table.sorted(by: "age_in_years")
        #expect(try ascending.numbers("credit_amount") == truth.sortedByAgeAscending.map { amounts[$0] })
        let descending = try table.sorted(by: "age_in_years", ascending: false)
        #expect(try descending.numbers("credit_amount") == truth.sortedByAgeDescending.map { amounts[$0] })
        #expect(
            try descending.strings("purpose") == truth.sortedByAgeDescending.map { try table.strings("purpose")[$0] })
    }

    @Test("groupBy summary matches Python per purpose")
    func groupBy() throws {
        let truth = try DescribeFixture.load().germanCreditOperations.groupPurposeCreditAmount
        let groups = try Self.credit().groupBy("purpose")
        let summary = try groups.summary(of: "credit_amount")
        #expect(summary.map(\.key) == truth.map { .string($0.key) })
        for (row, expected) in zip(summary, truth) {
            #expect(row.count == expected.count && row.valueCount == expected.count)
            #expect(row.sum == expected.sum && row.minimum == expected.min && row.maximum == expected.max)
            #expect(close(row.mean, expected.mean, tolerance: 1e-12))
        }
        #expect(groups.counts().map(\.count) == truth.map(\.count))
        let table = try groups.summaryTable(of: "credit_amount")
        #expect(table.columnNames == ["purpose", "count", "mean", "sum", "min", "max"])
        #expect(try table.numbers("sum") == truth.map(\.sum))
        #expect(throws: TableError.self) { try groups.summary(of: "purpose") }
    }
}
