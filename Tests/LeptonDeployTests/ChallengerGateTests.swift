import Foundation
import LeptonDeploy
import Testing

/// A seeded generator for the simulations (SplitMix64) with standard normal draws (Box–Muller).
struct SeededNormals {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (Double((z ^ (z >> 31)) >> 11) + 0.5) / 9_007_199_254_740_992
    }
    mutating func normal() -> Double {
        (-2 * Foundation.log(uniform())).squareRoot() * Foundation.cos(2 * Double.pi * uniform())
    }
}

@Suite("ChallengerGate: paired tests with confidence intervals, failing closed")
struct ChallengerGateTests {
    // 20 rows with ties inside and across classes.
    static let labels = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0].map { $0 == 1 }
    static let champion = [
        0.9, 0.1, 0.8, 0.4, 0.4, 0.2, 0.7, 0.3, 0.6, 0.5, 0.1, 0.35, 0.6, 0.9, 0.2, 0.55, 0.3, 0.45, 0.05, 0.7,
    ]
    static let challenger = [
        0.95, 0.2, 0.7, 0.6, 0.3, 0.1, 0.7, 0.2, 0.8, 0.4, 0.1, 0.5, 0.5, 0.85, 0.3, 0.6, 0.45, 0.3, 0.1, 0.6,
    ]

    private static func close(_ actual: Double?, _ expected: Double, relative: Double = 1e-10) -> Bool {
        guard let actual else { return false }
        return Swift.abs(actual - expected) <= relative * Swift.abs(expected)
    }

    @Test("DeLong's AUCs, variances and interval match scikit-learn and a NumPy DeLong")
    func deLongMatchesReference() throws {
        // Reference (Python): sklearn.metrics.roc_auc_score for the AUCs; DeLong from the placement
        // matrices psi = (X[:,None] > Y) + 0.5 * (X[:,None] == Y), S = cov(V10)/m + cov(V01)/n (np.cov, ddof 1);
        // interval d ± scipy.stats.norm.ppf(0.975) * sqrt(S00 + S11 − 2 S01).
        let champion = try AUCEstimate(scores: Self.champion, positives: Self.labels)
        let challenger = try AUCEstimate(scores: Self.challenger, positives: Self.labels)
        #expect(Self.close(champion.auc, 0.8080808080808081))
        #expect(Self.close(challenger.auc, 0.9545454545454546))
        #expect(Self.close(champion.variance, 0.009542393633302722))
        #expect(Self.close(challenger.variance, 0.0015725436179981635))
        #expect(champion.positives == 9 && champion.negatives == 11)

        let gate = try ChallengerGate(minimumLift: 0.01)
        let decision = try gate.evaluateAUC(
            championScores: Self.champion, challengerScores: Self.challenger, positives: Self.labels)
        #expect(Self.close(decision.overall.improvement, 0.14646464646464652))
        #expect(Self.close(decision.overall.lowerBound, 0.010270573552821377, relative: 1e-8))
        #expect(Self.close(decision.overall.upperBound, 0.2826587193764717, relative: 1e-8))
        #expect(decision.passed, "lower bound 0.01027 is above 0.01")
        #expect(decision.method == "DeLong" && decision.confidenceLevel == 0.95)
        // Lower bound 0.0103 is not above 0.02, although the point lift (0.146) is far above it.
        let stricter = try ChallengerGate(minimumLift: 0.02)
        let refused = try stricter.evaluateAUC(
            championScores: Self.champion, challengerScores: Self.challenger, positives: Self.labels)
        #expect(!refused.passed)
        #expect(refused.reasons.count == 1)
    }

    @Test("a lift the noise explains is refused, though its point estimate beats the threshold")
    func noiseIsRefused() throws {
        // The old gate compared point estimates: a 0.146 lift on 20 rows passed a 0.1 threshold.
        let gate = try ChallengerGate(minimumLift: 0.1)
        let decision = try gate.evaluateAUC(
            championScores: Self.champion, challengerScores: Self.challenger, positives: Self.labels)
        #expect((decision.overall.improvement ?? 0) > 0.1)
        #expect(!decision.passed)
    }

    @Test("NaN never passes: non-finite scores are typed errors and a NaN metric fails")
    func nanNeverPasses() throws {
        let gate = try ChallengerGate(minimumLift: -1)
        var scores = Self.challenger
        scores[3] = .nan
        #expect(throws: ChallengerGateError.nonFiniteScore(model: "challenger scores", row: 3)) {
            try gate.evaluateAUC(championScores: Self.champion, challengerScores: scores, positives: Self.labels)
        }
        scores[3] = .infinity
        #expect(throws: ChallengerGateError.nonFiniteScore(model: "challenger scores", row: 3)) {
            try gate.evaluateAUC(championScores: Self.champion, challengerScores: scores, positives: Self.labels)
        }
        // A metric that answers NaN (even against a lift threshold of −1, which any number passes).
        let decision = try gate.evaluate(
            championPredictions: Self.champion, challengerPredictions: Self.challenger, labels: Self.labels
        ) { _, _ in .nan }
        #expect(!decision.passed)
        #expect(decision.overall.improvement == nil && decision.overall.lowerBound == nil)
        // The decision with its missing numbers still encodes (NaN would not).
        _ = try JSONEncoder().encode(decision)
        #expect(throws: ChallengerGateError.self) { try ChallengerGate(minimumLift: .nan) }
        #expect(throws: ChallengerGateError.self) { try ChallengerGate(confidenceLevel: 1) }
    }

    @Test("mismatched, empty and single-class inputs are typed errors, not traps")
    func typedInputErrors() throws {
        let gate = try ChallengerGate()
        #expect(throws: ChallengerGateError.lengthMismatch(what: "challenger predictions", expected: 20, actual: 19)) {
            try gate.evaluateAUC(
                championScores: Self.champion, challengerScores: Array(Self.challenger.dropLast()),
                positives: Self.labels)
        }
        #expect(throws: ChallengerGateError.lengthMismatch(what: "segments", expected: 20, actual: 2)) {
            try gate.evaluateAUC(
                championScores: Self.champion, challengerScores: Self.challenger, positives: Self.labels,
                segments: ["a", "b"])
        }
        #expect(throws: ChallengerGateError.emptyInput) {
            try gate.evaluateAUC(championScores: [], challengerScores: [], positives: [])
        }
        #expect(throws: ChallengerGateError.singleClass(positives: 3, negatives: 0)) {
            try gate.evaluateAUC(
                championScores: [1, 2, 3], challengerScores: [1, 2, 3], positives: [true, true, true])
        }
        #expect(throws: ChallengerGateError.lengthMismatch(what: "champion predictions", expected: 20, actual: 2)) {
            try gate.evaluate(championPredictions: [1, 0], challengerPredictions: Self.challenger, labels: Self.labels)
            {
                _, _ in 0
            }
        }
    }

    @Test("segments are judged by their positives and negatives, not their row count")
    func segmentsJudgedByClassCounts() throws {
        var random = SeededNormals(seed: 7)
        var labels: [Bool] = []
        var segments: [String] = []
        var champion: [Double] = []
        var challenger: [Double] = []
        // "rare": 400 rows but only 10 positives; "common": 400 rows, half positive. The challenger is much
        // worse in "rare" — too few positives to judge, so it must not decide the gate either way.
        for row in 0..<800 {
            let rare = row < 400
            let positive = rare ? row < 10 : row % 2 == 0
            let shared = random.normal()
            labels.append(positive)
            segments.append(rare ? "rare" : "common")
            champion.append((positive ? 1.5 : 0) + shared)
            challenger.append((positive ? (rare ? -1 : 2.5) : 0) + shared + 0.3 * random.normal())
        }
        let gate = try ChallengerGate(
            minimumLift: 0, maximumSegmentRegression: 0.02, minimumSegmentPositives: 30, minimumSegmentNegatives: 30)
        let decision = try gate.evaluateAUC(
            championScores: champion, challengerScores: challenger, positives: labels, segments: segments)
        let rare = try #require(decision.comparisons.first { $0.name == "rare" })
        let common = try #require(decision.comparisons.first { $0.name == "common" })
        #expect(rare.count == 400 && rare.positives == 10 && !rare.judged)
        #expect(common.positives == 200 && common.negatives == 200 && common.judged)
        #expect((rare.improvement ?? 0) < -0.2, "the unjudged segment is still reported")
        #expect(decision.passed, "\(decision.reasons)")
        // With a 10-positive minimum the rare segment is judged and its regression fails the gate.
        let tight = try ChallengerGate(
            minimumLift: 0, maximumSegmentRegression: 0.02, minimumSegmentPositives: 10, minimumSegmentNegatives: 10)
        let failed = try tight.evaluateAUC(
            championScores: champion, challengerScores: challenger, positives: labels, segments: segments)
        #expect(!failed.passed)
        #expect(failed.reasons.count == 1 && failed.reasons[0].hasPrefix("segment rare"))
    }

    /// Scores of a binormal model: positives N(separation, 1), negatives N(0, 1), with noise shared between the
    /// two models (correlation 0.8), so AUC = Φ(separation / √2).
    private static func simulate(
        rows: Int, championSeparation: Double, challengerSeparation: Double, random: inout SeededNormals
    ) -> (labels: [Bool], champion: [Double], challenger: [Double]) {
        var labels: [Bool] = []
        var champion: [Double] = []
        var challenger: [Double] = []
        for _ in 0..<rows {
            let positive = random.uniform() < 0.5
            let shared = random.normal()
            labels.append(positive)
            champion.append((positive ? championSeparation : 0) + 0.8 * shared + 0.6 * random.normal())
            challenger.append((positive ? challengerSeparation : 0) + 0.8 * shared + 0.6 * random.normal())
        }
        return (labels, champion, challenger)
    }

    @Test("over 100 seeded runs: 0.02 AUC worse is never passed; 0.05 better on 2,000 rows passes ≥ 90%")
    func powerAndSafety() async throws {
        // Separations for AUC 0.75, 0.73 and 0.80: √2 · Φ⁻¹(AUC)
        // (python: import scipy.stats as s; [2**.5*s.norm.ppf(a) for a in (0.75, 0.73, 0.80)]).
        let base = 0.9538725524089398
        let worse = 0.8666484430941359
        let better = 1.19023216289999
        let gate = try ChallengerGate(minimumLift: 0.01)
        let (worsePassed, betterPassed, meanLift) = try await offPool {
            var random = SeededNormals(seed: 2026)
            var worsePassed = 0
            var betterPassed = 0
            var meanLift = 0.0
            for _ in 0..<100 {
                let bad = Self.simulate(
                    rows: 2000, championSeparation: base, challengerSeparation: worse, random: &random)
                let refused = try gate.evaluateAUC(
                    championScores: bad.champion, challengerScores: bad.challenger, positives: bad.labels)
                if refused.passed { worsePassed += 1 }
                let good = Self.simulate(
                    rows: 2000, championSeparation: base, challengerSeparation: better, random: &random)
                let decision = try gate.evaluateAUC(
                    championScores: good.champion, challengerScores: good.challenger, positives: good.labels)
                if decision.passed { betterPassed += 1 }
                meanLift += (decision.overall.improvement ?? 0) / 100
            }
            return (worsePassed, betterPassed, meanLift)
        }
        #expect(worsePassed == 0)
        #expect(betterPassed >= 90, "passed \(betterPassed) of 100")
        #expect(Swift.abs(meanLift - 0.05) < 0.005, "the simulation's lift is the intended 0.05: \(meanLift)")
    }

    @Test("the seeded paired bootstrap is reproducible and agrees with DeLong on a large sample")
    func bootstrapAgreesWithDeLong() async throws {
        let (first, second, deLong) = try await offPool {
            var random = SeededNormals(seed: 11)
            let data = Self.simulate(
                rows: 1000, championSeparation: 0.95, challengerSeparation: 1.19, random: &random)
            let gate = try ChallengerGate(minimumLift: 0, bootstrapResamples: 400, seed: 3)
            let auc: ([Double], [Bool]) -> Double = { scores, positives in
                (try? AUCEstimate(scores: scores, positives: positives).auc) ?? .nan
            }
            let first = try gate.evaluate(
                championPredictions: data.champion, challengerPredictions: data.challenger, labels: data.labels,
                score: auc)
            let second = try gate.evaluate(
                championPredictions: data.champion, challengerPredictions: data.challenger, labels: data.labels,
                score: auc)
            let deLong = try gate.evaluateAUC(
                championScores: data.champion, challengerScores: data.challenger, positives: data.labels)
            return (first, second, deLong)
        }
        #expect(first == second)
        #expect(first.overall.improvement == deLong.overall.improvement)
        // Both intervals estimate the same sampling spread: the widths agree within 20%.
        let bootstrapWidth = try #require(first.overall.upperBound) - (try #require(first.overall.lowerBound))
        let deLongWidth = try #require(deLong.overall.upperBound) - (try #require(deLong.overall.lowerBound))
        #expect(Swift.abs(bootstrapWidth / deLongWidth - 1) < 0.2, "\(bootstrapWidth) vs \(deLongWidth)")
    }

    @Test("a gate decoded from JSON is validated")
    func decodingValidates() throws {
        let decoded = try JSONDecoder().decode(ChallengerGate.self, from: Data(#"{"minimumLift":0.02}"#.utf8))
        #expect(decoded == (try ChallengerGate(minimumLift: 0.02)))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ChallengerGate.self, from: Data(#"{"confidenceLevel":1.5}"#.utf8))
        }
    }
}
