import Foundation
import LeptonDeploy
import Testing

private struct Scaler: ServableModel {
    let factor: Int
    func respond(to batch: [Int]) -> [Result<Int, any Error>] { batch.map { .success($0 * factor) } }
}

@Suite("The feedback loop's gate and rollout")
struct FeedbackLoopTests {
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

    @Test("an agreeing challenger with no labelled canary outcomes is refused, not promoted")
    func noEvidenceNoPromotion() async throws {
        // The old controller promoted here: shadow agreement and a canary without a single label were enough.
        let service = try await service()
        try await service.registry.register(Scaler(factor: 2), version: ModelVersion(id: "v2"))
        let rollout = RolloutController(
            service: service, plan: RolloutPlan(shadowSamplePercent: 100, canaryPercent: 30))
        try await rollout.beginShadow(of: "v2")
        try await traffic(service, requests: 200)
        #expect(try await rollout.beginCanary())
        try await traffic(service, requests: 300)
        await #expect(
            throws: RolloutError.insufficientEvidence(
                arm: .champion, labelled: 0, positives: 0, negatives: 0,
                required: "500 labelled with 50 positive and 50 negative")
        ) { try await rollout.conclude() }
        #expect(try await service.registry.resolve("production").id == "v1")
        #expect(service.router.mode == .canary(challengerPercent: 30), "the canary keeps running for more labels")
    }

    @Test("a disagreeing challenger is rolled back in shadow and production is unchanged")
    func rollback() async throws {
        let service = try await service()
        try await service.registry.register(Scaler(factor: 7), version: ModelVersion(id: "v2"))
        let rollout = RolloutController(service: service)
        try await rollout.beginShadow(of: "v2")
        try await traffic(service, requests: 200)
        #expect(try await !rollout.beginCanary())
        let (promoted, _) = try await rollout.conclude()
        #expect(!promoted)
        #expect(try await service.registry.resolve("production").id == "v1")
    }

    @Test("the lineage log keeps every turn and encodes it")
    func lineage() throws {
        let log = LineageLog()
        let decision = try ChallengerGate().evaluateAUC(
            championScores: [0.2, 0.8], challengerScores: [0.2, 0.8], positives: [false, true])
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
