import Foundation

/// `Resources/describe/expected.json`, computed with Python's csv and statistics modules by
/// `Resources/describe/make_expected.py`.
struct DescribeFixture: Decodable {
    struct ColumnTruth: Decodable {
        struct Top: Decodable {
            let value: String
            let count: Int
        }
        let name: String
        let type: String
        let count: Int
        let missing: Int
        let distinct: Int
        let mean: Double?
        let std: Double?
        let min: Double?
        let max: Double?
        let q25: Double?
        let q50: Double?
        let q75: Double?
        let top: [Top]
    }
    struct TableTruth: Decodable {
        let rowCount: Int
        let columns: [ColumnTruth]
    }
    struct GroupTruth: Decodable {
        let key: String
        let count: Int
        let sum: Double
        let mean: Double
        let min: Double
        let max: Double
    }
    struct OperationsTruth: Decodable {
        let groupPurposeCreditAmount: [GroupTruth]
        let sortedByAgeAscending: [Int]
        let sortedByAgeDescending: [Int]
        let ageAtLeast60: [Int]
    }
    let iris: TableTruth
    let germanCredit: TableTruth
    let germanCreditOperations: OperationsTruth

    enum CodingKeys: String, CodingKey {
        case iris
        case germanCredit = "german_credit"
        case germanCreditOperations = "german_credit_operations"
    }

    static func load() throws -> DescribeFixture {
        try JSONDecoder().decode(DescribeFixture.self, from: TestResources.data("describe/expected.json"))
    }

    static let irisURL = TestResources.url("iris/iris.csv")
    static let creditURL = TestResources.url("german_credit/german_credit.csv")
}

/// Whether `a` and `b` agree to a relative tolerance (absolute near zero).
func close(_ a: Double?, _ b: Double?, tolerance: Double = 1e-9) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a - b) <= tolerance * max(1, abs(a), abs(b))
}
