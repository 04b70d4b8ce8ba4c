import Foundation
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

@Suite("fit, evaluate, callbacks and checkpoints")
struct TrainingTests {
    /// Two Gaussian blobs per class in 2-D: linearly separable enough for a small MLP.
    static func blobs(count: Int, seed: UInt64) -> (Tensor, [Int32]) {
        var generator = RandomGenerator(seed: seed)
        let noise = Tensor.normal([count, 2], standardDeviation: 0.3, using: &generator).scalars
        var values: [Float] = []
        var labels: [Int32] = []
        let centers: [(Float, Float)] = [(-1, -1), (1, 1), (-1, 1)]
        for index in 0..<count {
            let label = index % 3
            values += [centers[label].0 + noise[2 * index], centers[label].1 + noise[2 * index + 1]]
            labels.append(Int32(label))
        }
        return (Tensor(values, shape: [count, 2]), labels)
    }

    static func model(seed: UInt64 = 1) -> Sequential {
        Sequential(inputShape: [2], seed: seed) {
            Dense(units: 16, activation: .relu)
            Dropout(rate: 0.1)
            Dense(units: 3, activation: .softmax)
        }
    }

    static func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("lepton-\(UUID().uuidString)-\(name)")
    }

    @Test("fit learns a separable problem and reports validation metrics")
    func learns() throws {
        let (x, y) = Self.blobs(count: 300, seed: 1)
        let (testX, testY) = Self.blobs(count: 150, seed: 2)
        let trainer = Trainer(
            model: Self.model(), optimizer: Adam(learningRate: 0.02), loss: .sparseCategoricalCrossentropy,
            metrics: [.accuracy, .f1(.macro)])
        let history = try trainer.fit(
            x, .labels(y), epochs: 15, batchSize: 16, validation: (testX, .labels(testY)), verbose: false)
        #expect(history.epochs.count == 15)
        let losses = history["loss"]
        #expect(losses.last! < losses.first! / 3)
        #expect(history["val_accuracy"].last! > 0.95)
        let evaluation = try trainer.evaluate(testX, .labels(testY))
        #expect(Swift.abs(evaluation["accuracy"]! - history["val_accuracy"].last!) < 1e-9)
        #expect(try trainer.predict(testX).shape == [150, 3])
    }

    @Test("a resumed checkpoint continues exactly like an uninterrupted run")
    func resumeExactly() throws {
        let (x, y) = Self.blobs(count: 90, seed: 3)
        let straight = Trainer(
            model: Self.model(), optimizer: Adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy, seed: 7)
        try straight.fit(x, .labels(y), epochs: 4, batchSize: 8, verbose: false)

        let first = Trainer(
            model: Self.model(), optimizer: Adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy, seed: 7)
        try first.fit(x, .labels(y), epochs: 2, batchSize: 8, verbose: false)
        let url = Self.temporaryURL("checkpoint.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try first.saveCheckpoint(to: url)
        let resumed = Trainer(
            model: Self.model(seed: 99), optimizer: Adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy,
            seed: 12_345)
        try resumed.restoreCheckpoint(from: url)
        #expect(resumed.completedEpochs == 2)
        try resumed.fit(x, .labels(y), epochs: 2, batchSize: 8, verbose: false)
        for (a, b) in zip(straight.model.namedParameters(), resumed.model.namedParameters()) {
            #expect(a.parameter.value.scalars == b.parameter.value.scalars, "\(a.path)")
        }
        #expect(resumed.history["loss"] == straight.history["loss"])
        #expect(throws: CheckpointError.optimizerMismatch(expected: "SGD", found: "Adam")) {
            try Trainer(model: Self.model(), optimizer: SGD(), loss: .sparseCategoricalCrossentropy).restoreCheckpoint(
                from: url)
        }
    }

    @Test("early stopping stops after the patience and restores the best weights")
    func earlyStopping() throws {
        let (x, y) = Self.blobs(count: 60, seed: 4)
        let (valX, valY) = Self.blobs(count: 30, seed: 5)
        // A learning rate this large makes the validation loss worsen quickly.
        let trainer = Trainer(
            model: Self.model(), optimizer: SGD(learningRate: 3), loss: .sparseCategoricalCrossentropy)
        let stopper = EarlyStopping(monitor: "val_loss", patience: 1, restoreBestWeights: true)
        var bestWeights: [Float] = []
        final class Recorder: Callback {
            var weightsPerEpoch: [[Float]] = []
            func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {
                weightsPerEpoch.append(state.model.namedParameters()[0].parameter.value.scalars)
            }
        }
        let recorder = Recorder()
        let history = try trainer.fit(
            x, .labels(y), epochs: 30, batchSize: 10, validation: (valX, .labels(valY)),
            callbacks: [recorder, stopper], verbose: false)
        let stopped = try #require(stopper.stoppedEpoch)
        let best = try #require(stopper.bestEpoch)
        // Keras 3 stops at the first epoch after the best that does not improve when patience is 1 (the old
        // count, best + 2, ran one epoch too many).
        #expect(history.epochs.count == stopped + 1 && stopped == best + 1)
        bestWeights = recorder.weightsPerEpoch[best]
        #expect(trainer.model.namedParameters()[0].parameter.value.scalars == bestWeights)
        #expect(history["val_loss"][best] == history["val_loss"].min())
    }

    @Test("class weights change the loss like explicit sample weights do")
    func classWeights() throws {
        let (x, y) = Self.blobs(count: 30, seed: 6)
        let a = Trainer(model: Self.model(), optimizer: SGD(learningRate: 0.1), loss: .sparseCategoricalCrossentropy)
        let b = Trainer(model: Self.model(), optimizer: SGD(learningRate: 0.1), loss: .sparseCategoricalCrossentropy)
        let weights: [Float] = [1, 3, 0.5]
        try a.fit(x, .labels(y), epochs: 1, batchSize: 10, classWeights: weights, verbose: false)
        try b.fit(x, .labels(y), epochs: 1, batchSize: 10, sampleWeights: y.map { weights[Int($0)] }, verbose: false)
        #expect(
            a.model.namedParameters()[0].parameter.value.scalars == b.model.namedParameters()[0].parameter.value.scalars
        )
        #expect(throws: TrainingError.lengthMismatch(what: "targets", expected: 30, actual: 29)) {
            try a.fit(x, .labels(Array(y.dropLast())), epochs: 1, verbose: false)
        }
    }

    @Test("the CSV logger writes a row per epoch and progress prints plain lines off a terminal")
    func loggingCallbacks() throws {
        let (x, y) = Self.blobs(count: 30, seed: 8)
        let url = Self.temporaryURL("log.csv")
        defer { try? FileManager.default.removeItem(at: url) }
        var printed = ""
        let trainer = Trainer(
            model: Self.model(), optimizer: Adam(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        try trainer.fit(
            x, .labels(y), epochs: 3, batchSize: 10,
            callbacks: [CSVLogger(url: url), ProgressDisplay(isTerminal: false) { printed += $0 }], verbose: false)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "epoch,accuracy,loss,lr" && lines.count == 4)
        #expect(printed.split(separator: "\n").count == 3 && printed.hasPrefix("Epoch 1/3 - "))
    }

    @Test("learning-rate schedules follow their formulas and drive the optimizer")
    func schedules() throws {
        #expect(StepDecay(initial: 1, stepSize: 10, factor: 0.5).learningRate(at: 25) == 0.25)
        #expect(
            Swift.abs(
                ExponentialDecay(initial: 1, decaySteps: 10, decayRate: 0.5).learningRate(at: 5)
                    - Float(0.5).squareRoot()) < 1e-6)
        #expect(
            ExponentialDecay(initial: 1, decaySteps: 10, decayRate: 0.5, staircase: true).learningRate(at: 15) == 0.5)
        let cosine = CosineDecay(initial: 2, decaySteps: 100, alpha: 0.1)
        #expect(
            cosine.learningRate(at: 0) == 2 && Swift.abs(cosine.learningRate(at: 50) - 1.1) < 1e-6
                && Swift.abs(cosine.learningRate(at: 500) - 0.2) < 1e-6)
        let warmup = LinearWarmup(warmupSteps: 10, then: StepDecay(initial: 1, stepSize: 100))
        #expect(warmup.learningRate(at: 5) == 0.5 && warmup.learningRate(at: 10) == 1)
        let (x, y) = Self.blobs(count: 20, seed: 9)
        let optimizer = SGD(learningRate: 1)
        let trainer = Trainer(model: Self.model(), optimizer: optimizer, loss: .sparseCategoricalCrossentropy)
        try trainer.fit(
            x, .labels(y), epochs: 2, batchSize: 5,
            callbacks: [LearningRateScheduler(StepDecay(initial: 0.8, stepSize: 4, factor: 0.5))], verbose: false)
        // 8 steps (indices 0…7): the last one uses 0.8 · 0.5^⌊7 / 4⌋ = 0.4.
        #expect(optimizer.learningRate == 0.4)
    }
}
