import Foundation
import LeptonDeploy
import Testing

private struct Scaler: ServableModel {
    let factor: Int
    func respond(to batch: [Int]) -> [Result<Int, any Error>] { batch.map { .success($0 * factor) } }
}

/// Accuracy of 0/1 predictions.
private func accuracy(_ predictions: [Int], _ labels: [Int]) -> Double {
    Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(Swift.max(labels.count, 1))
}

@Suite("The feedback loop's gate and rollout")
struct FeedbackLoopTests {
    @Test("the gate needs the lift overall and no regression in any judged segment")
    func gate() {
        let labels = [Int](repeating: 1, count: 100)
        let segments = (0..<100).map { $0 < 60 ? "young" : "old" }
        // Champion right on 70 (40 young, 30 old); challenger right on 80 (56 young, 24 old).
        let champion = (0..<100).map { $0 < 40 || ($0 >= 60 && $0 < 90) ? 1 : 0 }
        let challenger = (0..<100).map { $0 < 56 || ($0 >= 60 && $0 < 84) ? 1 : 0 }
        let strict = ChallengerGate(minimumLift: 0.05, maximumSegmentRegression: 0.1, minimumSegmentSize: 30)
        let verdict = strict.evaluate(
            championPredictions: champion, challengerPredictions: challenger, labels: labels, segments: segments,
            score: accuracy)
        #expect(!verdict.passed)
        #expect(verdict.comparisons.map(\.name) == ["overall", "old", "young"])
        #expect(Swift.abs(verdict.comparisons[0].improvement - 0.1) < 1e-12)
        // old: 30/40 → 24/40, a 0.15 drop: over the 0.1 allowed.
        #expect(verdict.reasons == ["segment old regresses by 0.15 (allowed 0.1)"])
        let lenient = ChallengerGate(minimumLift: 0.05, maximumSegmentRegression: 0.2, minimumSegmentSize: 30)
        #expect(
            lenient.evaluate(
                championPredictions: champion, challengerPredictions: challenger, labels: labels, segments: segments,
                score: accuracy
            ).passed)
        let demanding = ChallengerGate(minimumLift: 0.2, maximumSegmentRegression: 1, minimumSegmentSize: 30)
        #expect(
            !demanding.evaluate(
                championPredictions: champion, challengerPredictions: challenger, labels: labels, score: accuracy
            ).passed)
    }

    private func service() async throws -> ModelService<Scaler> {
        let registry = ModelRegistry<Scaler>()
        try await registry.register(Scaler(factor: 2), version: ModelVersion(id: "v1"))
        _ = try await registry.promote("v1", to: "production")
        let router = try TrafficRouter(
            mode: .championOnly,
            // Quality decides here; a toy model's microsecond latencies jitter beyond any p99 ratio under load.
            thresholds: RollbackThresholds(
                minimumRequests: 40, evaluationInterval: 10, maxP99LatencyRatio: .infinity, maxQualityDrop: 0.1,
                qualityBaseline: 1),
            seed: 1)
        return try ModelService(registry: registry, router: router, agreement: { $0 == $1 ? 1 : 0 })
    }

    private func traffic(_ service: ModelService<Scaler>, requests: Int) async throws {
        for input in 0..<requests { _ = try await service.respond(to: input) }
        await service.drain()
        try await Task.sleep(for: .milliseconds(50))
    }

    @Test("an agreeing challenger goes through shadow and canary to production")
    func promotion() async throws {
        let service = try await service()
        try await service.registry.register(Scaler(factor: 2), version: ModelVersion(id: "v2"))
        let rollout = RolloutController(
            service: service, plan: RolloutPlan(shadowSamplePercent: 100, canaryPercent: 30))
        try await rollout.beginShadow(of: "v2")
        try await traffic(service, requests: 200)
        #expect(try rollout.beginCanary())
        try await traffic(service, requests: 300)
        let (promoted, notes) = try await rollout.conclude()
        #expect(promoted, "\(notes)")
        #expect(try await service.registry.resolve("production").id == "v2")
        #expect(!notes.isEmpty)
    }

    @Test("a disagreeing challenger is rolled back in shadow and production is unchanged")
    func rollback() async throws {
        let service = try await service()
        try await service.registry.register(Scaler(factor: 7), version: ModelVersion(id: "v2"))
        let rollout = RolloutController(service: service)
        try await rollout.beginShadow(of: "v2")
        try await traffic(service, requests: 200)
        #expect(try !rollout.beginCanary())
        let (promoted, _) = try await rollout.conclude()
        #expect(!promoted)
        #expect(try await service.registry.resolve("production").id == "v1")
    }

    @Test("the lineage log keeps every turn and encodes it")
    func lineage() throws {
        let log = LineageLog()
        let decision = ChallengerGate().evaluate(
            championPredictions: [1, 0], challengerPredictions: [1, 0], labels: [1, 0], score: accuracy)
        #expect(!decision.passed)
        log.append(
            LoopRecord(
                started: Date(timeIntervalSince1970: 0), cause: "drift#1", dataWindow: nil, trainingSamples: 10,
                parentVersion: "v1", challengerVersion: "v2", gate: decision, rolloutNotes: [], outcome: .rejectedByGate
            ))
        #expect(log.records.count == 1)
        let text = String(decoding: try log.json(), as: UTF8.self)
        #expect(text.contains("\"cause\" : \"drift#1\"") && text.contains("rejectedByGate"))
    }
}
