import Foundation
import LeptonData

/// A user's reaction to an item as a served recommender logs it: clicked, or shown and ignored.
///
/// This type is the home of the log's layout. A recommendation answered for a request is logged one record per
/// item, with request id `<request id>#<item>`, features `user` and `item` (categorical) and the score as the
/// prediction (``impressionRecord(requestId:user:item:score:modelVersion:latencySeconds:)``); a click report joins
/// `clicked` (1 or 0) to that record as its ground truth, and a click on an item no logged recommendation showed
/// becomes a record of its own (``clickRecord(requestId:user:item:clicked:modelVersion:)``). LeptonServe's
/// `/clicks` endpoint writes both.
public struct RecommendationFeedback: Sendable, Equatable {
    /// The user's id.
    public var user: String
    /// The item's id.
    public var item: String
    /// Whether the user clicked the item (false: shown and ignored).
    public var clicked: Bool
    /// When the reaction was reported.
    public var date: Date
    /// The model version that recommended the item (or served when the click came).
    public var modelVersion: String

    /// Creates a reaction.
    ///
    /// - Parameters:
    ///   - user: The user's id.
    ///   - item: The item's id.
    ///   - clicked: Whether the user clicked it.
    ///   - date: When it was reported.
    ///   - modelVersion: The version that showed it.
    public init(user: String, item: String, clicked: Bool, date: Date, modelVersion: String) {
        self.user = user
        self.item = item
        self.clicked = clicked
        self.date = date
        self.modelVersion = modelVersion
    }

    /// Reads a labelled record of the recommendation layout, or returns `nil` for a record of another layout,
    /// one without a reaction yet, or one whose label is not 0 or 1.
    ///
    /// - Parameter record: A prediction-log record.
    public init?(record: PredictionRecord) {
        guard case .string(let user)? = record.features["user"],
            case .string(let item)? = record.features["item"],
            case .number(let label)? = record.groundTruth, label == 0 || label == 1
        else { return nil }
        self.init(
            user: user, item: item, clicked: label == 1, date: record.feedbackTimestamp ?? record.timestamp,
            modelVersion: record.modelVersion)
    }

    /// The record of one recommended item, to which a later click report is joined.
    ///
    /// - Parameters:
    ///   - requestId: The id of the recommendation request.
    ///   - user: The user the items were recommended to.
    ///   - item: The recommended item.
    ///   - score: Its score.
    ///   - modelVersion: The answering version.
    ///   - latencySeconds: The request's latency.
    /// - Returns: The record, with request id `<requestId>#<item>`.
    public static func impressionRecord(
        requestId: String, user: String, item: String, score: Float, modelVersion: String, latencySeconds: Double
    ) -> PredictionRecord {
        PredictionRecord(
            requestId: impressionID(requestId: requestId, item: item), modelVersion: modelVersion,
            features: ["user": .string(user), "item": .string(item)], prediction: [Double(score)],
            predictedLabel: item, latencySeconds: latencySeconds)
    }

    /// The request id of the record of `item` recommended by request `requestId`.
    ///
    /// - Parameters:
    ///   - requestId: The recommendation request's id.
    ///   - item: The item.
    /// - Returns: `<requestId>#<item>`.
    public static func impressionID(requestId: String, item: String) -> String { "\(requestId)#\(item)" }

    /// The label a click report joins to an impression record: 1 for a click, 0 for an item shown and ignored.
    ///
    /// - Parameter clicked: Whether the item was clicked.
    /// - Returns: The ground-truth value.
    public static func label(clicked: Bool) -> FeatureValue { .number(clicked ? 1 : 0) }

    /// The record of a reaction to an item no logged recommendation showed (already labelled).
    ///
    /// - Parameters:
    ///   - requestId: A fresh id for the record.
    ///   - user: The user.
    ///   - item: The item.
    ///   - clicked: Whether the user clicked it.
    ///   - modelVersion: The version serving when the click came.
    /// - Returns: The record.
    public static func clickRecord(
        requestId: String, user: String, item: String, clicked: Bool, modelVersion: String
    ) -> PredictionRecord {
        PredictionRecord(
            requestId: requestId, modelVersion: modelVersion,
            features: ["user": .string(user), "item": .string(item)], prediction: [], latencySeconds: 0,
            groundTruth: label(clicked: clicked))
    }
}

extension PredictionLog {
    /// Every labelled reaction in the log's recommendation layout (see ``RecommendationFeedback``), oldest report
    /// first; records of other layouts and impressions nobody reacted to are left out.
    public var recommendationFeedback: [RecommendationFeedback] {
        records.compactMap(RecommendationFeedback.init(record:)).sorted { $0.date < $1.date }
    }
}
