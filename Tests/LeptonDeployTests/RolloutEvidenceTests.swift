import Foundation
import LeptonDeploy
import Testing

/// A model that answers row `i` with a fixed score.
private struct ScoreTable: ServableModel {
    let scores: [Double]
    func respond(to batch: [Int]) -> [Result<Double, any Error>] { batch.map { .success(scores[$0]) } }
}

@Suite("RolloutController: promotion rests on labelled canary outcomes")
struct RolloutEvidenceTests {
    static let rows = 3000

    /// Labels and the scores of a good (AUC ≈ 0.84) and a useless (AUC ≈ 0.5) model on the same rows.
    static func data(seed: UInt64) -> (labels: [Bool], good: [Double], useless: [Double]) {
        var random = SeededNormals(seed: seed)
        var labels: [Bool] = []
        var good: [Double] = []
        var useless: [Double] = []
        for _ in 0..<rows {
            let positive = random.uniform() < 0.3
            labels.append(positive)
            good.append((positive ? 1.4 : 0) + random.normal())
            useless.append(random.normal())
        }
        return (labels, good, useless)
    }

    private struct Setup {
        let service: ModelService<ScoreTable>
        let log: PredictionLog
        let rollout: RolloutController<ScoreTable>
        let labels: [Bool]
    }

    private func setUp(champion: [Double], challenger: [Double], labels: [Bool], criteria: PromotionCriteria)
        async throws -> Setup
    {
        let registry = ModelRegistry<ScoreTable>()
        try await registry.register(ScoreTable(scores: champion), version: ModelVersion(id: "v1"))
        try await registry.register(ScoreTable(scores: challenger), version: ModelVersion(id: "v2"))
        _ = try await registry.promote("v1", to: "production")
        let router = try TrafficRouter(
            thresholds: RollbackThresholds(maxP99LatencyRatio: .infinity, maxQualityDrop: 1), seed: 3)
        let service = try ModelService(registry: registry, router: router)
        let log = try PredictionLog()
        let rollout = RolloutController<ScoreTable>(
            service: service, plan: RolloutPlan(shadowSamplePercent: 0, canaryPercent: 50), log: log,
            criteria: criteria
        ) { (record: PredictionRecord) -> LabelledOutcome? in
            guard case .string(let outcome)? = record.groundTruth, let score = record.prediction.first else {
                return nil
            }
            return LabelledOutcome(score: score, positive: outcome == "bad")
        }
        return Setup(service: service, log: log, rollout: rollout, labels: labels)
    }

