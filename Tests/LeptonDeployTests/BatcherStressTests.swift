import Foundation
import Testing

@testable import LeptonDeploy

/// Thread-safe counters indexed by request id.
///
/// Guarded by `NSLock` rather than `Mutex` so that ThreadSanitizer can see the locking: on Linux, TSan does not
/// understand the futex-based `Synchronization.Mutex` and reports false races inside `withLock`.
private final class ExecutionCounts: @unchecked Sendable {  // safe: `counts` is only touched while `lock` is held
    private let lock = NSLock()
    private var counts: [Int]

    init(count: Int) { counts = [Int](repeating: 0, count: count) }

    func add(_ ids: [Int]) { lock.withLock { for id in ids { counts[id] += 1 } } }
    var all: [Int] { lock.withLock { counts } }
    var total: Int { lock.withLock { counts.reduce(0, +) } }
}

/// 10,000 requests from 64 tasks through the batcher and the registry, 5% malformed, with a hot swap and a batch
/// function replacement in the middle: every request must get exactly its own answer, once.
@Suite struct BatcherStressTests {
    struct Request: Sendable {
        let id: Int
        let value: Double
    }

    struct Answer: Sendable, Equatable {
        let id: Int
        let value: Double
        let version: String
        let path: String
    }

    struct Malformed: Error, Equatable {
        let id: Int
    }

    /// A stand-in model: 2x + 1, rejecting non-finite inputs.
    struct AffineModel: Sendable {
        let versionId: String

        func run(_ request: Request, path: String) -> Result<Answer, any Error> {
            guard request.value.isFinite else { return .failure(Malformed(id: request.id)) }
            return .success(Answer(id: request.id, value: 2 * request.value + 1, version: versionId, path: path))
        }
    }

    static let requestCount = 10_000
    static let taskCount = 64

    static func isMalformed(_ id: Int) -> Bool { id % 20 == 7 }

    @Test func everyRequestGetsExactlyItsOwnAnswerThroughAHotSwap() async throws {
        let registry = ModelRegistry<AffineModel>()
        try await registry.register(AffineModel(versionId: "v1"), version: ModelVersion(id: "v1")) { model in
            _ = model.run(Request(id: -1, value: 0), path: "warm-up")
        }
        try await registry.register(AffineModel(versionId: "v2"), version: ModelVersion(id: "v2"))
        try await registry.promote("v1", to: "production")

        let executions = ExecutionCounts(count: Self.requestCount)
        func batchFunction(path: String) -> DynamicBatcher<Request, Answer>.BatchFunction {
            { inputs in
                executions.add(inputs.map(\.id))
                do {
                    return try await registry.withModel(alias: "production") { model, _ in
                        await Task.yield()
                        return inputs.map { model.run($0, path: path) }
                    }
                } catch {
                    return inputs.map { _ in .failure(error) }
                }
            }
        }
        let batcher = try DynamicBatcher<Request, Answer>(
            configuration: .init(
                maxBatchSize: 32, maxQueueDelay: .milliseconds(1), queueCapacity: Self.requestCount,
                maxBatchesInFlight: 4),
            batchFunction: batchFunction(path: "first"))

        let answered = ExecutionCounts(count: 1)
        let controller = Task {
            _ = await eventually(within: 60) { answered.total >= Self.requestCount / 3 }
            try await registry.promote("v2", to: "production")
            let drainedV1 = await registry.inFlightCount(of: "v1") == 0
            _ = await eventually(within: 60) { answered.total >= 2 * Self.requestCount / 3 }
            await batcher.replaceBatchFunction(batchFunction(path: "second"))
            return drainedV1
        }

        typealias Outcome = (id: Int, result: Result<Answer, any Error>)
        let outcomesByTask = await withTaskGroup(of: [Outcome].self) { group in
            for task in 0..<Self.taskCount {
                group.addTask {
                    var outcomes: [Outcome] = []
                    for id in stride(from: task, to: Self.requestCount, by: Self.taskCount) {
                        let value = Self.isMalformed(id) ? Double.nan : Double(id) * 0.5
                        let priority: RequestPriority = id % 3 == 0 ? .high : .normal
                        do {
                            let answer = try await batcher.submit(Request(id: id, value: value), priority: priority)
                            outcomes.append((id, .success(answer)))
                        } catch {
                            outcomes.append((id, .failure(error)))
                        }
                        answered.add([0])
                    }
                    return outcomes
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try await controller.value, "promote returned while v1 still had requests in flight")

        var seen = Set<Int>()
        var versions: Set<String> = []
        var paths: Set<String> = []
        for outcomes in outcomesByTask {
            var sawV2 = false
            for (id, result) in outcomes {
                #expect(seen.insert(id).inserted, "request \(id) answered twice")
                switch result {
                case .success(let answer):
                    #expect(!Self.isMalformed(id), "malformed request \(id) got an answer")
                    #expect(answer.id == id && answer.value == Double(id) + 1, "request \(id) got \(answer)")
                    #expect(!(sawV2 && answer.version == "v1"), "request \(id) went back to v1 after the swap")
                    sawV2 = sawV2 || answer.version == "v2"
                    versions.insert(answer.version)
                    paths.insert(answer.path)
                case .failure(let error):
                    #expect(Self.isMalformed(id), "valid request \(id) failed: \(error)")
                    #expect(error as? Malformed == Malformed(id: id), "request \(id) got another's error: \(error)")
                }
            }
        }
        #expect(seen.count == Self.requestCount)
        #expect(versions == ["v1", "v2"])
        #expect(paths == ["first", "second"])
        #expect(executions.all.allSatisfy { $0 == 1 }, "some request ran zero or several times")

        let statistics = await batcher.statistics
        let malformedCount = (0..<Self.requestCount).filter(Self.isMalformed).count
        #expect(statistics.requestsSubmitted == Self.requestCount)
        #expect(statistics.outcomes == [.succeeded: Self.requestCount - malformedCount, .failed: malformedCount])
        #expect(statistics.queueLength == 0 && statistics.batchesInFlight == 0)
        #expect(statistics.batchSizeCounts.reduce(0) { $0 + $1.key * $1.value } == Self.requestCount)
        #expect(statistics.batchSizeCounts.keys.allSatisfy { $0 <= 32 })
        #expect(
            statistics.batchesRun <= Self.requestCount / 8, "batching barely happened: \(statistics.batchesRun) batches"
        )
        #expect(await registry.inFlightCount(of: "v2") == 0)
    }
}
