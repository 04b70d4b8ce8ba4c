import Foundation
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

/// Issue 18 and the training part of issue 17: the loop gives the answer PyTorch and Keras give, and bad data
/// throws typed errors instead of trapping.
@Suite("training plumbing: lazy builds, shared layers, strict loading, typed errors")
struct TrainingPlumbingTests {
    /// y = 2·(x₁ + x₂) + 1 on a small grid.
    static func linearData() -> (Tensor, Tensor) {
        var x: [Float] = []
        var y: [Float] = []
        for i in 0..<16 {
            let (a, b) = (Float(i % 4) / 2 - 0.75, Float(i / 4) / 2 - 0.75)
            x += [a, b]
            y.append(2 * (a + b) + 1)
        }
        return (Tensor(x, shape: [16, 2]), Tensor(y, shape: [16, 1]))
    }

    @Test("a lazily built model trains in its first fit, exactly like the same model built up front")
    func lazyModelTrains() throws {
        let (x, y) = Self.linearData()
        let lazy = Trainer(
            model: Sequential(seed: 3) { Dense(units: 1) }, optimizer: SGD(learningRate: 0.1),
            loss: .meanSquaredError)
        let built = Trainer(
            model: Sequential(inputShape: [2], seed: 3) { Dense(units: 1) }, optimizer: SGD(learningRate: 0.1),
            loss: .meanSquaredError)
        let lazyHistory = try lazy.fit(x, .values(y), epochs: 5, batchSize: 4, verbose: false)
        let builtHistory = try built.fit(x, .values(y), epochs: 5, batchSize: 4, verbose: false)
        // Keras builds before training, so both runs are the same run.
        #expect(lazyHistory["loss"] == builtHistory["loss"])
        #expect(lazyHistory["loss"].last! < lazyHistory["loss"].first! / 4)
        // A single step on a lazily built model updates it too.
        let stepped = Sequential(seed: 3) { Dense(units: 1) }
        let stepper = Trainer(model: stepped, optimizer: SGD(learningRate: 0.1), loss: .meanSquaredError)
        try stepper.step(x, .values(y))
        #expect(stepped.namedParameters()[1].parameter.value.scalars != [0])
    }

    @Test("a NeuralClassifier whose builder gives no input shape learns")
    func neuralClassifierWithoutInputShape() throws {
        let (x, y) = TrainingTests.blobs(count: 150, seed: 11)
        var classifier = NeuralClassifier(training: NeuralTraining(epochs: 15, learningRate: 0.02)) { spec in
            Sequential(seed: spec.seed) {
                Dense(units: 16, activation: .relu)
                Dense(units: spec.outputs, activation: .softmax)
            }
        }
        try classifier.fit(x, .labels(y))
        let predicted = try #require(try classifier.predict(x).labels)
        let accuracy = Double(zip(predicted, y).filter { $0 == $1 }.count) / Double(y.count)
        #expect(accuracy > 0.9)  // chance is 1/3; the blobs are separable (TrainingTests.learns reaches 0.95)
    }

