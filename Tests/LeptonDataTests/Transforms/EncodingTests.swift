import Foundation
import Testing

@testable import LeptonData

@Suite("One-hot and ordinal encoding against scikit-learn, and unseen-category policies")
struct EncodingTests {
    private let credit = TransformFixture.credit
    private let truth = TransformFixture.expected["encoding"]
    private var train: Table { credit.rows(Array(0..<800)) }
    private var test: Table { credit.rows(Array(800..<1000)) }

    @Test("categories and one-hot columns of rows 800..<1000 match OneHotEncoder fitted on rows 0..<800")
    func oneHot() throws {
        let columns = truth["columns"].strings
        let fitted = try OneHot(columns: columns, unknown: .ignore).fit(on: train)
        #expect(fitted.entries.map(\.categories) == truth["categories"].array.map(\.strings))
        let names = zip(columns, truth["categories"].array).flatMap { column, categories in
            categories.strings.map { column + "=" + $0 }
        }
        #expect(fitted.outputColumns == names)
        let encoded = try fitted.apply(to: test)
        #expect(try rowsOf(encoded, names) == truth["onehot_test"].matrix)
        #expect(encoded.columnNames.first == "status_of_existing_checking_account")
        #expect(!encoded.columnNames.contains("purpose") && encoded.columnNames.contains("creditability"))
    }

    @Test("ordinal codes match OrdinalEncoder, numbers as categories sorted numerically")
    func ordinal() throws {
        let columns = truth["columns"].strings
        let encoded = try OrdinalEncode(columns: columns).fit(on: train).apply(to: test)
        #expect(try rowsOf(encoded, columns) == truth["ordinal_test"].matrix)
        let ordered = try OrdinalEncode(columns: ["housing"], categories: ["housing": ["rent", "own", "for free"]])
            .fit(on: credit).apply(to: credit)
        let housing = try credit.strings("housing")
        #expect(try ordered.numbers("housing") == housing.map { ["rent": 0, "own": 1, "for free": 2][$0!] })
    }

    @Test("unseen categories: .error names column, value and row; .ignore gives zeros; .useUnknown flags them")
    func unseen() throws {
        let train = try Table(columns: [
            Column(name: "color", data: .categorical(CategoricalValues(values: ["red", "blue", "red"])))
        ])
        let test = try Table(columns: [
            Column(name: "color", data: .categorical(CategoricalValues(values: ["blue", "green", nil])))
        ])
        #expect(throws: TransformError.unseenCategory(column: "color", value: "green", row: 1)) {
            try OneHot(columns: ["color"]).fit(on: train).apply(to: test)
        }
        let missingOnly = test.rows([0, 2])
        #expect(throws: TransformError.missingValue(column: "color", row: 1)) {
            try OneHot(columns: ["color"]).fit(on: train).apply(to: missingOnly)
        }
        let ignored = try OneHot(columns: ["color"], unknown: .ignore).fit(on: train).apply(to: test)
        #expect(ignored.columnNames == ["color=blue", "color=red"])
        #expect(try rowsOf(ignored, ignored.columnNames) == [[1, 0], [0, 0], [0, 0]])
        let flagged = try OneHot(columns: ["color"], unknown: .useUnknown).fit(on: train).apply(to: test)
        #expect(flagged.columnNames == ["color=blue", "color=red", "color=<unknown>"])
        #expect(try rowsOf(flagged, flagged.columnNames) == [[1, 0, 0], [0, 0, 1], [0, 0, 1]])
        #expect(throws: TransformError.unseenCategory(column: "color", value: "green", row: 1)) {
            try OrdinalEncode(columns: ["color"]).fit(on: train).apply(to: test)
        }
        #expect(
            try OrdinalEncode(columns: ["color"], unknown: .ignore).fit(on: train).apply(to: test).numbers("color") == [
                0, nil, nil,
            ])
        #expect(
            try OrdinalEncode(columns: ["color"], unknown: .useUnknown).fit(on: train).apply(to: test).numbers("color")
                == [0, -1, nil])
    }

    @Test("categories come from the rows present, not from levels of the full table")
    func observedCategories() throws {
        let subset = credit.filter { $0["housing"].string != "rent" }
        #expect(try OneHot(columns: ["housing"]).fit(on: subset).entries[0].categories == ["for free", "own"])
        let booleans = try Table(columns: [Column(name: "flag", data: .boolean([true, false, nil]))])
        let encoded = try OneHot(columns: ["flag"], unknown: .ignore).fit(on: booleans).apply(to: booleans)
        #expect(encoded.columnNames == ["flag=false", "flag=true"])
    }
}
