import LeptonData
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

/// `Trainer.fit(loader)` against the tensor `fit` and against a hand-written loop over the loader's batches.
@Suite("Training from a DataLoader")
struct TrainerDataLoaderTests {
    static func trainer(model: Sequential) -> Trainer {
        Trainer(model: model, optimizer: Adam(learningRate: 0.02), loss: .sparseCategoricalCrossentropy, seed: 5)
    }

    static func weights(_ model: Sequential) -> [Float] {
        model.namedParameters().flatMap { $0.parameter.value.scalars }
    }

    /// Adds seeded noise to every batch: an augmentation whose draws depend on the loader's seed, epoch and batch.
    static let jitter: DataLoader<TensorDataset>.BatchTransform = { batch, generator in
        batch.features = batch.features + Tensor.normal(batch.features.shape, standardDeviation: 0.1, using: &generator)
    }

    @Test func anUnshuffledLoaderTrainsExactlyAsTheTensorFit() throws {
        let (x, y) = TrainingTests.blobs(count: 30, seed: 2)
        let loader = DataLoader(try TensorDataset(features: x, labels: y), batchSize: 7, shuffle: false)
        let fromLoader = TrainingTests.model(seed: 3)
        let fromTensors = TrainingTests.model(seed: 3)
        let loaderHistory = try Self.trainer(model: fromLoader).fit(loader, epochs: 3, verbose: false)
        let tensorHistory = try Self.trainer(model: fromTensors).fit(
            x, .labels(y), epochs: 3, batchSize: 7, shuffle: false, verbose: false)
        #expect(loaderHistory["loss"] == tensorHistory["loss"])
        #expect(Self.weights(fromLoader) == Self.weights(fromTensors))
        #expect((loaderHistory["loss"].last ?? .nan) < 0.5 * (loaderHistory["loss"].first ?? .nan))
    }

    /// Shuffled, augmented and prefetched: the same updates as calling `step` on each of the loader's batches.
    @Test func aShuffledAugmentedLoaderGivesTheStepsOfAHandWrittenLoop() throws {
        let (x, y) = TrainingTests.blobs(count: 40, seed: 4)
        let loader = DataLoader(
            try TensorDataset(features: x, labels: y), batchSize: 8, seed: 9, prefetch: 2, transform: Self.jitter)
        let fitted = TrainingTests.model(seed: 6)
        let fitTrainer = Self.trainer(model: fitted)
        try fitTrainer.fit(loader, epochs: 1, verbose: false)
        try fitTrainer.fit(loader, epochs: 1, verbose: false)  // the second call continues with epoch 1
        let stepped = TrainingTests.model(seed: 6)
        let stepTrainer = Self.trainer(model: stepped)
        for epoch in 0..<2 {
            try loader.forEachBatch(epoch: epoch) { batch in
                try stepTrainer.step(batch.features, .labels(batch.labels ?? []))
            }
        }
        #expect(fitTrainer.completedEpochs == 2)
        #expect(Self.weights(fitted) == Self.weights(stepped))
        // The jitter matters: without it the weights differ.
        let plain = TrainingTests.model(seed: 6)
        try Self.trainer(model: plain).fit(
            DataLoader(try TensorDataset(features: x, labels: y), batchSize: 8, seed: 9), epochs: 2, verbose: false)
        #expect(Self.weights(plain) != Self.weights(fitted))
    }

    @Test func aLazilyBuiltModelTrainsInItsFirstLoaderFit() throws {
        let (x, y) = TrainingTests.blobs(count: 30, seed: 2)
        let model = Sequential {
            Dense(units: 8, activation: .relu)
            Dense(units: 3, activation: .softmax)
        }
        let loader = DataLoader(try TensorDataset(features: x, labels: y), batchSize: 10, seed: 1)
        let history = try Self.trainer(model: model).fit(loader, epochs: 5, verbose: false)
        #expect(model.isBuilt)
        #expect((history["loss"].last ?? .nan) < (history["loss"].first ?? .nan))
    }

    @Test func badBatchesAreTypedErrorsNamingTheBatch() throws {
        let (x, y) = TrainingTests.blobs(count: 12, seed: 2)
        var labels = y
        labels[9] = 12
        let badLabel = DataLoader(try TensorDataset(features: x, labels: labels), batchSize: 4, shuffle: false)
        #expect(throws: TrainingError.self) {
            try Self.trainer(model: TrainingTests.model()).fit(badLabel, epochs: 1, verbose: false)
        }
        var values = x.scalars
        values[2 * 5] = .nan
        let nan = DataLoader(
            try TensorDataset(features: Tensor(values, shape: x.shape), labels: y), batchSize: 4, shuffle: false)
        do {
            try Self.trainer(model: TrainingTests.model()).fit(nan, epochs: 1, verbose: false)
            Issue.record("a NaN input was accepted")
        } catch let error as TrainingError {
            guard case .nonFiniteValue(let what, let index, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(what == "inputs of loader batch 1")
            #expect(index == [1, 0])
        }
        let unlabelled = DataLoader(TensorDataset(features: x), batchSize: 4)
        #expect(throws: TrainingError.self) {
            try Self.trainer(model: TrainingTests.model()).fit(unlabelled, epochs: 1, verbose: false)
        }
        let wrongWidth = DataLoader(
            try TensorDataset(features: Tensor(repeating: 0, shape: [12, 5]), labels: y), batchSize: 4)
        #expect(throws: (any Error).self) {
            try Self.trainer(model: TrainingTests.model()).fit(wrongWidth, epochs: 1, verbose: false)
        }
    }

    @Test func aDistributedTrainerRefusesALoader() throws {
        let (x, y) = TrainingTests.blobs(count: 12, seed: 2)
        let loader = DataLoader(try TensorDataset(features: x, labels: y), batchSize: 4)
        let outcomes = try InProcessCollective.run(size: 2) { collective in
            let trainer = Trainer(
                model: TrainingTests.model(), optimizer: SGD(learningRate: 0.1), loss: .sparseCategoricalCrossentropy,
                collective: collective)
            do {
                try trainer.fit(loader, epochs: 1, verbose: false)
                return false
            } catch TrainingError.invalidSetting(let name, _, _) {
                return name == "collective"
            }
        }
        for outcome in outcomes { #expect(try outcome.get()) }
    }
}