    @Test("a layer used twice takes one optimizer step per step, and is counted and saved once")
    func sharedLayer() throws {
        let shared = Dense(units: 2, inputSize: 2, seed: 4)
        let model = Sequential(inputShape: [2], layers: [shared, shared])
        let before = model.namedParameters().map(\.parameter.value.scalars)
        let x = Tensor([1, 2, -1, 0.5], shape: [2, 2])
        let y = Tensor([0.3, -0.2, 1, 2], shape: [2, 2])
        let trainer = Trainer(model: model, optimizer: Adam(learningRate: 0.1), loss: .meanSquaredError)
        try trainer.step(x, .values(y))
        // Adam's first step moves every weight by lr·g/(|g| + ε) ≈ lr = 0.1 (PyTorch and Keras alike).
        for (old, named) in zip(before, model.namedParameters()) {
            for (a, b) in zip(old, named.parameter.value.scalars) {
                #expect(Swift.abs(Swift.abs(b - a) - 0.1) < 1e-5, "\(named.path)")
            }
        }
        // Keras counts shared weights once: 2·2 + 2.
        #expect(model.parameterCounts.trainable == 6)
        #expect(model.namedParameters().map(\.path) == ["0.weight", "0.bias"])
        let url = TrainingTests.temporaryURL("shared.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.saveWeights(to: url)
        #expect(try SafeTensorsFile(contentsOf: url).names.sorted() == ["0.bias", "0.weight"])
    }

    @Test("restoring a checkpoint or importing PyTorch weights into an unbuilt model throws")
    func loadingIntoUnbuiltModel() throws {
        let (x, y) = Self.linearData()
        let trainer = Trainer(
            model: Sequential(inputShape: [2]) { Dense(units: 1) }, optimizer: SGD(), loss: .meanSquaredError)
        try trainer.fit(x, .values(y), epochs: 1, verbose: false)
        let url = TrainingTests.temporaryURL("checkpoint.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try trainer.saveCheckpoint(to: url)
        let unbuilt = Trainer(model: Sequential { Dense(units: 1) }, optimizer: SGD(), loss: .meanSquaredError)
        #expect(throws: WeightLoadingError.modelNotBuilt(layer: "0 (Dense)", file: url.lastPathComponent)) {
            try unbuilt.restoreCheckpoint(from: url)
        }
        // A built model without a tensor of the file: unexpected key, as PyTorch's strict=True.
        let smaller = Trainer(
            model: Sequential(inputShape: [2]) { Dense(units: 1, useBias: false) }, optimizer: SGD(),
            loss: .meanSquaredError)
        #expect(throws: WeightLoadingError.unexpectedKey("model/0.bias", file: url.lastPathComponent)) {
            try smaller.restoreCheckpoint(from: url)
        }
        let torch = TrainingTests.temporaryURL("torch.safetensors")
        defer { try? FileManager.default.removeItem(at: torch) }
        var writer = SafeTensorsWriter()
        try writer.add("fc.weight", Tensor([1, 2], shape: [1, 2]))
        try writer.add("fc.bias", Tensor([3]))
        try writer.write(to: torch)
        #expect(throws: WeightLoadingError.modelNotBuilt(layer: "0 (Dense)", file: torch.lastPathComponent)) {
            try Sequential { Dense(units: 1) }.loadPyTorchWeights(from: torch, prefixes: [0: "fc"])
        }
    }

    @Test("fit, evaluate and predict throw typed errors for bad labels, shapes and non-finite values")
    func typedErrors() throws {
        let (x, y) = TrainingTests.blobs(count: 12, seed: 12)
        let trainer = Trainer(model: TrainingTests.model(), optimizer: SGD(), loss: .sparseCategoricalCrossentropy)
        var bad = y
        bad[5] = 12
        #expect(throws: TrainingError.labelOutOfRange(what: "targets", label: 12, row: 5, classes: 3)) {
            try trainer.fit(x, .labels(bad), epochs: 1, verbose: false)
        }
        bad[5] = -1
        #expect(throws: TrainingError.labelOutOfRange(what: "validation targets", label: -1, row: 5, classes: 3)) {
            try trainer.fit(x, .labels(y), epochs: 1, validation: (x, .labels(bad)), verbose: false)
        }
        #expect(throws: TrainingError.labelOutOfRange(what: "targets", label: -1, row: 5, classes: 3)) {
            try trainer.evaluate(x, .labels(bad))
        }
        #expect(throws: TrainingError.labelOutOfRange(what: "targets", label: -1, row: 5, classes: 3)) {
            try Trainer(
                model: Sequential { Dense(units: 3, activation: .softmax) }, optimizer: SGD(),
                loss: .sparseCategoricalCrossentropy
            ).fit(
                x, .labels(bad), epochs: 1, classWeights: [1, 1, 1], verbose: false)
        }
        #expect(throws: ModelInputError.shapeMismatch(expected: [2], actual: [3])) {
            try trainer.model.predict(Tensor.zeros([4, 3]))
        }
        // Images without the channel axis, to a model given an input shape and to a lazily built one.
        let images = Tensor.zeros([4, 8, 8])
        let cnn = Sequential(inputShape: [8, 8, 1]) {
            Conv2D(filters: 2, kernelSize: 3)
            Flatten()
            Dense(units: 3)
        }
        #expect(throws: ModelInputError.shapeMismatch(expected: [8, 8, 1], actual: [8, 8])) {
            try Trainer(model: cnn, optimizer: SGD(), loss: .sparseCategoricalCrossentropy(fromLogits: true)).fit(
                images, .labels([0, 1, 2, 0]), epochs: 1, verbose: false)
        }
        let lazyCNN = Sequential {
            Conv2D(filters: 2, kernelSize: 3)
            Flatten()
            Dense(units: 3)
        }
        #expect(throws: ModelInputError.self) {
            try Trainer(model: lazyCNN, optimizer: SGD(), loss: .sparseCategoricalCrossentropy(fromLogits: true)).fit(
                images, .labels([0, 1, 2, 0]), epochs: 1, verbose: false)
        }
        // NaN inputs: the first offending index is named; checkFinite: false lets them through.
        var withNaN = x
        withNaN[7, 1] = .nan
        #expect(throws: TrainingError.nonFiniteValue(what: "inputs", index: [7, 1], value: .nan)) {
            try trainer.model.predict(withNaN)
        }
        #expect(throws: TrainingError.nonFiniteValue(what: "inputs", index: [7, 1], value: .nan)) {
            try trainer.fit(withNaN, .labels(y), epochs: 1, verbose: false)
        }
        // (ReLU absorbs the NaN here, which is why the check is on by default.)
        #expect(try trainer.model.predict(withNaN, checkFinite: false).shape == [12, 3])
    }

    @Test("sparse cross-entropy rejects per-position predictions with one label per sample (Keras raises)")
    func sparseCrossEntropyRank() throws {
        let model = Sequential(inputShape: [4, 4, 1]) {
            Conv2D(filters: 2, kernelSize: 3)
            Dense(units: 3)
        }
        let images = Tensor.zeros([2, 4, 4, 1])
        #expect(throws: TrainingError.labelsNeedClassScores(predictionShape: [2, 2, 3])) {
            try Trainer(model: model, optimizer: SGD(), loss: .sparseCategoricalCrossentropy(fromLogits: true)).fit(
                images, .labels([0, 1]), epochs: 1, verbose: false)
        }
        #expect(throws: TrainingError.labelsNeedClassScores(predictionShape: [2, 2, 3])) {
            try Loss.sparseCategoricalCrossentropy(fromLogits: true)(Tensor.zeros([2, 2, 2, 3]), .labels([0, 1]))
        }
    }

    /// A custom module that checks its inputs.
    final class Doubler: Module, InputValidating {
        func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor { input * 2 }
        func validateInput(_ input: Tensor) throws -> Shape {
            guard input.rank == 2, input.shape[1] == 4 else {
                throw ModelInputError.shapeMismatch(
                    expected: [4], actual: Shape(Array(input.shape.dimensions.dropFirst())))
            }
            return [4]
        }
    }

    @Test("a custom module that validates its input makes predict and fit throw")
    func customValidation() throws {
        #expect(throws: ModelInputError.shapeMismatch(expected: [4], actual: [3])) {
            try Doubler().predict(Tensor.zeros([2, 3]))
        }
        #expect(try Doubler().predict(Tensor.ones([2, 4])).scalars == [Float](repeating: 2, count: 8))
        #expect(throws: ModelInputError.shapeMismatch(expected: [4], actual: [3])) {
            try Trainer(model: Doubler(), optimizer: SGD(), loss: .meanSquaredError).fit(
                Tensor.zeros([2, 3]), .values(Tensor.zeros([2, 3])), epochs: 1, verbose: false)
        }
    }

    @Test("predicting 0 rows gives 0 rows of the output shape")
    func predictNoRows() throws {
        let model = TrainingTests.model()
        #expect(try model.predict(Tensor.zeros([0, 2])).shape == [0, 3])
    }

    @Test("predict flushes denormals on the calling thread as the pool's workers do")
    func denormalsFlushed() throws {
        let model = Sequential(inputShape: [1]) { Dense(units: 1, inputSize: 1) }
        model.layers[0].namedParameters()[0].parameter.value = Tensor([1e-20], shape: [1, 1])
        // 1e-20 · 1e-20 = 1e-40 is denormal in Float: flushed to 0 on a worker thread, so on the caller too
        // (a direct, unflushed call on this thread gives 1e-40).
        #expect(try model.predict(Tensor([1e-20], shape: [1, 1])).scalars == [0])
    }

    @Test("an empty validation split throws, as Keras")
    func emptyValidationSplit() throws {
        let (x, y) = TrainingTests.blobs(count: 10, seed: 13)
        let trainer = Trainer(model: TrainingTests.model(), optimizer: SGD(), loss: .sparseCategoricalCrossentropy)
        #expect(throws: TrainingError.emptySplit(part: "validation", split: 0.04, samples: 10)) {
            try trainer.fit(x, .labels(y), epochs: 1, validationSplit: 0.04, verbose: false)
        }
        #expect(throws: TrainingError.emptySplit(part: "training", split: 0.96, samples: 10)) {
            try trainer.fit(x, .labels(y), epochs: 1, validationSplit: 0.96, verbose: false)
        }
    }

    @Test("a loss that turns infinite stops training with the last good weights; TerminateOnNaN ends it quietly")
    func nonFiniteLoss() throws {
        let (x, y) = Self.linearData()
        final class Snapshot: Callback {
            var weights: [[Float]] = []
            func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {
                weights.append(state.model.namedParameters()[0].parameter.value.scalars)
            }
        }
        for terminate in [false, true] {
            // One batch per epoch; the first step throws the weights to ~1e30, so the second loss overflows.
            let model = Sequential(inputShape: [2], seed: 5) { Dense(units: 1) }
            let trainer = Trainer(model: model, optimizer: SGD(learningRate: 1e30), loss: .meanSquaredError)
            let snapshot = Snapshot()
            let stopper = TerminateOnNaN()
            let callbacks: [any Callback] = terminate ? [snapshot, stopper] : [snapshot]
            if terminate {
                let history = try trainer.fit(
                    x, .values(y), epochs: 5, batchSize: 16, callbacks: callbacks, verbose: false)
                #expect(history.epochs.count == 2 && !history["loss"][1].isFinite)
                #expect(stopper.terminatedAt?.epoch == 1 && stopper.terminatedAt?.batch == 0)
            } else {
                #expect(throws: TrainingError.nonFiniteLoss(epoch: 1, batch: 0, loss: .infinity)) {
                    try trainer.fit(x, .values(y), epochs: 5, batchSize: 16, callbacks: callbacks, verbose: false)
                }
            }
            let weights = model.namedParameters()[0].parameter.value.scalars
            #expect(weights == snapshot.weights[0] && weights.allSatisfy(\.isFinite))
        }
    }
}

