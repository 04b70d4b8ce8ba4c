import Foundation
import LeptonDeploy
import Testing

/// A model that holds every batch until released, so that a queue fills deterministically.
private struct HeldModel: ServableModel {
    let release: DispatchSemaphore
    func respond(to batch: [Int]) -> [Result<Int, any Error>] {
        release.wait()
        return batch.map { .success($0) }
    }
}

@Suite("Rollout safety: validated configuration, load errors are not model errors")
struct RolloutSafetyTests {
    @Test("decoding RollbackThresholds validates instead of trapping later")
    func thresholdsDecodingValidates() throws {
        func decode(_ json: String) throws -> RollbackThresholds {
            try JSONDecoder().decode(RollbackThresholds.self, from: Data(json.utf8))
        }
        let valid =
            #"{"minimumRequests":10,"evaluationInterval":5,"maxErrorRateIncrease":0.01,"#
            + #""maxP99LatencyRatio":1.5,"maxQualityDrop":0.02}"#
        #expect(try decode(valid) == RollbackThresholds(minimumRequests: 10, evaluationInterval: 5))
        // evaluationInterval 0 used to decode and then trap on `% 0` at the first challenger request.
        #expect(throws: DecodingError.self) {
            try decode(valid.replacingOccurrences(of: "\"evaluationInterval\":5", with: "\"evaluationInterval\":0"))
        }
        #expect(throws: DecodingError.self) {
            try decode(valid.replacingOccurrences(of: "\"minimumRequests\":10", with: "\"minimumRequests\":-1"))
        }
        #expect(throws: DecodingError.self) {
            try decode(valid.replacingOccurrences(of: "\"maxQualityDrop\":0.02", with: "\"maxQualityDrop\":-1"))
        }
        // latencyWindow 0 used to trap on the first recorded latency.
        #expect(throws: ServingError.self) { try TrafficRouter(latencyWindow: 0) }
        #expect(throws: ServingError.self) { try TrafficRouter(maxLoggedDecisions: 0) }
    }

    @Test("queue-full rejections do not count against an arm")
    func queueFullIsNotAModelError() async throws {
        let release = DispatchSemaphore(value: 0)
        let registry = ModelRegistry<HeldModel>()
        try await registry.register(HeldModel(release: release), version: ModelVersion(id: "v1"))
        _ = try await registry.promote("v1", to: "production")
        let router = try TrafficRouter()
        let service = try ModelService(
            registry: registry, router: router,
            batching: DynamicBatcherConfiguration(
                maxBatchSize: 1, maxQueueDelay: .zero, queueCapacity: 1, maxBatchesInFlight: 1))
        let running = Task { try await service.respond(to: 0) }
        while await service.statistics(of: .champion).batchesInFlight < 1 { await Task.yield() }
        let queued = Task { try await service.respond(to: 1) }
        while await service.statistics(of: .champion).queueLength < 1 { await Task.yield() }
        await #expect(throws: ServingError.queueFull(capacity: 1)) { try await service.respond(to: 2) }
        release.signal()
        release.signal()
        _ = try await running.value
        _ = try await queued.value
        // Deadline misses are load errors too.
        await #expect(throws: ServingError.deadlineExceeded) {
            try await service.respond(to: 3, deadline: ContinuousClock.now - .seconds(1))
        }
        let numbers = router.snapshot(of: .champion)
        #expect(numbers.errors == 0, "load errors counted as model errors: \(numbers)")
        #expect(numbers.requests == 2)
    }
}
