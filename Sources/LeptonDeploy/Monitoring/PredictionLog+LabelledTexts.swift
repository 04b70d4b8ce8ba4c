extension PredictionLog {
    /// One logged text request joined with its feedback label.
    public struct LabelledText: Sendable, Equatable {
        /// The request id.
        public var requestId: String
        /// The text the model answered.
        public var text: String
        /// The label the feedback recorded (a corrected or confirmed class).
        public var label: String
        /// The class the model predicted.
        public var predictedLabel: String?
        /// The version that answered.
        public var modelVersion: String
    }

    /// The text requests of the log that received a categorical feedback label: the rows a text model can be
    /// retrained on. Records without a label, with a non-text feature or a numeric label are left out.
    ///
    /// - Parameters:
    ///   - feature: The feature holding the request's text (default `text`).
    ///   - include: Which records to consider (default: all), for example one model version or one time window.
    /// - Returns: The joined rows, oldest first.
    public func labelledTexts(
        feature: String = "text", where include: (PredictionRecord) -> Bool = { _ in true }
    ) -> [LabelledText] {
        records.compactMap { record in
            guard include(record), case .string(let label)? = record.groundTruth,
                case .string(let text)? = record.features[feature]
            else { return nil }
            return LabelledText(
                requestId: record.requestId, text: text, label: label, predictedLabel: record.predictedLabel,
                modelVersion: record.modelVersion)
        }
    }
}
