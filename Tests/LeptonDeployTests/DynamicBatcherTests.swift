import Foundation
import LeptonKernels
import Testing

@testable import LeptonDeploy

private struct Rejected: Error, Equatable {
    let input: Int
}

/// Records the inputs of every batch, in the order the batches started.
private final class BatchLog: Sendable {
    private let batches = PthreadMutex<[[Int]]>([])

    func record(_ inputs: [Int]) { batches.withLock { $0.append(inputs) } }
    var all: [[Int]] { batches.withLock { $0 } }
    var inputs: [Int] { all.flatMap { $0 } }
}

@Suite struct DynamicBatcherTests {
    @Test func fullBatchesStartWithoutWaitingForTheDelay() async throws {
        let log = BatchLog()
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(
                maxBatchSize: 4, maxQueueDelay: .seconds(30), maxBatchesInFlight: 2, dispatchWhenIdle: false)
        ) { inputs in
            log.record(inputs)
            return inputs.map { .success($0 * 10) }
        }
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for input in 0..<8 { group.addTask { (input, try await batcher.submit(input)) } }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(answers == Dictionary(uniqueKeysWithValues: (0..<8).map { ($0, $0 * 10) }))
        #expect(log.all.map(\.count) == [4, 4])
        let statistics = await batcher.statistics
        #expect(statistics.batchSizeCounts == [4: 2])
        #expect(statistics.outcomes == [.succeeded: 8])
    }

    @Test func aPartialBatchStartsAfterTheQueueDelay() async throws {
        let log = BatchLog()
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(maxBatchSize: 100, maxQueueDelay: .milliseconds(30), dispatchWhenIdle: false)
        ) { inputs in
            log.record(inputs)
            return inputs.map { .success($0) }
        }
        let start = ContinuousClock.now
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for input in 0..<3 { group.addTask { try await batcher.submit(input) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.sorted() == [0, 1, 2])
        #expect(ContinuousClock.now - start >= .milliseconds(30))
        #expect(log.all.map(\.count) == [3])
    }

    @Test func anIdleBatcherStartsAtOnceAndBatchesGrowUnderLoad() async throws {
        let log = BatchLog()
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(maxBatchSize: 100, maxQueueDelay: .seconds(120), maxBatchesInFlight: 1)
        ) { inputs in
            log.record(inputs)
            try? await Task.sleep(for: .milliseconds(20))
            return inputs.map { .success($0) }
        }
        // The first request finds the batcher idle and runs alone, without waiting the 120 s queue delay; the
        // others arrive while it runs and go together as soon as it finishes. (The bound below is loose because
        // other tests' computations can hold the cooperative threads for several seconds.)
        async let first = batcher.submit(0)
        try await Task.sleep(for: .milliseconds(5))
        let rest = try await withThrowingTaskGroup(of: Int.self) { group in
            for input in 1...5 { group.addTask { try await batcher.submit(input) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try await first == 0)
        #expect(rest.sorted() == [1, 2, 3, 4, 5])
        #expect(log.all.map(\.count) == [1, 5])
    }

    @Test func aFullQueueRejectsAtOnceWithTheCapacity() async throws {
        let gate = Gate()
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(maxBatchSize: 1, maxQueueDelay: .zero, queueCapacity: 2, maxBatchesInFlight: 1)
        ) { inputs in
            await gate.wait()
            return inputs.map { .success($0) }
        }
        let running = Task { try await batcher.submit(0) }
        #expect(await eventually { await batcher.statistics.batchesInFlight == 1 })
        let queued = [Task { try await batcher.submit(1) }, Task { try await batcher.submit(2) }]
        #expect(await eventually { await batcher.statistics.queueLength == 2 })
        await #expect(throws: ServingError.queueFull(capacity: 2)) { try await batcher.submit(3) }
        await gate.open()
        #expect(try await running.value == 0)
        #expect(try await queued[0].value == 1)
        #expect(try await queued[1].value == 2)
        #expect(await batcher.statistics.outcomes == [.succeeded: 3, .rejected: 1])
    }

    @Test func expiredRequestsFailOnTimeAndAreNeverRun() async throws {
        let gate = Gate()
        let log = BatchLog()
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(maxBatchSize: 1, maxQueueDelay: .zero, maxBatchesInFlight: 1)
        ) { inputs in
            log.record(inputs)
            await gate.wait()
            return inputs.map { .success($0) }
        }
        let running = Task { try await batcher.submit(0) }
        #expect(await eventually { await batcher.statistics.batchesInFlight == 1 })
        let start = ContinuousClock.now
        await #expect(throws: ServingError.deadlineExceeded) {
            try await batcher.submit(1, deadline: .now + .milliseconds(40))
        }
        let waited = ContinuousClock.now - start
        // The gate stays shut until after this check, so the request expired without ever running.
        #expect(waited >= .milliseconds(40), "expired after \(waited), before its deadline")
        await #expect(throws: ServingError.deadlineExceeded) {
            try await batcher.submit(2, deadline: .now - .milliseconds(1))
        }
        await gate.open()
        #expect(try await running.value == 0)
        await batcher.drain()
        #expect(log.inputs == [0])
        #expect(await batcher.statistics.outcomes == [.succeeded: 1, .expired: 2])
    }

    @Test func theDefaultTimeoutAppliesToRequestsWithoutADeadline() async throws {
        let gate = Gate()
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(
                maxBatchSize: 1, maxQueueDelay: .zero, defaultTimeout: .milliseconds(20), maxBatchesInFlight: 1)
        ) { inputs in
            await gate.wait()
            return inputs.map { .success($0) }
        }
        let running = Task { try await batcher.submit(0) }
        #expect(await eventually { await batcher.statistics.batchesInFlight == 1 })
        await #expect(throws: ServingError.deadlineExceeded) { try await batcher.submit(1) }
        await gate.open()
        #expect(try await running.value == 0)
    }

    @Test func aCancelledWaitingRequestIsRemovedAndNeverRun() async throws {
        let gate = Gate()
        let log = BatchLog()
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(maxBatchSize: 1, maxQueueDelay: .zero, maxBatchesInFlight: 1)
        ) { inputs in
            log.record(inputs)
            await gate.wait()
            return inputs.map { .success($0) }
        }
        let running = Task { try await batcher.submit(0) }
        #expect(await eventually { await batcher.statistics.batchesInFlight == 1 })
        let waiting = Task { try await batcher.submit(1) }
        #expect(await eventually { await batcher.statistics.queueLength == 1 })
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(await batcher.statistics.queueLength == 0)
        await gate.open()
        #expect(try await running.value == 0)
        await batcher.drain()
        #expect(log.inputs == [0])
        #expect(await batcher.statistics.outcomes == [.succeeded: 1, .cancelled: 1])
    }

    @Test func aCancelledRunningRequestAnswersAtOnceAndItsResultIsDropped() async throws {
        let gate = Gate()
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(maxBatchSize: 2, maxQueueDelay: .zero, maxBatchesInFlight: 1)
        ) { inputs in
            await gate.wait()
            return inputs.map { .success($0) }
        }
        let cancelled = Task { try await batcher.submit(7) }
        #expect(await eventually { await batcher.statistics.batchesInFlight == 1 })
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        await gate.open()
        await batcher.drain()
        #expect(try await batcher.submit(8) == 8)
        #expect(await batcher.statistics.outcomes == [.succeeded: 1, .cancelled: 1])
    }

    @Test func higherPrioritiesAreBatchedFirstAndFIFOWithinAPriority() async throws {
        let gate = Gate()
        let log = BatchLog()
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(maxBatchSize: 3, maxQueueDelay: .zero, maxBatchesInFlight: 1)
        ) { inputs in
            log.record(inputs)
            await gate.wait()
            return inputs.map { .success($0) }
        }
        let blocker = Task { try await batcher.submit(0) }
        #expect(await eventually { await batcher.statistics.batchesInFlight == 1 })
        let arrivals: [(Int, RequestPriority)] = [
            (1, .low), (2, .normal), (3, .high), (4, .normal), (5, .high), (6, .low),
        ]
        var tasks: [Task<Int, any Error>] = []
        for (count, (input, priority)) in arrivals.enumerated() {
            tasks.append(Task { try await batcher.submit(input, priority: priority) })
            #expect(await eventually { await batcher.statistics.queueLength == count + 1 })
        }
        await gate.open()
        _ = try await blocker.value
        for (task, (input, _)) in zip(tasks, arrivals) { #expect(try await task.value == input) }
        #expect(log.all == [[0], [3, 5, 2], [4, 1, 6]])
    }

    @Test func aBadItemFailsAloneAndAWrongResultCountFailsTheBatch() async throws {
        let batcher = try DynamicBatcher<Int, Int>(configuration: .init(maxBatchSize: 8, maxQueueDelay: .zero)) {
            inputs in
            inputs.map { $0 < 0 ? .failure(Rejected(input: $0)) : .success($0) }
        }
        await #expect(throws: Rejected(input: -1)) { try await batcher.submit(-1) }
        #expect(try await batcher.submit(1) == 1)
        await batcher.replaceBatchFunction { _ in [] }
        await #expect(throws: ServingError.batchResultCountMismatch(expected: 1, actual: 0)) {
            try await batcher.submit(2)
        }
        #expect(await batcher.statistics.outcomes == [.succeeded: 1, .failed: 2])
    }

    @Test func drainFlushesPartialBatchesAndWaitsForEveryAnswer() async throws {
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(maxBatchSize: 1000, maxQueueDelay: .seconds(3600))
        ) { inputs in
            try? await Task.sleep(for: .milliseconds(5))
            return inputs.map { .success($0) }
        }
        let tasks = (0..<50).map { input in Task { try await batcher.submit(input) } }
        #expect(await eventually { await batcher.statistics.requestsSubmitted == 50 })
        let start = ContinuousClock.now
        await batcher.drain()
        // Far below the hour-long queue delay: drain flushed the partial batch instead of waiting for it.
        #expect(ContinuousClock.now - start < .seconds(600))
        let statistics = await batcher.statistics
        #expect(statistics.requestsAnswered == 50 && statistics.queueLength == 0 && statistics.batchesInFlight == 0)
        for (input, task) in tasks.enumerated() { #expect(try await task.value == input) }
    }

    @Test func invalidSettingsAreTypedErrorsAndDurationsAreCodedInSeconds() throws {
        #expect(throws: ServingError.invalidConfiguration(setting: "maxBatchSize", reason: "must be at least 1, got 0"))
        {
            try DynamicBatcherConfiguration(maxBatchSize: 0).validate()
        }
        #expect(throws: ServingError.self) {
            try DynamicBatcher<Int, Int>(configuration: .init(queueCapacity: 0)) { _ in [] }
        }
        let json = #"{"maxBatchSize":16,"maxQueueDelaySeconds":0.004,"queueCapacity":99,"maxBatchesInFlight":3}"#
        let decoded = try JSONDecoder().decode(DynamicBatcherConfiguration.self, from: Data(json.utf8))
        #expect(
            decoded
                == DynamicBatcherConfiguration(
                    maxBatchSize: 16, maxQueueDelay: .milliseconds(4), queueCapacity: 99, maxBatchesInFlight: 3))
        let again = try JSONDecoder().decode(
            DynamicBatcherConfiguration.self, from: JSONEncoder().encode(decoded))
        #expect(again == decoded)
    }

    @Test func theObserverFeedsServingMetricsWithEveryOutcomeOnce() async throws {
        let registry = MetricsRegistry()
        let metrics = ServingMetrics(registry: registry)
        let batcher = try DynamicBatcher<Int, Int>(
            configuration: .init(maxBatchSize: 4, maxQueueDelay: .milliseconds(1)), observer: metrics.observe
        ) { inputs in inputs.map { $0 % 3 == 0 ? .failure(Rejected(input: $0)) : .success($0) } }
        await withTaskGroup(of: Void.self) { group in
            for input in 0..<30 { group.addTask { _ = try? await batcher.submit(input) } }
        }
        await batcher.drain()
        #expect(metrics.requests.value(labels: ["outcome": "succeeded"]) == 20)
        #expect(metrics.requests.value(labels: ["outcome": "failed"]) == 10)
        let statistics = await batcher.statistics
        #expect(metrics.batchSize.snapshot().count == statistics.batchesRun)
        #expect(metrics.queueWait.snapshot().count == 30)
        #expect(metrics.latency.summary()?.count == 30)
    }
}
