import Foundation
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

/// Data-parallel training on in-process ranks against one process with the same global batch and seed.
@Suite("Data-parallel training")
struct DistributedTrainingTests {
    /// Records each step's loss, recovered from the running mean the trainer reports (every batch is full).
    final class StepLosses: Callback {
        var losses: [Double] = []
        private var previousSum = 0.0

        func epochWillBegin(_ epoch: Int, state: TrainingState) throws { previousSum = 0 }

        func batchDidEnd(_ batch: Int, logs: [String: Double], state: TrainingState) throws {
            let sum = (logs["loss"] ?? .nan) * Double(batch + 1)
            losses.append(sum - previousSum)
            previousSum = sum
        }
    }

    /// Stops after `epoch` on one rank only.
    final class StopOnRank: Callback {
        let rank: Int
        let myRank: Int
        let epoch: Int
        init(rank: Int, myRank: Int, epoch: Int) {
            self.rank = rank
            self.myRank = myRank
            self.epoch = epoch
        }
        func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {
            if myRank == rank && epoch == self.epoch { state.stopTraining = true }
        }
    }

    struct Run: Sendable {
        var losses: [Double]
        var history: [String: [Double]]
        var weights: [Float]
    }

    static func model(seed: UInt64) -> Sequential {
        Sequential(inputShape: [2], seed: seed) {
            Dense(units: 16, activation: .relu)
            Dense(units: 3, activation: .softmax)
        }
    }

    /// Trains for three epochs; with a collective, the model is initialised from a rank-dependent seed so that only
    /// the broadcast from rank 0 can make the ranks agree.
    static func train(
        batchSize: Int, collective: InProcessCollective?, bucketBytes: Int = GradientBuckets.defaultCapacityBytes
    ) throws -> Run {
        let (x, y) = TrainingTests.blobs(count: 48, seed: 8)
        let (validX, validY) = TrainingTests.blobs(count: 15, seed: 9)
        let model = model(seed: 1 + UInt64(collective?.rank ?? 0) * 100)
        let trainer = Trainer(
            model: model, optimizer: Adam(learningRate: 0.02), loss: .sparseCategoricalCrossentropy,
            metrics: [.accuracy], seed: 11, collective: collective)
        trainer.gradientBucketBytes = bucketBytes
        let recorder = StepLosses()
        let history = try trainer.fit(
            x, .labels(y), epochs: 3, batchSize: batchSize, validation: (validX, .labels(validY)),
            callbacks: [recorder], verbose: false)
        let keys = ["loss", "accuracy", "val_loss", "val_accuracy"]
        return Run(
            losses: recorder.losses, history: Dictionary(uniqueKeysWithValues: keys.map { ($0, history[$0]) }),
            weights: model.namedParameters().flatMap { $0.parameter.value.scalars })
    }

    static func expectClose(_ actual: [Double], _ expected: [Double], _ what: String) {
        #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)")
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            #expect(abs(a - e) <= 1e-4 * abs(e), "\(what)[\(index)]: \(a) against \(e)")
        }
    }

    /// With the default bucket (one for this model) and with 64-byte buckets (every parameter in buckets of its own
    /// or shared with neighbours, the largest split off).
    @Test(arguments: [(2, GradientBuckets.defaultCapacityBytes), (4, GradientBuckets.defaultCapacityBytes), (2, 64)])
    func ranksTrainAsOneProcessWithTheGlobalBatch(ranks: Int, bucketBytes: Int) throws {
        let single = try Self.train(batchSize: 12, collective: nil)
        #expect(single.losses.count == 12)
        let outcomes = try InProcessCollective.run(size: ranks) { collective in
            try Self.train(batchSize: 12 / ranks, collective: collective, bucketBytes: bucketBytes)
        }
        let runs = try outcomes.map { try $0.get() }
        for (rank, run) in runs.enumerated() {
            Self.expectClose(run.losses, single.losses, "rank \(rank) of \(ranks) step losses")
            for (key, values) in single.history {
                Self.expectClose(run.history[key] ?? [], values, "rank \(rank) of \(ranks) \(key)")
            }
            #expect(run.weights == runs[0].weights, "rank \(rank) ends with other weights than rank 0")
            Self.expectClose(run.weights.map(Double.init), single.weights.map(Double.init).map { $0 }, "weights")
        }
        // The losses move, so agreeing is not trivial.
        #expect((single.losses.last ?? 0) < 0.5 * (single.losses.first ?? 0))
    }

    /// 50 samples on 3 ranks: the sampler pads to 51, every rank runs the same steps and ends with the same weights.
    @Test func unevenSampleCountsKeepTheRanksInStep() throws {
        let outcomes = try InProcessCollective.run(size: 3) { collective in
            let (x, y) = TrainingTests.blobs(count: 50, seed: 8)
            let model = Self.model(seed: 1 + UInt64(collective.rank))
            let trainer = Trainer(
                model: model, optimizer: SGD(learningRate: 0.1), loss: .sparseCategoricalCrossentropy, seed: 3,
                collective: collective)
            let history = try trainer.fit(x, .labels(y), epochs: 2, batchSize: 5, verbose: false)
            return (history["loss"], model.namedParameters().flatMap { $0.parameter.value.scalars })
        }
        let runs = try outcomes.map { try $0.get() }
        for run in runs {
            #expect(run.0 == runs[0].0)
            #expect(run.1 == runs[0].1)
            #expect(run.0.count == 2 && run.0.allSatisfy(\.isFinite) && run.0[1] < run.0[0])
        }
    }

    @Test func onlyRankZeroWritesCheckpointsAndEveryRankStopsWhenOneStops() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lepton-ddp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcomes = try InProcessCollective.run(size: 2) { collective in
            let (x, y) = TrainingTests.blobs(count: 24, seed: 8)
            let trainer = Trainer(
                model: Self.model(seed: 1), optimizer: SGD(learningRate: 0.1), loss: .sparseCategoricalCrossentropy,
                seed: 3, collective: collective)
            let checkpoint = ModelCheckpoint(
                url: directory.appendingPathComponent("rank\(collective.rank).safetensors"), trainer: trainer,
                monitor: "loss")
            let stop = StopOnRank(rank: 1, myRank: collective.rank, epoch: 1)
            let history = try trainer.fit(
                x, .labels(y), epochs: 5, batchSize: 4, callbacks: [checkpoint, stop], verbose: false)
            return history.epochs.count
        }
        #expect(try outcomes.map { try $0.get() } == [2, 2])
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("rank0.safetensors").path))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("rank1.safetensors").path))
    }

    @Test func ranksWithDifferentDataFailWithATypedError() throws {
        let outcomes = try InProcessCollective.run(size: 2, timeout: 30) { collective in
            let (x, y) = TrainingTests.blobs(count: 24 + 3 * collective.rank, seed: 8)
            let trainer = Trainer(
                model: Self.model(seed: 1), optimizer: SGD(learningRate: 0.1), loss: .sparseCategoricalCrossentropy,
                collective: collective)
            try trainer.fit(x, .labels(y), epochs: 1, batchSize: 4, verbose: false)
        }
        for outcome in outcomes {
            guard case .failure(let error) = outcome, case .mismatch = error as? CollectiveError else {
                Issue.record("expected a mismatch error, got \(outcome)")
                continue
            }
        }
    }
}
