import Foundation
import LeptonData

/// One served request as the prediction log keeps it: what came in, what went out, and — later — the truth.
public struct PredictionRecord: Codable, Sendable, Equatable {
    /// The request's unique id, used to join delayed ground truth.
    public var requestId: String
    /// When the prediction was made.
    public var timestamp: Date
    /// The model version that answered.
    public var modelVersion: String
    /// The request's features by name.
    public var features: [String: FeatureValue]
    /// The model output (scores, probabilities, or a single regression value).
    public var prediction: [Double]
    /// The predicted label, when the output is a class (for example `"approved"`).
    public var predictedLabel: String?
    /// How long the request took, in seconds.
    public var latencySeconds: Double
    /// The ground truth, once known (see ``PredictionLog/recordFeedback(requestId:label:at:)``).
    public var groundTruth: FeatureValue?
    /// When the ground truth arrived.
    public var feedbackTimestamp: Date?

    /// Creates a record.
    /// - Parameters:
    ///   - requestId: the request's unique id.
    ///   - timestamp: when the prediction was made (default: now).
    ///   - modelVersion: the answering version.
    ///   - features: the request's features.
    ///   - prediction: the model output.
    ///   - predictedLabel: the predicted class, if any.
    ///   - latencySeconds: the request's latency.
    ///   - groundTruth: the truth, if already known.
    public init(
        requestId: String, timestamp: Date = Date(), modelVersion: String, features: [String: FeatureValue],
        prediction: [Double], predictedLabel: String? = nil, latencySeconds: Double, groundTruth: FeatureValue? = nil
    ) {
        self.requestId = requestId
        self.timestamp = timestamp
        self.modelVersion = modelVersion
        self.features = features
        self.prediction = prediction
        self.predictedLabel = predictedLabel
        self.latencySeconds = latencySeconds
        self.groundTruth = groundTruth
        self.feedbackTimestamp = groundTruth == nil ? nil : timestamp
    }

    /// Turns the features of many records into drift-ready columns.
    ///
    /// A feature is numeric when its first non-missing value is a number, categorical otherwise (a boolean is the
    /// category `true` or `false`). Missing values become NaN in numeric columns (left out by drift statistics) and
    /// are left out of categorical columns; a value of the other kind counts as missing.
    /// - Parameter records: the records, for example one monitoring window.
    /// - Returns: the columns by feature name.
    public static func featureColumns(of records: [PredictionRecord]) -> [String: DriftColumn] {
        var kinds: [String: ColumnKind] = [:]
        for record in records {
            for (name, value) in record.features where kinds[name] == nil {
                switch value {
                case .number: kinds[name] = .numeric
                case .string, .bool: kinds[name] = .categorical
                case .missing: break
                }
            }
        }
        var columns: [String: DriftColumn] = [:]
        for (name, kind) in kinds {
            switch kind {
            case .numeric:
                columns[name] = .numeric(
                    records.map {
                        $0.features[name]?.number ?? .nan
                    })
            case .categorical:
                columns[name] = .categorical(
                    records.compactMap {
                        switch $0.features[name] {
                        case .string(let category)?: return category
                        case .bool(let bool)?: return bool ? "true" : "false"
                        default: return nil
                        }
                    })
            }
        }
        return columns
    }
}
