import Foundation
import LeptonData
import LeptonDeploy
import LeptonTensor
import LeptonTrain
import Testing

/// The recommender's loop: reactions logged in the served layout, read back, a challenger retrained on the recent
/// clicks, and promotion decided by the gate on held-out reactions — never on a point estimate.
@Suite("Recommender feedback loop")
struct RecommenderFeedbackLoopTests {
    static let configuration = ImplicitALSRecommender.Configuration(
        factorCount: 8, regularization: 0.1, alpha: 2, iterations: 8, seed: 3)

    static func predictor(_ training: InteractionMatrix, version: String) throws -> RecommenderPredictor {
        let model = try ImplicitALSRecommender(fitting: training, configuration: configuration)
        let f = model.factors
        return RecommenderPredictor(
            bundle: try RecommenderBundle(
                name: "shop", version: version, modelKind: "ImplicitALS", training: training,
                factorCount: f.factorCount, userFactors: f.userFactors, itemFactors: f.itemFactors,
                userBiases: f.userBiases, itemBiases: f.itemBiases, globalMean: f.globalMean))
    }

    /// Tastes drift: the same users and items, interactions drawn from new latent tastes. Each user's new
    /// interactions are split in two halves; every clicked item comes with as many ignored ones (items the user
    /// never chose). The first half trains the challenger, the second is the gate's held-out feedback.
    static func driftedFeedback() throws -> (
        old: InteractionMatrix, recent: [RecommendationFeedback], later: [RecommendationFeedback]
    ) {
        let old = try SyntheticRecommendationData.implicit(users: 200, items: 120, perUser: 20, seed: 11)
        let new = try SyntheticRecommendationData.implicit(users: 200, items: 120, perUser: 20, seed: 97)
        var recent: [RecommendationFeedback] = []
        var later: [RecommendationFeedback] = []
        var generator = RandomGenerator(seed: 5)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for u in 0..<new.userCount {
            let user = new.users.id(at: u)
            let chosen = new.items(ofUser: u).map { new.items.id(at: Int($0)) }
            let chosenSet = Set(chosen)
            let others = (0..<new.itemCount).map { new.items.id(at: $0) }.filter { !chosenSet.contains($0) }
            for (position, item) in chosen.enumerated() {
                let ignored = others[Int(generator.next() % UInt64(others.count))]
                let date = start.addingTimeInterval(Double(u * 100 + position))
                let pair = [
                    RecommendationFeedback(user: user, item: item, clicked: true, date: date, modelVersion: "shop-1"),
                    RecommendationFeedback(
                        user: user, item: ignored, clicked: false, date: date, modelVersion: "shop-1"),
                ]
                if position % 2 == 0 { recent += pair } else { later += pair }
            }
        }
        return (old, recent, later)
    }

    /// The challenger's training data: the clicks (a click is an interaction; an ignored item is not).
    static func clicks(_ feedback: [RecommendationFeedback]) throws -> InteractionMatrix {
        var seen = Set<String>()
        let interactions = feedback.filter { $0.clicked && seen.insert($0.user + "\u{1F}" + $0.item).inserted }
            .map { Interaction(user: $0.user, item: $0.item) }
        return try InteractionMatrix(interactions: interactions)
    }

    @Test("reactions logged in the served layout are read back, clicks and ignored items, oldest first")
    func logRoundTrip() throws {
        let log = try PredictionLog()
        let shown = RecommendationFeedback.impressionRecord(
            requestId: "r1", user: "u1", item: "i7", score: 0.8, modelVersion: "shop-1", latencySeconds: 0.01)
        try log.append(shown)
        try log.append(
            RecommendationFeedback.impressionRecord(
                requestId: "r1", user: "u1", item: "i9", score: 0.5, modelVersion: "shop-1", latencySeconds: 0.01))
        try log.recordFeedback(
            requestId: RecommendationFeedback.impressionID(requestId: "r1", item: "i7"),
            label: RecommendationFeedback.label(clicked: true), at: Date(timeIntervalSince1970: 2_000_000_000))
        try log.append(
            RecommendationFeedback.clickRecord(
                requestId: "c1", user: "u2", item: "i3", clicked: false, modelVersion: "shop-1"))
        try log.append(
            PredictionRecord(
                requestId: "tabular", modelVersion: "credit-1", features: ["age": .number(40)], prediction: [0.2],
                latencySeconds: 0, groundTruth: .number(1)))
        let feedback = log.recommendationFeedback
        #expect(feedback.count == 2, "\(feedback)")  // i9 has no reaction; the tabular record is another layout
        #expect(feedback.map(\.item) == ["i3", "i7"])
        #expect(feedback.map(\.clicked) == [false, true])
        #expect(feedback.last?.user == "u1")
    }

