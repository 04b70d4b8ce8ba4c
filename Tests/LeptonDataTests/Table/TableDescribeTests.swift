import Foundation
import Testing

@testable import LeptonData

@Suite("Type inference and describe() against Python's statistics module")
struct TableDescribeTests {
    static let cases: [(String, URL)] = [
        ("iris", DescribeFixture.irisURL), ("german_credit", DescribeFixture.creditURL),
    ]

    private static func truth(_ name: String) throws -> DescribeFixture.TableTruth {
        let fixture = try DescribeFixture.load()
        return name == "iris" ? fixture.iris : fixture.germanCredit
    }

    /// Checks one description against the Python truth (quantiles within `quantileTolerance`).
    private static func check(_ description: TableDescription, _ truth: DescribeFixture.TableTruth, _ label: String) {
        #expect(description.rowCount == truth.rowCount, "\(label)")
        #expect(description.columns.map(\.name) == truth.columns.map(\.name), "\(label)")
        for (column, expected) in zip(description.columns, truth.columns) {
            let place = "\(label).\(column.name)"
            #expect(column.type.rawValue == expected.type, "\(place)")
            #expect(column.count == expected.count && column.missing == expected.missing, "\(place)")
            #expect(column.distinct == expected.distinct && column.distinctIsExact, "\(place)")
            #expect(column.topValues.map(\.value) == expected.top.map(\.value), "\(place)")
            #expect(column.topValues.map(\.count) == expected.top.map(\.count), "\(place)")
            #expect(column.topCountsMaxUndercount == 0, "\(place)")
            guard expected.type == "numeric" else {
                #expect(column.numbers == nil, "\(place)")
                continue
            }
            guard let numbers = column.numbers else {
                Issue.record("\(place): no numeric summary")
                continue
            }
            #expect(close(numbers.mean, expected.mean), "\(place) mean \(numbers.mean) vs \(expected.mean ?? .nan)")
            #expect(close(numbers.standardDeviation, expected.std), "\(place) std")
            #expect(numbers.minimum == expected.min && numbers.maximum == expected.max, "\(place) min/max")
            #expect(close(numbers.firstQuartile, expected.q25), "\(place) q25")
            #expect(close(numbers.median, expected.q50), "\(place) median")
            #expect(close(numbers.thirdQuartile, expected.q75), "\(place) q75")
            #expect(numbers.quantileRankError == 0, "\(place)")
        }
    }

    @Test(
        "Table(csv:) infers the documented types and describe() matches Python", arguments: ["iris", "german_credit"])
    func tableDescribe(name: String) throws {
        let url = name == "iris" ? DescribeFixture.irisURL : DescribeFixture.creditURL
        let table = try Table(csv: url)
        Self.check(table.describe(), try Self.truth(name), name)
    }

    @Test("StreamingDescriber gives the same statistics in one pass", arguments: ["iris", "german_credit"])
    func streamingDescribe(name: String) throws {
        let url = name == "iris" ? DescribeFixture.irisURL : DescribeFixture.creditURL
        let streamed = try StreamingDescriber.describe(csv: url)
        Self.check(streamed, try Self.truth(name), name + " (streaming)")
    }

    @Test("the text rendering shows every column and the key statistics")
    func rendering() throws {
        let truth = try Self.truth("german_credit")
        let text = try Table(csv: DescribeFixture.creditURL).describe().description
        #expect(text.hasPrefix("1000 rows × 21 columns"))
        for column in truth.columns { #expect(text.contains(column.name), "\(column.name)") }
        let age = try #require(truth.columns.first { $0.name == "age_in_years" })
        let ageLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("age_in_years ") })
        #expect(ageLine.contains(String(format: "%.6g", age.mean!)))
        #expect(ageLine.contains(String(format: "%.6g", age.std!)))
        let good = try #require(text.split(separator: "\n").first { $0.hasPrefix("creditability ") })
        #expect(good.contains("categorical") && good.contains("\"good\" (700)") && good.contains("\"bad\" (300)"))
    }
}
