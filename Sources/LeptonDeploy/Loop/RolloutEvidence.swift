/// One labelled outcome of a served prediction: the model's score and whether the event happened.
public struct LabelledOutcome: Sendable, Equatable {
    /// The model's score (larger = more likely positive).
    public var score: Double
    /// Whether the outcome was positive.
    public var positive: Bool

    /// Creates an outcome.
    ///
    /// - Parameters:
    ///   - score: The score.
    ///   - positive: The outcome.
    public init(score: Double, positive: Bool) {
        self.score = score
        self.positive = positive
    }
}

/// The realised quality of one arm over a span of labelled traffic.
public struct ArmEvidence: Sendable, Codable, Equatable {
    /// The version that answered.
    public var version: String
    /// Labelled outcomes found.
    public var labelled: Int
    /// Positives among them.
    public var positives: Int
    /// Negatives among them.
    public var negatives: Int
    /// The realised AUC (`nil` below the minimum counts).
    public var auc: Double?
    /// DeLong's variance of ``auc``.
    public var variance: Double?
}

/// Where the watch window after a promotion stands.
public enum WatchStatus: Sendable, Equatable {
    /// No promotion is being watched.
    case idle
    /// Still collecting labelled outcomes of the promoted version.
    case collecting(labelled: Int, required: Int)
    /// The promoted version held up; the watch ended.
    case confirmed(ArmEvidence)
    /// The promoted version regressed; production was rolled back to the previous version (kept warm).
    case rolledBack(reason: String)
}
