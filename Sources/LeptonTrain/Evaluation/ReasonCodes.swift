/// A feature that lowered an applicant's score, and by how much: one line of an adverse-action notice.
public struct ReasonCode: Sendable, Hashable, Codable {
    /// The feature's name.
    public let feature: String
    /// How many score units the feature cost the applicant relative to the reference (always > 0).
    public let impact: Double
    /// The applicant's value (or bin).
    public let value: String
    /// The reference value (or best bin) it was compared with.
    public let reference: String
}

/// Reason codes: the features that pulled an applicant's score down, ranked by how much.
public enum ReasonCodes {
    /// Reason codes of a linear model `score = b + Σ c_j·x_j`.
    ///
    /// Feature j contributes `c_j·(x_j − r_j)` relative to the reference point r (for example the training means,
    /// or the values of an ideal applicant). When higher scores are better, features with a negative contribution
    /// pulled the score down; when higher scores are worse (for example a model of the probability of default),
    /// those with a positive one did. They are ranked by the size of that contribution.
    ///
    /// - Parameters:
    ///   - coefficients: `c`, one per feature.
    ///   - applicant: The applicant's feature values.
    ///   - reference: The reference point.
    ///   - featureNames: One name per feature.
    ///   - higherScoreIsBetter: Whether a larger score is good for the applicant.
    ///   - limit: The most codes returned (`nil` for all).
    /// - Returns: The adverse features, largest impact first.
    /// - Throws: ``EvaluationError/lengthMismatch(what:expected:actual:)`` when the inputs differ in length.
    public static func linear(
        coefficients: [Double], applicant: [Double], reference: [Double], featureNames: [String],
        higherScoreIsBetter: Bool = true, limit: Int? = 4
    ) throws -> [ReasonCode] {
        let count = coefficients.count
        for (what, actual) in [
            ("applicant", applicant.count), ("reference", reference.count), ("featureNames", featureNames.count),
        ] where actual != count {
            throw EvaluationError.lengthMismatch(what: what, expected: count, actual: actual)
        }
        let codes = (0..<count).map { feature in
            let contribution = coefficients[feature] * (applicant[feature] - reference[feature])
            return ReasonCode(
                feature: featureNames[feature], impact: higherScoreIsBetter ? -contribution : contribution,
                value: describe(applicant[feature]), reference: describe(reference[feature]))
        }
        return ranked(codes, limit: limit)
    }

    /// The adverse codes (impact > 0), largest first (ties in feature order), at most `limit`.
    static func ranked(_ codes: [ReasonCode], limit: Int?) -> [ReasonCode] {
        let adverse = codes.enumerated().filter { $0.element.impact > 0 }.sorted {
            $0.element.impact > $1.element.impact || ($0.element.impact == $1.element.impact && $0.offset < $1.offset)
        }.map(\.element)
        return limit.map { Array(adverse.prefix(Swift.max($0, 0))) } ?? adverse
    }

    static func describe(_ value: Double) -> String {
        value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