    @Test("score(user:item:) is the value recommend ranks by")
    func scoreMatchesRecommend() throws {
        let (old, _, _) = try Self.driftedFeedback()
        let predictor = try Self.predictor(old, version: "shop-1")
        for user in ["u0", "u17", "u150"] {
            for item in try predictor.recommend(user: user, k: 5) {
                #expect(try predictor.score(user: user, item: item.item) == item.score)
            }
        }
        #expect(throws: RecommenderPredictorError.unknownUser("nobody")) {
            try predictor.score(user: "nobody", item: "i1")
        }
    }

    @Test(
        "a challenger retrained on the recent clicks passes the gate on later feedback; one retrained on clicks on random items does not"
    )
    func retrainedChallengerIsPromotedOnlyOnEvidence() throws {
        let (old, recent, later) = try Self.driftedFeedback()
        let champion = try Self.predictor(old, version: "shop-1")
        let challenger = try Self.predictor(try Self.clicks(recent), version: "shop-2")
        let challenge = try RecommenderChallenge(gate: ChallengerGate(minimumLift: 0.01))
        let outcome = try challenge.evaluate(champion: champion, challenger: challenger, feedback: later)
        #expect(outcome.decision.passed, "\(outcome.decision)")
        #expect(outcome.scored + outcome.skipped == later.count)
        #expect(outcome.scored > later.count * 9 / 10)
        let lowerBound = try #require(outcome.decision.overall.lowerBound)
        #expect(lowerBound > 0.01)

        // Control: clicks on uniformly random items carry neither the users' tastes nor the items' popularity.
        // (Shuffling the items among the clicks would keep their popularity, which is real information.)
        var generator = RandomGenerator(seed: 8)
        let catalogue = (0..<old.itemCount).map { old.items.id(at: $0) }
        let shuffled = recent.filter(\.clicked).map { reaction in
            RecommendationFeedback(
                user: reaction.user, item: catalogue[Int(generator.next() % UInt64(catalogue.count))], clicked: true,
                date: reaction.date, modelVersion: "shop-1")
        }
        let noise = try Self.predictor(try Self.clicks(shuffled), version: "shop-2-noise")
        let refused = try challenge.evaluate(champion: champion, challenger: noise, feedback: later)
        #expect(!refused.decision.passed, "\(refused.decision)")
    }

    @Test("too little feedback is an error, not a decision")
    func insufficientFeedbackFailsClosed() throws {
        let (old, recent, later) = try Self.driftedFeedback()
        let champion = try Self.predictor(old, version: "shop-1")
        let challenger = try Self.predictor(try Self.clicks(recent), version: "shop-2")
        let challenge = try RecommenderChallenge(gate: ChallengerGate(), minimumClicks: 50, minimumIgnored: 50)
        let few = Result {
            try challenge.evaluate(champion: champion, challenger: challenger, feedback: Array(later.prefix(40)))
        }
        switch few {
        case .failure(RecommenderChallengeError.insufficientFeedback(let clicks, let ignored, 50, 50)):
            #expect(clicks == 20 && ignored <= 20)
        default:
            Issue.record("40 reactions gave \(few), not insufficientFeedback")
        }
        let unknown = later.map {
            RecommendationFeedback(
                user: "new-" + $0.user, item: $0.item, clicked: $0.clicked, date: $0.date, modelVersion: "shop-1")
        }
        #expect(throws: RecommenderChallengeError.self) {
            try challenge.evaluate(champion: champion, challenger: challenger, feedback: unknown)
        }
        #expect(throws: RecommenderChallengeError.invalidSetting(name: "minimumClicks", value: 0)) {
            try RecommenderChallenge(gate: ChallengerGate(), minimumClicks: 0)
        }
    }
}
