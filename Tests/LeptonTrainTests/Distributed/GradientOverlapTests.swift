import Foundation
import LeptonKernels
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

/// Gradient buckets are all-reduced while the backward pass is still running (PyTorch DDP's overlap).
@Suite("Overlap of all-reduce with backward")
struct GradientOverlapTests {
    /// Events of one rank in the order they happened, from the training and the communication thread.
    final class EventLog: Sendable {
        private let entries = PthreadMutex<[String]>([])
        func append(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    /// Two dense layers; the backward pass through the first one is slow (0.5 s) and logged, leaving the
    /// communication thread time to start on the second layer's bucket if — and only if — it was sent early.
    final class SlowFirstLayerModel: Module {
        let first = Dense(units: 8, activation: .relu)
        let second = Dense(units: 3, activation: .softmax)
        let log: EventLog

        init(log: EventLog) { self.log = log }

        func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
            let hidden = first(input, context: context)
            let log = log
            let slow = Tensor.customGradient(hidden, inputs: [hidden], name: "slow") { gradient in
                Thread.sleep(forTimeInterval: 0.5)
                log.append("first layer backward")
                return [gradient]
            }
            return second(slow, context: context)
        }
    }

    /// An in-process collective that logs each all-reduce as it starts.
    struct RecordingCollective: Collective {
        let inner: InProcessCollective
        let log: EventLog
        var rank: Int { inner.rank }
        var size: Int { inner.size }

        func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws {
            log.append("allReduce \(buffer.count)")
            try inner.allReduce(buffer, operation)
        }
        func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws {
            try inner.broadcast(buffer, root: root)
        }
        func barrier() throws { try inner.barrier() }
        func allGather(_ values: [Double]) throws -> [[Double]] { try inner.allGather(values) }
    }

    @Test func theLastLayersBucketIsAllReducedBeforeTheFirstLayersBackwardEnds() throws {
        let outcomes = try InProcessCollective.run(size: 2) { inner in
            let log = EventLog()
            let (x, y) = TrainingTests.blobs(count: 8, seed: 8)
            let trainer = Trainer(
                model: SlowFirstLayerModel(log: log), optimizer: SGD(learningRate: 0.1),
                loss: .sparseCategoricalCrossentropy, seed: 3, collective: RecordingCollective(inner: inner, log: log))
            // 64 bytes: the second layer's bias and weights (3 + 24 values) span buckets of their own, sent as
            // soon as their gradients are final; the first layer's go last.
            trainer.gradientBucketBytes = 64
            try trainer.fit(x, .labels(y), epochs: 1, batchSize: 2, shuffle: false, verbose: false)
            return log.all
        }
        for (rank, outcome) in outcomes.enumerated() {
            let events = try outcome.get()
            let firstBackward = try #require(events.firstIndex(of: "first layer backward"), "rank \(rank): \(events)")
            let firstReduce = try #require(events.firstIndex { $0.hasPrefix("allReduce") }, "rank \(rank): \(events)")
            #expect(firstReduce < firstBackward, "rank \(rank): no bucket was sent during backward: \(events)")
            // Two steps (4 samples per rank, 2 per step), each with several buckets, the last after backward.
            #expect(events.filter { $0 == "first layer backward" }.count == 2, "rank \(rank): \(events)")
            let step = events[..<(events.lastIndex(of: "first layer backward") ?? 0)]
            #expect(step.contains { $0.hasPrefix("allReduce") }, "rank \(rank): \(events)")
        }
    }
}
