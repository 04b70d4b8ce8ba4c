import Foundation
import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

/// Reason codes, scorecards, fairness and permutation importance against hand computations.
@Suite("Reason codes, scorecards, fairness and permutation importance")
struct ExplanationTests {
    @Test("linear reason codes rank the features that lowered the score")
    func linearReasonCodes() throws {
        // Contributions c·(x − r): a 0.5·(1 − 2) = −0.5, b −1·(3 − 1) = −2, c 2·(0 − 1) = −2, d 0, e 1·(4 − 1) = 3.
        let codes = try ReasonCodes.linear(
            coefficients: [0.5, -1, 2, 0, 1], applicant: [1, 3, 0, 9, 4], reference: [2, 1, 1, 0, 1],
            featureNames: ["a", "b", "c", "d", "e"], limit: nil)
        #expect(codes.map(\.feature) == ["b", "c", "a"])
        #expect(codes.map(\.impact) == [2, 2, 0.5])
        #expect(codes[0].value == "3" && codes[0].reference == "1")
        // When a higher score is worse (a default model), the positive contribution is the adverse one.
        let risk = try ReasonCodes.linear(
            coefficients: [0.5, -1, 2, 0, 1], applicant: [1, 3, 0, 9, 4], reference: [2, 1, 1, 0, 1],
            featureNames: ["a", "b", "c", "d", "e"], higherScoreIsBetter: false, limit: 2)
        #expect(risk.map(\.feature) == ["e"])
        #expect(throws: EvaluationError.lengthMismatch(what: "applicant", expected: 5, actual: 1)) {
            try ReasonCodes.linear(
                coefficients: [0.5, -1, 2, 0, 1], applicant: [1], reference: [2, 1, 1, 0, 1],
                featureNames: ["a", "b", "c", "d", "e"])
        }
    }

    @Test("scorecard points add up to offset − factor·logit and double the odds every PDO points")
    func scorecard() throws {
        let coefficients = [0.8, 1.2]
        let intercept = -0.5
        let woe = [[-0.4, 0.1, 0.6], [0.3, -0.2]]
        let card = try Scorecard(
            coefficients: coefficients, intercept: intercept, binValues: woe,
            binLabels: [["low", "mid", "high"], ["no", "yes"]], featureNames: ["debt", "late"], baseScore: 600,
            baseOdds: 50, pointsToDoubleOdds: 20)
        let factor = 20 / log(2.0)
        let offset = 600 - factor * log(50.0)
        for first in 0..<3 {
            for second in 0..<2 {
                let logitBad = intercept + coefficients[0] * woe[0][first] + coefficients[1] * woe[1][second]
                expectClose(
                    try card.score(bins: [first, second]), offset - factor * logitBad, tolerance: 1e-12, "score")
            }
        }
        // Odds good = 50 at logit(bad) = −ln 50 scores exactly 600.
        expectClose(offset - factor * -log(50.0), 600, tolerance: 1e-12, "base score")
        // Reason codes: best bins are "low" (woe −0.4) and "yes" (woe −0.2); points lost = factor·c·Δwoe.
        let codes = try card.reasonCodes(bins: [2, 0])
        #expect(codes.map(\.feature) == ["debt", "late"])
        expectClose(codes.map(\.impact), [factor * 0.8 * 1.0, factor * 1.2 * 0.5], tolerance: 1e-12, "impacts")
        #expect(codes[0].value == "high" && codes[0].reference == "low")
        #expect(try card.reasonCodes(bins: [0, 1]).isEmpty)
        #expect(throws: EvaluationError.self) { try card.score(bins: [3, 0]) }
    }

    @Test("fairness differences over a group column")
    func fairness() throws {
        // Group a: 4 members, 3 approved (0.75); actual positives rows 0, 1, 2 with 2 approved → TPR 2/3.
        // Group b: 3 members, 1 approved (1/3); actual positives rows 4, 6 with 1 approved → TPR 1/2.
        let report = try FairnessReport(
            predictedPositive: [true, true, false, true, true, false, false],
            actualPositive: [true, true, true, false, true, false, true],
            groups: ["a", "a", "a", "a", "b", "b", "b"])
        #expect(report.groups.map(\.name) == ["a", "b"])
        expectClose(report.demographicParityDifference, 0.75 - 1.0 / 3, tolerance: 1e-12, "parity")
        expectClose(report.equalOpportunityDifference, 2.0 / 3 - 0.5, tolerance: 1e-12, "opportunity")
        #expect(report.description.contains("demographic parity"))
    }

    @Test("permutation importance: an unused feature scores zero, a used one about 2 (R² of a shuffled copy)")
    func permutation() throws {
        var generator = RandomGenerator(seed: 3)
        let rows = 60
        var values: [Float] = []
        var targets: [Float] = []
        for _ in 0..<rows {
            let (a, b) = generator.nextNormalPair()
            values += [Float(a), Float(b)]
            targets.append(3 * Float(a))
        }
        let x = Tensor(values, shape: [rows, 2])
        let y = Targets.values(Tensor(targets, shape: [rows]))
        var model = LinearRegression()
        try model.fit(x, y)
        let importances = try permutationImportance(
            model, x, y, repeats: 40, seed: 1, featureNames: ["used", "unused"])
        #expect(importances.map(\.feature) == ["used", "unused"])
        // For a shuffled copy x' of x: 1 − R² = Σ(x' − x)²/Σ(x − x̄)², whose mean over permutations is 2n/(n − 1).
        expectClose(importances[0].meanDecrease, 2.0 * 60 / 59, tolerance: 0.25, "used feature")
        #expect(Swift.abs(importances[1].meanDecrease) < 1e-6)
        #expect(importances[0].decreases.count == 40)
        let again = try permutationImportance(model, x, y, repeats: 40, seed: 1)
        #expect(again.map(\.decreases) == importances.map(\.decreases))
    }
}
