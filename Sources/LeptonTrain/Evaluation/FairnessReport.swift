import Foundation

/// Group fairness of binary decisions over a chosen column (for example age band or sex).
///
/// Demographic parity difference: the largest minus the smallest rate of positive decisions over the groups.
/// Equal opportunity difference: the largest minus the smallest true-positive rate (positive decisions among the
/// actually positive) over the groups that have actual positives. 0 means equal treatment by that measure.
public struct FairnessReport: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The decisions and outcomes of one group.
    public struct Group: Sendable, Hashable, Codable {
        /// The group's value of the column.
        public let name: String
        /// Members.
        public let count: Int
        /// The fraction given a positive decision.
        public let positiveRate: Double
        /// Members whose actual outcome is positive.
        public let actualPositives: Int
        /// Positive decisions among the actual positives (`nil` without actual positives).
        public let truePositiveRate: Double?
    }

    /// The groups, sorted by name.
    public let groups: [Group]
    /// Largest minus smallest positive-decision rate.
    public let demographicParityDifference: Double
    /// Largest minus smallest true-positive rate (0 when fewer than two groups have actual positives).
    public let equalOpportunityDifference: Double

    /// Computes the report.
    ///
    /// - Parameters:
    ///   - predictedPositive: Each sample's decision (for example "approved").
    ///   - actualPositive: Each sample's actual outcome in the same sense (for example "repaid").
    ///   - groups: Each sample's group.
    /// - Throws: ``EvaluationError`` for mismatched lengths or no samples.
    public init(predictedPositive: [Bool], actualPositive: [Bool], groups: [String]) throws {
        try EvaluationError.checkPaired(predictedPositive.count, actualPositive.count, what: "actualPositive")
        try EvaluationError.checkPaired(predictedPositive.count, groups.count, what: "groups")
        var members: [String: [Int]] = [:]
        for (index, group) in groups.enumerated() { members[group, default: []].append(index) }
        self.groups = members.keys.sorted().map { name in
            let indices = members[name]!
            let positives = indices.filter { actualPositive[$0] }
            return Group(
                name: name, count: indices.count,
                positiveRate: Double(indices.filter { predictedPositive[$0] }.count) / Double(indices.count),
                actualPositives: positives.count,
                truePositiveRate: positives.isEmpty
                    ? nil : Double(positives.filter { predictedPositive[$0] }.count) / Double(positives.count))
        }
        let rates = self.groups.map(\.positiveRate)
        demographicParityDifference = (rates.max() ?? 0) - (rates.min() ?? 0)
        let truePositiveRates = self.groups.compactMap(\.truePositiveRate)
        equalOpportunityDifference = (truePositiveRates.max() ?? 0) - (truePositiveRates.min() ?? 0)
    }

    /// One line per group, then the two differences.
    public var description: String {
        var lines = ["group  count  positive rate  true positive rate"]
        for group in groups {
            let tpr = group.truePositiveRate.map { String(format: "%.4f", $0) } ?? "-"
            lines.append("\(group.name)  \(group.count)  \(String(format: "%.4f", group.positiveRate))  \(tpr)")
        }
        lines.append(String(format: "demographic parity difference %.4f", demographicParityDifference))
        lines.append(String(format: "equal opportunity difference %.4f", equalOpportunityDifference))
        return lines.joined(separator: "\n")
    }
}
