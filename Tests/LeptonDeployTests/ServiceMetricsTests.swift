import Foundation
import LeptonDeploy
import Testing

private struct Doubler: ServableModel {
    func respond(to batch: [Int]) -> [Result<Int, any Error>] { batch.map { .success($0 * 2) } }
}

@Suite("ModelService metrics per arm, tracked shadow runs, graceful shutdown")
struct ServiceMetricsTests {
    private func makeService(mode: RoutingMode, registry metricsRegistry: MetricsRegistry) async throws
        -> ModelService<Doubler>
    {
        let registry = ModelRegistry<Doubler>()
        try await registry.register(Doubler(), version: ModelVersion(id: "v1"))
        try await registry.register(Doubler(), version: ModelVersion(id: "v2"))
        _ = try await registry.promote("v1", to: "production")
        _ = try await registry.promote("v2", to: "candidate")
        let router = try TrafficRouter(mode: mode, thresholds: RollbackThresholds(maxP99LatencyRatio: .infinity))
        return try ModelService(
            registry: registry, router: router,
            batching: DynamicBatcherConfiguration(maxBatchSize: 8, maxQueueDelay: .milliseconds(1)),
            metrics: ServingMetrics(registry: metricsRegistry, arms: true), agreement: { $0 == $1 ? 1 : 0 })
    }

    @Test("the Prometheus text splits requests and latencies by arm and names each arm's version")
    func perArmMetrics() async throws {
        let metricsRegistry = MetricsRegistry()
        let service = try await makeService(mode: .canary(challengerPercent: 50), registry: metricsRegistry)
        var byArm: [RouterArm: Int] = [:]
        for input in 0..<200 { byArm[try await service.respond(to: input).arm, default: 0] += 1 }
        await service.drain()
        let text = metricsRegistry.render()
        let champion = try #require(byArm[.champion])
        let challenger = try #require(byArm[.challenger])
        #expect(text.contains("lepton_requests_total{arm=\"champion\",outcome=\"succeeded\"} \(champion)"), "\(text)")
        #expect(text.contains("lepton_requests_total{arm=\"challenger\",outcome=\"succeeded\"} \(challenger)"))
        #expect(text.contains("lepton_request_latency_seconds_count{arm=\"challenger\"} \(challenger)"))
        #expect(text.contains("lepton_arm_version_info{arm=\"champion\",version=\"v1\"} 1"))
        #expect(text.contains("lepton_arm_version_info{arm=\"challenger\",version=\"v2\"} 1"))
        #expect(text.contains("lepton_model_info{version=\"v1\"} 1"), "the production version is published")
        // A service refuses metrics without arm labels (the arms would be mixed).
        let registry = ModelRegistry<Doubler>()
        #expect(throws: ServingError.self) {
            try ModelService(
                registry: registry, router: try TrafficRouter(), metrics: ServingMetrics(registry: MetricsRegistry()))
        }
    }

    @Test("shadow runs are counted apart from requests, and drain waits for them")
    func shadowRunsAreTrackedAndNotRequests() async throws {
        let metricsRegistry = MetricsRegistry()
        let service = try await makeService(mode: .shadow(samplePercent: 100), registry: metricsRegistry)
        for input in 0..<100 { _ = try await service.respond(to: input) }
        await service.drain()  // no sleep: drain includes the shadow runs
        #expect(service.pendingShadowRuns == 0)
        let metrics = try #require(service.metrics)
        #expect(metrics.requests.value(labels: ["arm": "champion", "outcome": "succeeded"]) == 100)
        #expect(metrics.requests.value(labels: ["arm": "challenger", "outcome": "succeeded"]) == 0)
        #expect(metrics.shadowRuns?.value(labels: ["outcome": "succeeded"]) == 100)
        let challenger = service.router.snapshot(of: .challenger)
        #expect(challenger.requests == 100 && challenger.meanQuality == 1)
    }

    @Test("shutdown stops accepting, answers what was accepted, then returns")
    func gracefulShutdown() async throws {
        let service = try await makeService(mode: .shadow(samplePercent: 100), registry: MetricsRegistry())
        let accepted = (0..<50).map { input in Task { try await service.respond(to: input).response } }
        // Every task may or may not have been accepted before the shutdown; each ends in an answer or a refusal.
        await service.shutdown()
        #expect(service.pendingShadowRuns == 0)
        await #expect(throws: ServingError.shuttingDown) { try await service.respond(to: 1) }
        var answered = 0
        for (input, task) in accepted.enumerated() {
            do {
                #expect(try await task.value == input * 2)
                answered += 1
            } catch let error as ServingError {
                #expect(error == .shuttingDown)
            }
        }
        let metrics = try #require(service.metrics)
        #expect(metrics.requests.value(labels: ["arm": "champion", "outcome": "succeeded"]) == Double(answered))
    }
}
