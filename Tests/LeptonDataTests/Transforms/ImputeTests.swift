import Foundation
import Testing

@testable import LeptonData

@Suite("Impute against scikit-learn's SimpleImputer")
struct ImputeTests {
    private let table = TransformFixture.creditMissing
    private let truth = TransformFixture.expected["imputation"]

    @Test("mean, median and most frequent fill values match SimpleImputer.statistics_")
    func statistics() throws {
        for (strategy, key) in [(ImputeStrategy.mean, "mean"), (.median, "median"), (.mostFrequent, "most_frequent")] {
            let fitted = try Impute(strategy, columns: TransformFixture.numeric).fit(on: table)
            for entry in fitted.entries {
                guard case .number(let value) = entry.fill else {
                    Issue.record("not a number")
                    continue
                }
                #expect(close(value, truth[key][entry.column].double, tolerance: 1e-12), "\(key) \(entry.column)")
            }
            let filled = try fitted.apply(to: table)
            for entry in fitted.entries {
                let before = try table.numbers(entry.column)
                let after = try filled.numbers(entry.column)
                guard case .number(let fill) = entry.fill else { continue }
                #expect(zip(before, after).allSatisfy { $1 == ($0 ?? fill) })
            }
        }
    }

    @Test("most frequent category matches SimpleImputer; categorical columns stay categorical")
    func categorical() throws {
        let fitted = try Impute(.mostFrequent, columns: ["purpose", "housing"]).fit(on: table)
        #expect(
            fitted.entries.map(\.fill)
                == ["purpose", "housing"].map { .string(truth["most_frequent_categorical"][$0].string) })
        let filled = try fitted.apply(to: table)
        #expect(filled["purpose"]?.type == .categorical && filled["purpose"]?.missingCount == 0)
        let original = try table.strings("purpose")
        #expect(
            try filled.strings("purpose") == original.map { $0 ?? truth["most_frequent_categorical"]["purpose"].string }
        )
    }

    @Test("indicators are 1 exactly where the file has a blank, and follow their column")
    func indicators() throws {
        let fitted = try Impute(.median, columns: ["credit_amount", "duration_in_month"], indicators: true).fit(
            on: table)
        #expect(
            fitted.outputColumns == [
                "credit_amount", "credit_amount_missing", "duration_in_month", "duration_in_month_missing",
            ])
        let filled = try fitted.apply(to: table)
        let names = filled.columnNames
        #expect(names[names.firstIndex(of: "credit_amount")! + 1] == "credit_amount_missing")
        // Rows blanked by make_expected.py: i % 7 == 3.
        #expect(try filled.numbers("credit_amount_missing") == (0..<1000).map { $0 % 7 == 3 ? 1 : 0 })
        #expect(try filled.numbers("duration_in_month_missing") == [Double?](repeating: 0, count: 1000))
    }

    @Test("constants fill by kind; wrong kinds and empty columns throw errors naming the column")
    func constantsAndErrors() throws {
        let filled = try Impute(.constant(-1), columns: ["age_in_years"]).fit(on: table).apply(to: table)
        #expect(try filled.numbers("age_in_years").filter { $0 == -1 }.count == 91)  // rows i % 11 == 5
        let unknown = try Impute(.constant("unknown"), columns: ["purpose"]).fit(on: table).apply(to: table)
        #expect(try unknown.categorical("purpose").categories.contains("unknown"))
        #expect(
            throws: TransformError.unsupportedColumnType(column: "purpose", actual: .categorical, supported: [.numeric])
        ) {
            try Impute(.mean, columns: ["purpose"]).fit(on: table)
        }
        #expect(
            throws: TransformError.unsupportedColumnType(
                column: "age_in_years", actual: .numeric, supported: [.categorical, .text])
        ) {
            try Impute(.constant("x"), columns: ["age_in_years"]).fit(on: table)
        }
        #expect(throws: TableError.self) { try Impute(.mean, columns: ["agee"]).fit(on: table) }
        let empty = try Table(columns: [Column(name: "x", data: .numeric([nil, nil]))])
        #expect(throws: TransformError.noValues(column: "x")) { try Impute(.median, columns: ["x"]).fit(on: empty) }
        let fitted = try Impute(.mean, columns: ["age_in_years"]).fit(on: table)
        let wrongType = try table.replacing(
            "age_in_years",
            with: [Column(name: "age_in_years", data: .text(["a"] + [String?](repeating: nil, count: 999)))])
        #expect(throws: TransformError.self) { try fitted.apply(to: wrongType) }
    }
}
