import Foundation
import LeptonDeploy
import Testing

/// A toy model: multiplies by a factor; negative inputs are invalid requests.
private struct Multiplier: ServableModel {
    let factor: Int

    struct InvalidInput: Error, Equatable {
        let value: Int
    }

    func respond(to batch: [Int]) -> [Result<Int, any Error>] {
        batch.map { $0 < 0 ? .failure(InvalidInput(value: $0)) : .success($0 * factor) }
    }
}

@Suite("ModelService: routing, batching, hot swap and rollback")
struct ModelServiceTests {
    /// Microsecond latencies of a toy model jitter far beyond any p99 ratio on a loaded test machine, so these
    /// tests judge arms by errors and quality only (the latency rule is tested with fixed latencies in
    /// `TrafficRouterTests`).
    private static let qualityOnly = RollbackThresholds(maxP99LatencyRatio: .infinity)

    private func makeService(mode: RoutingMode = .championOnly, thresholds: RollbackThresholds = qualityOnly)
        async throws
        -> ModelService<Multiplier>
    {
        let registry = ModelRegistry<Multiplier>()
        try await registry.register(Multiplier(factor: 2), version: ModelVersion(id: "v1"))
        _ = try await registry.promote("v1", to: "production")
        let router = try TrafficRouter(mode: mode, thresholds: thresholds, seed: 7)
        return try ModelService(
            registry: registry, router: router,
            batching: DynamicBatcherConfiguration(maxBatchSize: 32, maxQueueDelay: .milliseconds(1)),
            agreement: { $0 == $1 ? 1 : 0 }, isClientError: { $0 is Multiplier.InvalidInput })
    }

    @Test("10,000 requests from 64 tasks, 5% malformed, a hot swap in the middle: every request answered once")
    func concurrentTrafficWithHotSwap() async throws {
        let service = try await makeService()
        try await service.registry.register(Multiplier(factor: 3), version: ModelVersion(id: "v2"))
        let outcomes = await withTaskGroup(of: [(Int, Result<ServedResponse<Int>, any Error>)].self) { group in
            for task in 0..<64 {
                group.addTask {
                    var results: [(Int, Result<ServedResponse<Int>, any Error>)] = []
                    for index in stride(from: task, to: 10_000, by: 64) {
                        if index == 5_000 { _ = try? await service.registry.promote("v2", to: "production") }
                        let input = index % 20 == 0 ? -index - 1 : index
                        do {
                            results.append((input, .success(try await service.respond(to: input))))
                        } catch {
                            results.append((input, .failure(error)))
                        }
                    }
                    return results
                }
            }
            var all: [(Int, Result<ServedResponse<Int>, any Error>)] = []
            for await part in group { all += part }
            return all
        }
        #expect(outcomes.count == 10_000)
        var malformed = 0
        for (input, outcome) in outcomes {
            switch outcome {
            case .success(let served):
                #expect(input >= 0)
                let factor = served.version.id == "v1" ? 2 : 3
                #expect(
                    served.response == input * factor,
                    "input \(input) answered \(served.response) by \(served.version.id)")
            case .failure(let error):
                #expect(input < 0)
                #expect((error as? Multiplier.InvalidInput)?.value == input)
                malformed += 1
            }
        }
        #expect(malformed == 500)
        #expect(try await service.registry.resolve("production").id == "v2")
        let statistics = await service.statistics(of: .champion)
        #expect(statistics.batchesRun < 10_000)
    }

    @Test("a canary sends about its share to the challenger")
    func canary() async throws {
        let service = try await makeService(mode: .canary(challengerPercent: 25))
        try await service.registry.register(Multiplier(factor: 2), version: ModelVersion(id: "v2"))
        _ = try await service.registry.promote("v2", to: "candidate")
        var challenger = 0
        for input in 0..<800 {
            let served = try await service.respond(to: input)
            if served.arm == .challenger {
                challenger += 1
                #expect(served.version.id == "v2")
            }
        }
        #expect(challenger > 140 && challenger < 260)
    }

    @Test("a disagreeing shadow challenger is rolled back and never answers")
    func shadowRollback() async throws {
        let thresholds = RollbackThresholds(
            minimumRequests: 50, evaluationInterval: 10, maxP99LatencyRatio: .infinity, maxQualityDrop: 0.1,
            qualityBaseline: 1)
        let service = try await makeService(mode: .shadow(samplePercent: 100), thresholds: thresholds)
        try await service.registry.register(Multiplier(factor: 5), version: ModelVersion(id: "bad"))
        _ = try await service.registry.promote("bad", to: "candidate")
        for input in 0..<300 {
            let served = try await service.respond(to: input)
            #expect(served.arm == .champion && served.response == input * 2)
        }
        await service.drain()
        // Shadow comparisons finish asynchronously; give them a moment.
        for _ in 0..<100 where !service.router.isRolledBack { try await Task.sleep(for: .milliseconds(10)) }
        #expect(service.router.isRolledBack)
        #expect(service.router.mode == .championOnly)
    }
}
