import Foundation
import Testing

@testable import LeptonData

/// A parsed JSON value, for reading `Resources/transforms/expected.json` without mirroring its structure.
enum JSON: Decodable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case array([JSON])
    case object([String: JSON])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    subscript(key: String) -> JSON {
        guard case .object(let members) = self, let value = members[key] else {
            preconditionFailure("JSON: no member \(key.debugDescription)")
        }
        return value
    }

    subscript(index: Int) -> JSON { array[index] }

    var array: [JSON] {
        guard case .array(let values) = self else { preconditionFailure("JSON: not an array: \(self)") }
        return values
    }
    var object: [String: JSON] {
        guard case .object(let members) = self else { preconditionFailure("JSON: not an object: \(self)") }
        return members
    }
    var double: Double {
        guard case .number(let value) = self else { preconditionFailure("JSON: not a number: \(self)") }
        return value
    }
    var int: Int { Int(double) }
    var string: String {
        guard case .string(let value) = self else { preconditionFailure("JSON: not a string: \(self)") }
        return value
    }
    var doubles: [Double] { array.map(\.double) }
    var ints: [Int] { array.map(\.int) }
    var strings: [String] { array.map(\.string) }
    var matrix: [[Double]] { array.map(\.doubles) }
}

/// The fixture tables and the expected values written by `Resources/transforms/make_expected.py`.
enum TransformFixture {
    static let expected: JSON = {
        let data = try! TestResources.data("transforms/expected.json")
        return try! JSONDecoder().decode(JSON.self, from: data)
    }()

    static let credit = try! Table(csv: TestResources.url("german_credit/german_credit.csv"))
    static let creditMissing = try! Table(csv: TestResources.url("transforms/credit_missing.csv"))
    static let iris = try! Table(csv: TestResources.url("iris/iris.csv"))
    static let corpusTrain = try! Table(
        csv: TestResources.url("transforms/corpus_train.csv"), options: CSVReadOptions(columnTypes: ["text": .text]))
    static let corpusTest = try! Table(
        csv: TestResources.url("transforms/corpus_test.csv"),
        options: CSVReadOptions(missingTokens: [], columnTypes: ["text": .text]))

    static let numeric = ["duration_in_month", "credit_amount", "age_in_years"]
    static let categorical = ["purpose", "housing", "credit_history"]
    static let irisFeatures = ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]
}

/// The numeric columns `names` of `table` as rows (missing cells as NaN).
func rowsOf(_ table: Table, _ names: [String]) throws -> [[Double]] {
    let columns = try names.map { try table.numbers($0) }
    return (0..<table.rowCount).map { row in columns.map { $0[row] ?? .nan } }
}

/// Whether two matrices have equal shapes and agree elementwise to a relative tolerance.
func matricesClose(_ a: [[Double]], _ b: [[Double]], tolerance: Double = 1e-9) -> Bool {
    a.count == b.count
        && zip(a, b).allSatisfy { left, right in
            left.count == right.count && zip(left, right).allSatisfy { close($0, $1, tolerance: tolerance) }
        }
}
