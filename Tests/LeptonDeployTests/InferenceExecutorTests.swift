import Foundation
import LeptonDeploy
import LeptonKernels
import Testing

/// Shared test state behind locks.
private final class Flags: Sendable {
    let offPool = PthreadMutex<[Bool]>([])
    let starved = PthreadMutex(false)
    let answered = PthreadMutex(false)
    let armed = PthreadMutex(false)
}

/// Blocks on `release` for negative inputs; answers others at once; records whether it ran on the executor.
private struct BlockingModel: ServableModel {
    let release: DispatchSemaphore
    let executor: InferenceExecutor
    let flags: Flags

    func respond(to batch: [Int]) -> [Result<Int, any Error>] {
        flags.offPool.withLock { $0.append(executor.isCurrent) }
        if batch.contains(where: { $0 < 0 }) { release.wait() }
        return batch.map { .success($0) }
    }
}

@Suite("Inference runs on its own threads, off the cooperative pool")
struct InferenceExecutorTests {
    @Test("more blocked model calls than cores do not starve the service")
    func blockedModelsDoNotStarveTheService() async throws {
        let blocked = ProcessInfo.processInfo.activeProcessorCount + 2
        let release = DispatchSemaphore(value: 0)
        let executor = InferenceExecutor(label: "test.inference", width: blocked + 1)
        let flags = Flags()
        let registry = ModelRegistry<BlockingModel>()
        try await registry.register(
            BlockingModel(release: release, executor: executor, flags: flags), version: ModelVersion(id: "v1"))
        _ = try await registry.promote("v1", to: "production")
        let service = try ModelService(
            registry: registry, router: try TrafficRouter(),
            batching: DynamicBatcherConfiguration(
                maxBatchSize: 1, maxQueueDelay: .zero, maxBatchesInFlight: blocked + 1),
            executor: executor)
        // A hang guard on its own thread: if the models' calls were starving the pool, the request below could only
        // be answered after the blocked calls end; the guard ends them after a generous wait and records that it
        // had to, so the test fails instead of hanging. Its clock starts once every blocked call is in flight (under
        // a sanitizer with the whole suite running, getting there alone can take minutes on two cores).
        let watchdog = Thread {
            while !flags.armed.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.05) }
            for _ in 0..<600 {
                if flags.answered.withLock({ $0 }) { return }
                Thread.sleep(forTimeInterval: 0.5)
            }
            flags.starved.withLock { $0 = true }
            for _ in 0..<blocked { release.signal() }
        }
        watchdog.start()
        let held = (0..<blocked).map { index in Task { try await service.respond(to: -1 - index) } }
        let inFlightDeadline = ContinuousClock.now + .seconds(1200)
        while await service.statistics(of: .champion).batchesInFlight < blocked {
            guard ContinuousClock.now < inFlightDeadline else {
                Issue.record("the \(blocked) blocked calls never were all in flight")
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        flags.armed.withLock { $0 = true }
        #expect(try await service.respond(to: 5).response == 5)
        flags.answered.withLock { $0 = true }
        #expect(!flags.starved.withLock { $0 })
        if !flags.starved.withLock({ $0 }) { for _ in 0..<blocked { release.signal() } }
        for task in held { _ = try await task.value }
        #expect(flags.offPool.withLock { $0.count == blocked + 1 && $0.allSatisfy { $0 } })
    }
}
