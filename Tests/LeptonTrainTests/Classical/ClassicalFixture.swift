import Foundation
import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

/// Reads Resources/classical/expected.json, written by make_expected.py with scikit-learn.
struct ClassicalFixture {
    let object: [String: Any]

    static func load(_ section: String) throws -> ClassicalFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/classical/expected.json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return ClassicalFixture(object: try #require(root[section] as? [String: Any]))
    }

    func section(_ key: String) throws -> ClassicalFixture {
        ClassicalFixture(object: try #require(object[key] as? [String: Any], "missing section \(key)"))
    }

    func double(_ key: String) throws -> Double {
        try #require((object[key] as? NSNumber)?.doubleValue, "missing number \(key)")
    }

    func doubles(_ key: String) throws -> [Double] {
        try #require((object[key] as? [NSNumber])?.map(\.doubleValue), "missing list \(key)")
    }

    func rows(_ key: String) throws -> [[Double]] {
        try #require((object[key] as? [[NSNumber]])?.map { $0.map(\.doubleValue) }, "missing matrix \(key)")
    }

    func labels(_ key: String) throws -> [Int32] {
        try #require((object[key] as? [NSNumber])?.map(\.int32Value), "missing labels \(key)")
    }

    func bools(_ key: String) throws -> [Bool] {
        try #require((object[key] as? [Bool]) ?? (object[key] as? [NSNumber])?.map(\.boolValue), "missing \(key)")
    }

    func integerRows(_ key: String) throws -> [[Int]] {
        try #require((object[key] as? [[NSNumber]])?.map { $0.map(\.intValue) }, "missing matrix \(key)")
    }

    /// A `[rows, columns]` tensor (the values were float32-exact in Python).
    func matrix(_ key: String) throws -> Tensor {
        let values = try rows(key)
        return Tensor(values.flatMap { $0.map(Float.init) }, shape: [values.count, values.first?.count ?? 0])
    }

    /// Value targets of shape `[rows]`.
    func valueTargets(_ key: String) throws -> Targets {
        let values = try doubles(key)
        return .values(Tensor(values.map(Float.init), shape: [values.count]))
    }
}

/// |actual − expected| ≤ tolerance·max(1, |expected|) for every entry; a NaN on either side is a mismatch.
func expectClose(
    _ actual: [Double], _ expected: [Double], tolerance: Double, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.count == expected.count else {
        Issue.record("\(what): \(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    var worst = 0.0
    for (value, truth) in zip(actual, expected) where value != truth {
        let error = Swift.abs(value - truth) / Swift.max(1, Swift.abs(truth))
        worst = error.isFinite ? Swift.max(worst, error) : .infinity
        if worst == .infinity { break }
    }
    #expect(worst <= tolerance, "\(what): worst error \(worst) > \(tolerance)", sourceLocation: sourceLocation)
}

func expectClose(
    _ actual: Double, _ expected: Double, tolerance: Double, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose([actual], [expected], tolerance: tolerance, what, sourceLocation: sourceLocation)
}

extension Tensor {
    var doubles: [Double] { scalars.map(Double.init) }
}
