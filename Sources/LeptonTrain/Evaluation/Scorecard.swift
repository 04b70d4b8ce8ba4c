import Foundation

/// A points-based credit scorecard from a logistic model on binned features (usually weight-of-evidence encoded).
///
/// The model is `logit P(target) = b + Σ_j c_j·v_j(bin)`, where `v_j(bin)` is the encoded value of feature j's bin.
/// The score is `offset + factor·ln(odds of a good outcome)` with `factor = pointsToDoubleOdds / ln 2` and
/// `offset = baseScore − factor·ln(baseOdds)`: an applicant at `baseOdds` (good:bad) scores `baseScore`, and every
/// `pointsToDoubleOdds` points double the odds. Each bin's points are `∓factor·c_j·v_j(bin)` plus an equal share of
/// `offset ∓ factor·b`, so an applicant's score is the sum of the points of their bins.
public struct Scorecard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// One bin of a feature and its points.
    public struct Attribute: Sendable, Hashable, Codable {
        /// The bin's label.
        public let bin: String
        /// The encoded value the model sees for the bin (for example its weight of evidence).
        public let value: Double
        /// The points an applicant in this bin receives.
        public let points: Double
    }

    /// One feature of the scorecard with its bins.
    public struct Characteristic: Sendable, Hashable, Codable {
        /// The feature's name.
        public let feature: String
        /// Its bins, in the given order.
        public let attributes: [Attribute]
    }

    /// The features.
    public let characteristics: [Characteristic]
    /// Points per unit of log-odds: `pointsToDoubleOdds / ln 2`.
    public let factor: Double
    /// The score at even odds: `baseScore − factor·ln(baseOdds)`.
    public let offset: Double

    /// Builds the scorecard.
    ///
    /// - Parameters:
    ///   - coefficients: The model's coefficient for each feature.
    ///   - intercept: The model's intercept.
    ///   - binValues: For each feature, the encoded value of each bin.
    ///   - binLabels: For each feature, the label of each bin.
    ///   - featureNames: The feature names.
    ///   - targetIsBad: Whether the model predicts the bad outcome (default, as in credit scoring); otherwise the
    ///     good one.
    ///   - baseScore: The score at `baseOdds`.
    ///   - baseOdds: Good:bad odds that score `baseScore`.
    ///   - pointsToDoubleOdds: Points that double the odds (PDO).
    /// - Throws: ``EvaluationError`` when the inputs disagree in length or a scaling value is not positive.
    public init(
        coefficients: [Double], intercept: Double, binValues: [[Double]], binLabels: [[String]],
        featureNames: [String], targetIsBad: Bool = true, baseScore: Double = 600, baseOdds: Double = 50,
        pointsToDoubleOdds: Double = 20
    ) throws {
        let count = coefficients.count
        for (what, actual) in [
            ("binValues", binValues.count), ("binLabels", binLabels.count), ("featureNames", featureNames.count),
        ] where actual != count {
            throw EvaluationError.lengthMismatch(what: what, expected: count, actual: actual)
        }
        for (feature, values) in binValues.enumerated() where values.count != binLabels[feature].count || values.isEmpty
        {
            throw EvaluationError.lengthMismatch(
                what: "binLabels[\(feature)]", expected: values.count, actual: binLabels[feature].count)
        }
        guard baseOdds > 0, pointsToDoubleOdds > 0, count > 0 else {
            throw EvaluationError.invalidArgument(
                name: "baseOdds/pointsToDoubleOdds", value: "\(baseOdds)/\(pointsToDoubleOdds)",
                requirement: "both must be > 0, with at least one feature")
        }
        let factor = pointsToDoubleOdds / Foundation.log(2)
        let offset = baseScore - factor * Foundation.log(baseOdds)
        let sign = targetIsBad ? -1.0 : 1.0
        let share = (offset + sign * factor * intercept) / Double(count)
        characteristics = (0..<count).map { feature in
            Characteristic(
                feature: featureNames[feature],
                attributes: zip(binLabels[feature], binValues[feature]).map { label, value in
                    Attribute(bin: label, value: value, points: share + sign * factor * coefficients[feature] * value)
                })
        }
        self.factor = factor
        self.offset = offset
    }

    /// The score of an applicant: the sum of the points of their bins.
    ///
    /// - Parameter bins: The bin index of each feature.
    /// - Returns: The score.
    /// - Throws: ``EvaluationError`` for the wrong number of bins or a bin index out of range.
    public func score(bins: [Int]) throws -> Double {
        try checkBins(bins)
        return zip(characteristics, bins).reduce(0) { $0 + $1.0.attributes[$1.1].points }
    }

    /// The features that cost the applicant the most points relative to each feature's best bin, largest first.
    ///
    /// - Parameters:
    ///   - bins: The bin index of each feature.
    ///   - limit: The most codes returned (`nil` for all).
    /// - Returns: The reason codes (features already in their best bin are left out).
    /// - Throws: ``EvaluationError`` for the wrong number of bins or a bin index out of range.
    public func reasonCodes(bins: [Int], limit: Int? = 4) throws -> [ReasonCode] {
        try checkBins(bins)
        let codes = zip(characteristics, bins).map { characteristic, bin in
            // Every characteristic has at least one attribute (checked in init).
            let best = characteristic.attributes.max { $0.points < $1.points } ?? characteristic.attributes[bin]
            let own = characteristic.attributes[bin]
            return ReasonCode(
                feature: characteristic.feature, impact: best.points - own.points, value: own.bin, reference: best.bin)
        }
        return ReasonCodes.ranked(codes, limit: limit)
    }

    private func checkBins(_ bins: [Int]) throws {
        guard bins.count == characteristics.count else {
            throw EvaluationError.lengthMismatch(what: "bins", expected: characteristics.count, actual: bins.count)
        }
        for (feature, bin) in bins.enumerated() where !characteristics[feature].attributes.indices.contains(bin) {
            throw EvaluationError.invalidArgument(
                name: "bins[\(feature)]", value: String(bin),
                requirement: "must be in 0..<\(characteristics[feature].attributes.count)")
        }
    }

    /// The points table: one line per bin, grouped by feature.
    public var description: String {
        let featureWidth = Swift.max(7, characteristics.map(\.feature.count).max() ?? 0)
        let binWidth = Swift.max(3, characteristics.flatMap { $0.attributes.map(\.bin.count) }.max() ?? 0)
        var lines = [
            "feature".padding(toLength: featureWidth, withPad: " ", startingAt: 0) + "  "
                + "bin".padding(toLength: binWidth, withPad: " ", startingAt: 0) + "     value  points"
        ]
        for characteristic in characteristics {
            for attribute in characteristic.attributes {
                lines.append(
                    characteristic.feature.padding(toLength: featureWidth, withPad: " ", startingAt: 0) + "  "
                        + attribute.bin.padding(toLength: binWidth, withPad: " ", startingAt: 0)
                        + String(format: "%10.4f%8.1f", attribute.value, attribute.points))
            }
        }
        return lines.joined(separator: "\n")
    }
}