@Suite("callbacks as Keras 3")
struct KerasCallbackTests {
    final class Recorder: Callback {
        var weightsPerEpoch: [[Float]] = []
        func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {
            weightsPerEpoch.append(state.model.namedParameters()[0].parameter.value.scalars)
        }
    }

    @Test("EarlyStopping restores the best weights at the end of training even when it did not stop")
    func restoreAtEnd() throws {
        let (x, y) = TrainingTests.blobs(count: 60, seed: 4)
        let (valX, valY) = TrainingTests.blobs(count: 30, seed: 5)
        let trainer = Trainer(
            model: TrainingTests.model(), optimizer: SGD(learningRate: 3), loss: .sparseCategoricalCrossentropy)
        let stopper = EarlyStopping(monitor: "val_loss", patience: 100, restoreBestWeights: true)
        let recorder = Recorder()
        let history = try trainer.fit(
            x, .labels(y), epochs: 30, batchSize: 10, validation: (valX, .labels(valY)),
            callbacks: [recorder, stopper], verbose: false)
        #expect(history.epochs.count == 30 && stopper.stoppedEpoch == nil)
        let best = try #require(stopper.bestEpoch)
        try #require(best < 29, "the best epoch must not be the last for this test to mean anything")
        #expect(trainer.model.namedParameters()[0].parameter.value.scalars == recorder.weightsPerEpoch[best])
    }