    /// Serves rows `range`, logs each answer under its version, and joins the label of every `labelEvery`-th row.
    private func serve(_ setup: Setup, rows range: Range<Int>, prefix: String, labelEvery: Int = 1) async throws {
        for chunk in stride(from: range.lowerBound, to: range.upperBound, by: 100) {
            let answers = try await withThrowingTaskGroup(of: (Int, ServedResponse<Double>).self) { group in
                for row in chunk..<Swift.min(chunk + 100, range.upperBound) {
                    group.addTask { (row, try await setup.service.respond(to: row)) }
                }
                var answers: [(Int, ServedResponse<Double>)] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            for (row, answer) in answers {
                let id = "\(prefix)-\(row)"
                try setup.log.append(
                    PredictionRecord(
                        requestId: id, modelVersion: answer.version.id, features: [:], prediction: [answer.response],
                        latencySeconds: 0))
                if row % labelEvery == 0 {
                    try setup.log.recordFeedback(
                        requestId: id, label: .string(setup.labels[row] ? "bad" : "good"))
                }
            }
        }
    }

    @Test("too few labelled canary outcomes is a typed refusal; enough labels of a good challenger promote it")
    func minimumLabelledOutcomes() async throws {
        let data = Self.data(seed: 1)
        let criteria = try PromotionCriteria(
            minimumLabelledOutcomes: 400, minimumPositives: 50, minimumNegatives: 50, maximumRegression: 0.1)
        let setup = try await setUp(champion: data.good, challenger: data.good, labels: data.labels, criteria: criteria)
        try await setup.rollout.beginShadow(of: "v2")
        #expect(try await setup.rollout.beginCanary())
        // About 300 labelled outcomes per arm: below the 400 required.
        try await serve(setup, rows: 0..<600, prefix: "a")
        await #expect(throws: RolloutError.self) { try await setup.rollout.conclude() }
        #expect(try await setup.service.registry.resolve("production").id == "v1")
        // Unlabelled traffic does not count either.
        try await serve(setup, rows: 600..<1200, prefix: "b", labelEvery: 1_000_000)
        do {
            _ = try await setup.rollout.conclude()
            Issue.record("concluded without enough labels")
        } catch RolloutError.insufficientEvidence(_, let labelled, _, _, _) {
            #expect(labelled < 400)
        }
        try await serve(setup, rows: 1200..<2400, prefix: "c")
        let (promoted, notes) = try await setup.rollout.conclude()
        #expect(promoted, "\(notes)")
        #expect(try await setup.service.registry.resolve("production").id == "v2")
        let evidence = setup.rollout.evidence
        #expect(evidence.map(\.version) == ["v1", "v2"])
        #expect(evidence.allSatisfy { $0.labelled >= 400 && $0.auc != nil })
    }

    @Test("a challenger whose realised AUC is worse is not promoted, whatever its agreement")
    func worseChallengerRefused() async throws {
        let data = Self.data(seed: 2)
        let criteria = try PromotionCriteria(
            minimumLabelledOutcomes: 400, minimumPositives: 50, minimumNegatives: 50, maximumRegression: 0.1)
        let setup = try await setUp(
            champion: data.good, challenger: data.useless, labels: data.labels, criteria: criteria)
        try await setup.rollout.beginShadow(of: "v2")
        #expect(try await setup.rollout.beginCanary())
        try await serve(setup, rows: 0..<2000, prefix: "a")
        let (promoted, notes) = try await setup.rollout.conclude()
        #expect(!promoted)
        #expect(notes.last?.contains("lower bound below") == true, "\(notes)")
        #expect(try await setup.service.registry.resolve("production").id == "v1")
        #expect(try await setup.rollout.checkWatch() == .idle)
    }

    @Test("after promotion the watch window rolls production back to the warm old champion on a regression")
    func watchWindowRollsBack() async throws {
        let data = Self.data(seed: 3)
        // The challenger is as good as the champion on rows < 2000 (the canary) and useless after (live traffic).
        var challenger = data.good
        for row in 2000..<Self.rows { challenger[row] = data.useless[row] }
        let criteria = try PromotionCriteria(
            minimumLabelledOutcomes: 400, minimumPositives: 50, minimumNegatives: 50, maximumRegression: 0.1,
            watchLabelledOutcomes: 600)
        let setup = try await setUp(
            champion: data.good, challenger: challenger, labels: data.labels, criteria: criteria)
        try await setup.rollout.beginShadow(of: "v2")
        #expect(try await setup.rollout.beginCanary())
        try await serve(setup, rows: 0..<2000, prefix: "canary")
        let (promoted, notes) = try await setup.rollout.conclude()
        #expect(promoted, "\(notes)")
        #expect(try await setup.service.registry.readiness(of: "v1") == .ready, "the old champion stays warm")
        try await serve(setup, rows: 2000..<2400, prefix: "watch-a")
        #expect(try await setup.rollout.checkWatch() == .collecting(labelled: 400, required: 600))
        try await serve(setup, rows: 2400..<Self.rows, prefix: "watch-b")
        guard case .rolledBack(let reason) = try await setup.rollout.checkWatch() else {
            Issue.record("the regression was not rolled back")
            return
        }
        #expect(reason.contains("production back on v1"))
        #expect(try await setup.service.registry.resolve("production").id == "v1")
        #expect(try await setup.rollout.checkWatch() == .idle)
    }

    @Test("promotion criteria are validated, in code and when decoded")
    func criteriaValidated() throws {
        #expect(throws: RolloutError.self) { try PromotionCriteria(minimumLabelledOutcomes: 0) }
        #expect(throws: RolloutError.self) { try PromotionCriteria(maximumRegression: .nan) }
        let json =
            #"{"minimumLabelledOutcomes":10,"minimumPositives":0,"minimumNegatives":5,"#
            + #""maximumRegression":0.05,"confidenceLevel":0.9,"watchLabelledOutcomes":10}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PromotionCriteria.self, from: Data(json.utf8)) }
    }
}
