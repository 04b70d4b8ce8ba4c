/// The labelled evidence a canary must produce before ``RolloutController/conclude()`` may promote the challenger,
/// and the watch window after a promotion.
///
/// Quality is the ROC AUC of each arm on the canary requests whose delayed labels were joined in the
/// ``PredictionLog``. The two arms answer different requests, so their AUCs are compared as independent estimates
/// (DeLong variances added). The challenger is promoted only when the lower bound of the two-sided
/// ``confidenceLevel`` interval of `challenger AUC − champion AUC` is at least −``maximumRegression`` (a
/// non-inferiority test: the canary must show the challenger is not worse by more than the margin). Shadow
/// agreement stays a leading signal only: it can roll a challenger back, never promote one.
///
/// The smaller the margin, the more labels the canary needs: with about 25% positives and an AUC near 0.75, each
/// arm's AUC has a standard error of roughly 0.5/√(labelled outcomes), so a 0.05 margin at 90% needs several
/// hundred labelled outcomes on the challenger.
public struct PromotionCriteria: Sendable, Codable, Equatable {
    /// The fewest labelled canary outcomes the challenger needs (the champion needs as many).
    public var minimumLabelledOutcomes: Int
    /// The fewest positives among them (per arm).
    public var minimumPositives: Int
    /// The fewest negatives among them (per arm).
    public var minimumNegatives: Int
    /// How far the challenger's realised AUC may be below the champion's, at the lower confidence bound.
    public var maximumRegression: Double
    /// The level of the two-sided interval (0.9: the lower bound is a one-sided 95% bound).
    public var confidenceLevel: Double
    /// The labelled outcomes of the promoted version after which the watch window is judged.
    public var watchLabelledOutcomes: Int

    /// Creates criteria.
    ///
    /// - Parameters:
    ///   - minimumLabelledOutcomes: Labelled canary outcomes needed per arm (≥ 2).
    ///   - minimumPositives: Positives needed per arm (≥ 1).
    ///   - minimumNegatives: Negatives needed per arm (≥ 1).
    ///   - maximumRegression: The non-inferiority margin (finite, ≥ 0).
    ///   - confidenceLevel: The interval level, in (0, 1).
    ///   - watchLabelledOutcomes: Labelled outcomes of the promoted version before the watch is judged (≥ 2).
    /// - Throws: ``RolloutError/invalidConfiguration(setting:reason:)``.
    public init(
        minimumLabelledOutcomes: Int = 500, minimumPositives: Int = 50, minimumNegatives: Int = 50,
        maximumRegression: Double = 0.05, confidenceLevel: Double = 0.9, watchLabelledOutcomes: Int = 500
    ) throws(RolloutError) {
        self.minimumLabelledOutcomes = minimumLabelledOutcomes
        self.minimumPositives = minimumPositives
        self.minimumNegatives = minimumNegatives
        self.maximumRegression = maximumRegression
        self.confidenceLevel = confidenceLevel
        self.watchLabelledOutcomes = watchLabelledOutcomes
        try validate()
    }

    private enum CodingKeys: String, CodingKey {
        case minimumLabelledOutcomes, minimumPositives, minimumNegatives, maximumRegression, confidenceLevel
        case watchLabelledOutcomes
    }

    /// Reads criteria and validates them.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` naming the invalid setting.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        minimumLabelledOutcomes = try container.decode(Int.self, forKey: .minimumLabelledOutcomes)
        minimumPositives = try container.decode(Int.self, forKey: .minimumPositives)
        minimumNegatives = try container.decode(Int.self, forKey: .minimumNegatives)
        maximumRegression = try container.decode(Double.self, forKey: .maximumRegression)
        confidenceLevel = try container.decode(Double.self, forKey: .confidenceLevel)
        watchLabelledOutcomes = try container.decode(Int.self, forKey: .watchLabelledOutcomes)
        do {
            try validate()
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    private func validate() throws(RolloutError) {
        guard minimumLabelledOutcomes >= 2, watchLabelledOutcomes >= 2 else {
            throw .invalidConfiguration(
                setting: "minimumLabelledOutcomes/watchLabelledOutcomes",
                reason: "must be ≥ 2, got \(minimumLabelledOutcomes) and \(watchLabelledOutcomes)")
        }
        guard minimumPositives >= 1, minimumNegatives >= 1 else {
            throw .invalidConfiguration(
                setting: "minimumPositives/minimumNegatives",
                reason: "must be ≥ 1, got \(minimumPositives) and \(minimumNegatives)")
        }
        guard maximumRegression.isFinite, maximumRegression >= 0 else {
            throw .invalidConfiguration(
                setting: "maximumRegression", reason: "must be finite and ≥ 0, got \(maximumRegression)")
        }
        guard confidenceLevel > 0, confidenceLevel < 1 else {
            throw .invalidConfiguration(setting: "confidenceLevel", reason: "must be in (0, 1), got \(confidenceLevel)")
        }
    }
}