    @Test("a monitored key that never appears is warned about by EarlyStopping, ModelCheckpoint and ReduceLR")
    func missingMonitorWarns() throws {
        let (x, y) = TrainingTests.blobs(count: 20, seed: 6)
        let trainer = Trainer(model: TrainingTests.model(), optimizer: SGD(), loss: .sparseCategoricalCrossentropy)
        let url = TrainingTests.temporaryURL("best.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try trainer.fit(
            x, .labels(y), epochs: 2,
            callbacks: [
                EarlyStopping(), ModelCheckpoint(url: url, trainer: trainer, saveBestOnly: true),
                ReduceLearningRateOnPlateau(),
            ], verbose: false)
        #expect(
            trainer.warnings
                == ["EarlyStopping", "ModelCheckpoint", "ReduceLearningRateOnPlateau"].map {
                    "\($0) monitors 'val_loss', which is not available; available: loss, lr"
                })
    }
}

@Suite("batch norm in fit")
struct BatchNormFitTests {
    @Test("fit throws when a training batch gives BatchNorm one value per channel (PyTorch raises)")
    func batchOfOne() throws {
        let model = Sequential(inputShape: [2]) {
            Dense(units: 3)
            BatchNorm()
            Dense(units: 1)
        }
        let (x, y) = TrainingPlumbingTests.linearData()
        let before = model.namedParameters().map(\.parameter.value.scalars)
        // 16 rows in batches of 5: the last batch has one row.
        #expect(throws: LayerDataError.batchNormNeedsMoreThanOneValue(inputShape: [1, 3])) {
            try Trainer(model: model, optimizer: SGD(), loss: .meanSquaredError).fit(
                x, .values(y), epochs: 1, batchSize: 5, shuffle: false, verbose: false)
        }
        // The three full batches trained; the one-row batch changed nothing (running statistics included).
        #expect(model.namedParameters().map(\.parameter.value.scalars) != before)
        #expect(model.namedParameters().allSatisfy { $0.parameter.value.firstNonFiniteIndex == nil })
        // dropLast skips the one-row batch, as PyTorch's drop_last: 3 batches of 5 per epoch.
        final class BatchCounter: Callback {
            var batches = 0
            func batchDidEnd(_ batch: Int, logs: [String: Double], state: TrainingState) throws { batches += 1 }
        }
        let counter = BatchCounter()
        try Trainer(model: model, optimizer: SGD(), loss: .meanSquaredError).fit(
            x, .values(y), epochs: 2, batchSize: 5, callbacks: [counter], dropLast: true, verbose: false)
        #expect(counter.batches == 6)
    }
}
