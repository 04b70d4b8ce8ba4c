/// How many logged predictions have received their delayed label.
public struct LabelCoverage: Sendable, Equatable, Codable {
    /// Predictions the log can still join labels to.
    public var predictions: Int
    /// Those with a label.
    public var labelled: Int
    /// Feedback messages that repeated a label already recorded (ignored).
    public var duplicateFeedback: Int

    /// Creates a coverage record.
    ///
    /// - Parameters:
    ///   - predictions: Predictions the log can still join labels to.
    ///   - labelled: Those with a label.
    ///   - duplicateFeedback: Repeated labels ignored.
    public init(predictions: Int, labelled: Int, duplicateFeedback: Int) {
        self.predictions = predictions
        self.labelled = labelled
        self.duplicateFeedback = duplicateFeedback
    }

    /// The share of predictions with a label (0 with no predictions).
    public var share: Double { predictions == 0 ? 0 : Double(labelled) / Double(predictions) }
}
