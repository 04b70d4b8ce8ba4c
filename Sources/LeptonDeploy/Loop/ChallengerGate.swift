/// The checks a retrained model (the challenger) must pass against the serving model (the champion) on fresh
/// labelled data before it may take traffic.
///
/// The challenger passes when its score beats the champion's by at least ``minimumLift`` overall and, in every
/// declared segment with at least ``minimumSegmentSize`` samples, it is not worse than the champion by more than
/// ``maximumSegmentRegression``.
public struct ChallengerGate: Sendable, Codable, Equatable {
    /// The required improvement of the overall score (for example 0.01 AUC).
    public var minimumLift: Double
    /// The largest allowed drop in any segment.
    public var maximumSegmentRegression: Double
    /// Segments smaller than this are reported but not judged (their scores are too noisy).
    public var minimumSegmentSize: Int
    /// Whether a larger score is better (AUC, accuracy) or worse (log loss, error).
    public var higherIsBetter: Bool

    /// Creates a gate.
    ///
    /// - Parameters:
    ///   - minimumLift: The required overall improvement.
    ///   - maximumSegmentRegression: The largest allowed drop in any segment.
    ///   - minimumSegmentSize: The smallest segment judged.
    ///   - higherIsBetter: The score's direction.
    public init(
        minimumLift: Double = 0.01, maximumSegmentRegression: Double = 0.02, minimumSegmentSize: Int = 30,
        higherIsBetter: Bool = true
    ) {
        self.minimumLift = minimumLift
        self.maximumSegmentRegression = maximumSegmentRegression
        self.minimumSegmentSize = minimumSegmentSize
        self.higherIsBetter = higherIsBetter
    }

    /// One comparison of the two models.
    public struct Comparison: Sendable, Codable, Equatable {
        /// "overall" or the segment's name.
        public var name: String
        /// Samples compared.
        public var count: Int
        /// The champion's score.
        public var champion: Double
        /// The challenger's score.
        public var challenger: Double
        /// Challenger minus champion, signed so that positive is better.
        public var improvement: Double
        /// Whether this comparison was judged (large enough).
        public var judged: Bool
    }

    /// The gate's verdict with its numbers.
    public struct Decision: Sendable, Codable, Equatable {
        /// Whether the challenger may proceed to shadow and canary traffic.
        public var passed: Bool
        /// The overall comparison, then one per segment.
        public var comparisons: [Comparison]
        /// Why it failed (empty when it passed).
        public var reasons: [String]
    }

    /// Compares the two models' predictions on the same labelled samples.
    ///
    /// - Parameters:
    ///   - championPredictions: The champion's prediction per sample (for example the probability of the event).
    ///   - challengerPredictions: The challenger's prediction per sample.
    ///   - labels: The true outcome per sample.
    ///   - segments: The segment of each sample (for example an age band), or `nil` for none.
    ///   - score: The metric, computed from predictions and labels (for example ROC AUC).
    /// - Returns: The decision.
    public func evaluate<Prediction, Label>(
        championPredictions: [Prediction], challengerPredictions: [Prediction], labels: [Label],
        segments: [String]? = nil, score: ([Prediction], [Label]) -> Double
    ) -> Decision {
        precondition(
            championPredictions.count == labels.count && challengerPredictions.count == labels.count,
            "ChallengerGate.evaluate: \(championPredictions.count) and \(challengerPredictions.count) predictions for \(labels.count) labels"
        )
        func compare(_ name: String, _ indices: [Int], judged: Bool) -> Comparison {
            let championScore = score(indices.map { championPredictions[$0] }, indices.map { labels[$0] })
            let challengerScore = score(indices.map { challengerPredictions[$0] }, indices.map { labels[$0] })
            let difference = challengerScore - championScore
            return Comparison(
                name: name, count: indices.count, champion: championScore, challenger: challengerScore,
                improvement: higherIsBetter ? difference : -difference, judged: judged)
        }
        var comparisons = [compare("overall", Array(labels.indices), judged: true)]
        var reasons: [String] = []
        if comparisons[0].improvement < minimumLift {
            reasons.append(
                "overall improvement \(Self.format(comparisons[0].improvement)) is below the required \(Self.format(minimumLift))"
            )
        }
        if let segments {
            precondition(
                segments.count == labels.count,
                "ChallengerGate.evaluate: \(segments.count) segments for \(labels.count) labels")
            let groups = Dictionary(grouping: labels.indices, by: { segments[$0] })
            for name in groups.keys.sorted() {
                let indices = groups[name] ?? []
                let comparison = compare(name, indices, judged: indices.count >= minimumSegmentSize)
                comparisons.append(comparison)
                if comparison.judged && comparison.improvement < -maximumSegmentRegression {
                    reasons.append(
                        "segment \(name) regresses by \(Self.format(-comparison.improvement)) (allowed \(Self.format(maximumSegmentRegression)))"
                    )
                }
            }
        }
        return Decision(passed: reasons.isEmpty, comparisons: comparisons, reasons: reasons)
    }

    private static func format(_ value: Double) -> String {
        (value * 10_000).rounded() == 0 ? "0" : String((value * 10_000).rounded() / 10_000)
    }
}
