/// Decides on evidence whether a recommender retrained on feedback (the challenger) may replace the serving one
/// (the champion): both score the same held-out reactions — items users clicked and items they were shown and
/// ignored — and ``ChallengerGate`` compares the two models' ROC AUC on those rows with DeLong's paired test.
///
/// The AUC here is the probability that a model scores a clicked (user, item) above an ignored one. Only rows both
/// models can score count (a user or item one of them has never seen is skipped and counted in
/// ``Outcome/skipped``), so a challenger is never credited for rows the champion cannot rank. Too few clicks or
/// ignored items is an error, not a pass: the decision fails closed.
///
/// ```swift
/// let challenge = try RecommenderChallenge(gate: ChallengerGate(minimumLift: 0.01))
/// let outcome = try challenge.evaluate(champion: serving, challenger: retrained, feedback: heldOut)
/// if outcome.decision.passed { /* promote the challenger */ }
/// ```
public struct RecommenderChallenge: Sendable, Equatable {
    /// The gate the AUC comparison must pass.
    public var gate: ChallengerGate
    /// The fewest clicked rows (scored by both models) a decision needs.
    public var minimumClicks: Int
    /// The fewest ignored rows (scored by both models) a decision needs.
    public var minimumIgnored: Int

    /// What a comparison found.
    public struct Outcome: Sendable, Equatable {
        /// The gate's decision, with the AUCs and the confidence interval of their difference.
        public var decision: ChallengerGate.Decision
        /// Rows both models scored.
        public var scored: Int
        /// Rows left out because one of the models does not know the user or the item.
        public var skipped: Int
    }

    /// Creates a challenge.
    ///
    /// - Parameters:
    ///   - gate: The gate (its ``ChallengerGate/minimumLift`` is in AUC).
    ///   - minimumClicks: The fewest clicked rows a decision needs (≥ 1).
    ///   - minimumIgnored: The fewest ignored rows a decision needs (≥ 1).
    /// - Throws: ``RecommenderChallengeError/invalidSetting(name:value:)`` for a minimum below 1.
    public init(gate: ChallengerGate, minimumClicks: Int = 50, minimumIgnored: Int = 50)
        throws(RecommenderChallengeError)
    {
        guard minimumClicks >= 1 else { throw .invalidSetting(name: "minimumClicks", value: minimumClicks) }
        guard minimumIgnored >= 1 else { throw .invalidSetting(name: "minimumIgnored", value: minimumIgnored) }
        self.gate = gate
        self.minimumClicks = minimumClicks
        self.minimumIgnored = minimumIgnored
    }

    /// Compares the two models on held-out reactions.
    ///
    /// - Parameters:
    ///   - champion: The serving model.
    ///   - challenger: The retrained model.
    ///   - feedback: Reactions neither model was trained on (for example the latest days of the log).
    /// - Returns: The decision and how many rows it rests on.
    /// - Throws: ``RecommenderChallengeError/insufficientFeedback(clicks:ignored:minimumClicks:minimumIgnored:)``
    ///   when too few rows can be scored by both models, ``RecommenderChallengeError/gate(_:)`` for the gate's
    ///   errors (non-finite scores).
    public func evaluate(
        champion: RecommenderPredictor, challenger: RecommenderPredictor, feedback: [RecommendationFeedback]
    ) throws(RecommenderChallengeError) -> Outcome {
        var championScores: [Double] = []
        var challengerScores: [Double] = []
        var clicked: [Bool] = []
        for reaction in feedback {
            guard let old = try? champion.score(user: reaction.user, item: reaction.item),
                let new = try? challenger.score(user: reaction.user, item: reaction.item)
            else { continue }
            championScores.append(Double(old))
            challengerScores.append(Double(new))
            clicked.append(reaction.clicked)
        }
        let clicks = clicked.lazy.filter { $0 }.count
        let ignored = clicked.count - clicks
        guard clicks >= minimumClicks, ignored >= minimumIgnored else {
            throw .insufficientFeedback(
                clicks: clicks, ignored: ignored, minimumClicks: minimumClicks, minimumIgnored: minimumIgnored)
        }
        do {
            let decision = try gate.evaluateAUC(
                championScores: championScores, challengerScores: challengerScores, positives: clicked)
            return Outcome(decision: decision, scored: clicked.count, skipped: feedback.count - clicked.count)
        } catch {
            throw .gate(error)
        }
    }
}
