import Foundation
import LeptonData
import Testing

/// `FeatureValue` is the one tabular value: a table's cells, a served model's request fields and logged labels.
@Suite("FeatureValue: table cells and request fields share one value type")
struct FeatureValueTests {
    @Test("a table's cells are FeatureValues, typed by their column, missing where the CSV field is empty")
    func cells() throws {
        let table = try Table(
            csvText: "age,purpose,owns_home,note\n41,car,true,\n,tv,false,old\n",
            options: CSVReadOptions(columnTypes: ["purpose": .categorical, "note": .text]))
        #expect(table.columns.map(\.type) == [.numeric, .categorical, .boolean, .text])
        let first: [FeatureValue] = table.columns.map { $0[0] }
        #expect(first == [.number(41), .string("car"), .bool(true), .missing])
        let second: [FeatureValue] = table.columns.map { $0[1] }
        #expect(second == [.missing, .string("tv"), .bool(false), .string("old")])
        #expect(try table.value(row: 0, column: "age").number == 41)
        #expect(first.map(\.isMissing) == [false, false, false, true])
    }

    @Test("the text form is the CSV spelling: integral numbers without .0, missing as empty")
    func description() {
        let values: [FeatureValue] = [.number(1000), .number(2.5), .number(-3), .string("car"), .bool(false), .missing]
        #expect(values.map(\.description) == ["1000", "2.5", "-3", "car", "false", ""])
    }

    @Test("JSON: bare numbers, strings, booleans and null; non-finite numbers are written as null")
    func json() throws {
        let values: [FeatureValue] = [.number(2.5), .string("NaN"), .bool(true), .missing, .number(.infinity)]
        let json = String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
        #expect(json == #"[2.5,"NaN",true,null,null]"#)
        let decoded = try JSONDecoder().decode([FeatureValue].self, from: Data(#"[2.5,"true",true,1,0,null]"#.utf8))
        // A JSON number stays a number and a JSON string a string, even when they spell a boolean.
        #expect(decoded == [.number(2.5), .string("true"), .bool(true), .number(1), .number(0), .missing])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([FeatureValue].self, from: Data("[[1]]".utf8)) }
    }
}
