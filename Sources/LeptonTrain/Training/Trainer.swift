import Foundation
import LeptonKernels
import LeptonLayers
import LeptonTensor

/// Trains a model with an optimizer and a loss: Keras' `fit`, `evaluate` and `predict`, with callbacks and
/// checkpoints that resume a run exactly.
///
/// ```swift
/// let trainer = Trainer(model: model, optimizer: Adam(learningRate: 1e-3),
///                       loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
/// let history = try trainer.fit(images, .labels(labels), epochs: 10, batchSize: 32,
///                               validation: (testImages, .labels(testLabels)))
/// ```
public final class Trainer {
    /// The model.
    public let model: Module
    /// The optimizer.
    public let optimizer: any Optimizer
    /// The loss.
    public let loss: Loss
    /// The metrics reported besides the loss.
    public let metrics: [MetricKind]
    /// Epochs completed (also across resumed runs).
    public internal(set) var completedEpochs = 0
    /// The history of every completed epoch.
    public internal(set) var history = History()
    /// The random stream for shuffling.
    public internal(set) var shuffleGenerator: RandomGenerator
    /// The random stream for dropout and other stochastic layers.
    public internal(set) var layerGenerator: RandomGenerator

    /// Creates a trainer.
    ///
    /// - Parameters:
    ///   - model: The model to train.
    ///   - optimizer: The update rule.
    ///   - loss: The objective.
    ///   - metrics: Metrics to report (training and validation).
    ///   - seed: Seeds the shuffling and dropout streams.
    public init(model: Module, optimizer: any Optimizer, loss: Loss, metrics: [MetricKind] = [], seed: UInt64 = 0) {
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        var root = RandomGenerator(seed: seed)
        shuffleGenerator = root.split()
        layerGenerator = root.split()
    }

    /// Trains for `epochs` more epochs.
    ///
    /// - Parameters:
    ///   - inputs: Training inputs, batch axis first.
    ///   - targets: Training targets.
    ///   - epochs: Epochs to run in this call.
    ///   - batchSize: Samples per step (the last batch may be smaller).
    ///   - validation: Held-out inputs and targets evaluated after each epoch.
    ///   - validationSplit: Instead of `validation`, the fraction of the training data (taken from the end,
    ///     before shuffling, as Keras) held out.
    ///   - shuffle: Whether to shuffle each epoch.
    ///   - classWeights: A weight per class label, applied as sample weights.
    ///   - sampleWeights: A weight per training sample.
    ///   - callbacks: Hooks into the loop; a progress display is added unless `verbose` is false.
    ///   - verbose: Whether to show progress.
    /// - Returns: The history of this call's epochs.
    /// - Throws: ``TrainingError`` when inputs, targets and weights disagree in length, or a callback's file
    ///   cannot be written.
    @discardableResult
    public func fit(
        _ inputs: Tensor, _ targets: Targets, epochs: Int, batchSize: Int = 32,
        validation: (inputs: Tensor, targets: Targets)? = nil, validationSplit: Double = 0, shuffle: Bool = true,
        classWeights: [Float]? = nil, sampleWeights: [Float]? = nil, callbacks: [any Callback] = [],
        verbose: Bool = true
    ) throws -> History {
        try TrainingError.checkLengths(inputs: inputs, targets: targets, sampleWeights: sampleWeights)
        precondition(batchSize >= 1, "fit: batchSize must be at least 1")
        var trainInputs = inputs
        var trainTargets = targets
        var weights = sampleWeights
        var heldOut = validation
        if validation == nil && validationSplit > 0 {
            guard validationSplit < 1 else { throw TrainingError.invalidValidationSplit(validationSplit) }
            let count = inputs.shape[0]
            let split = count - Int((Double(count) * validationSplit).rounded())
            heldOut = (inputs[split..<count], targets.slice(split..<count))
            trainInputs = inputs[0..<split]
            trainTargets = targets.slice(0..<split)
            weights = sampleWeights.map { Array($0[0..<split]) }
        }
        if let classWeights {
            guard let labels = trainTargets.labels ?? trainTargets.values.map(predictedClasses) else {
                throw TrainingError.classWeightsNeedClasses
            }
            let fromClasses = try labels.map { label -> Float in
                guard Int(label) < classWeights.count else {
                    throw TrainingError.missingClassWeight(label: Int(label), classes: classWeights.count)
                }
                return classWeights[Int(label)]
            }
            weights = weights.map { zip($0, fromClasses).map(*) } ?? fromClasses
        }
        let count = trainInputs.shape[0]
        let batches = (count + batchSize - 1) / batchSize
        let state = TrainingState(model: model, optimizer: optimizer, epochs: epochs, batchesPerEpoch: batches)
        state.history = history
        let allCallbacks = (verbose ? [ProgressDisplay()] : []) + callbacks
        for callback in allCallbacks { try callback.trainingWillBegin(state) }
        let parameters = model.namedParameters().map(\.parameter)
        let trainingMetrics = metrics.map { $0.make() }
        let firstEpochOfCall = history.epochs.count
        for _ in 0..<epochs {
            let epoch = completedEpochs
            state.epoch = epoch
            for callback in allCallbacks { try callback.epochWillBegin(epoch, state: state) }
            let started = Date()
            let order = shuffle ? shuffleGenerator.permutation(count) : Array(0..<count)
            var lossSum = 0.0
            var samplesSeen = 0
            for metric in trainingMetrics { metric.reset() }
            for batch in 0..<batches {
                for callback in allCallbacks { try callback.batchWillBegin(batch, state: state) }
                let range = (batch * batchSize)..<Swift.min(count, (batch + 1) * batchSize)
                let indices = Array(order[range])
                let batchInputs = shuffle ? trainInputs.gathering(indices.map(Int32.init)) : trainInputs[range]
                let batchTargets = shuffle ? trainTargets.selecting(indices) : trainTargets.slice(range)
                let batchWeights = weights.map { all in indices.map { all[$0] } }
                let (lossValue, predictions) = step(
                    batchInputs, batchTargets, sampleWeights: batchWeights, parameters: parameters)
                lossSum += Double(lossValue) * Double(range.count)
                samplesSeen += range.count
                for metric in trainingMetrics { metric.update(predictions: predictions, targets: batchTargets) }
                var logs = ["loss": lossSum / Double(samplesSeen)]
                for metric in trainingMetrics { logs[metric.name] = metric.result() }
                for callback in allCallbacks { try callback.batchDidEnd(batch, logs: logs, state: state) }
            }
            var logs = ["loss": lossSum / Double(Swift.max(samplesSeen, 1))]
            for metric in trainingMetrics { logs[metric.name] = metric.result() }
            if let heldOut {
                for (key, value) in evaluate(heldOut.inputs, heldOut.targets, batchSize: Swift.max(batchSize, 256)) {
                    logs["val_" + key] = value
                }
            }
            logs["lr"] = Double(optimizer.learningRate)
            completedEpochs += 1
            history.epochs.append(History.Epoch(index: epoch, values: logs, seconds: Date().timeIntervalSince(started)))
            state.history = history
            for callback in allCallbacks { try callback.epochDidEnd(epoch, logs: logs, state: state) }
            if state.stopTraining { break }
        }
        for callback in allCallbacks { try callback.trainingDidEnd(state) }
        var thisCall = History()
        thisCall.epochs = Array(history.epochs[firstEpochOfCall...])
        return thisCall
    }

    /// One optimisation step on a batch; returns the loss and the (detached) predictions.
    ///
    /// - Parameters:
    ///   - inputs: The batch's inputs.
    ///   - targets: The batch's targets.
    ///   - sampleWeights: Optional per-sample weights.
    ///   - parameters: The parameters to update (by default all of the model's).
    /// - Returns: The batch loss and the model's predictions.
    @discardableResult
    public func step(
        _ inputs: Tensor, _ targets: Targets, sampleWeights: [Float]? = nil, parameters: [Parameter]? = nil
    )
        -> (loss: Float, predictions: Tensor)
    {
        // The gradient graph must be gone before the update, or the weights it captured would be copied
        // (copy-on-write) instead of updated in place.
        withDenormalsFlushedToZero {
            let (lossValue, predictions, gradients) = forwardAndBackward(inputs, targets, sampleWeights: sampleWeights)
            optimizer.apply(gradients, to: parameters ?? model.namedParameters().map(\.parameter))
            return (lossValue, predictions)
        }
    }

    private func forwardAndBackward(_ inputs: Tensor, _ targets: Targets, sampleWeights: [Float]?)
        -> (Float, Tensor, Gradients)
    {
        let context = ForwardContext.training(generator: layerGenerator)
        let predictions = model(inputs, context: context)
        layerGenerator = context.generator
        let lossValue = loss(predictions, targets, sampleWeights: sampleWeights)
        return (lossValue.scalar, predictions.detached, lossValue.backward())
    }

    /// The loss and metrics of the model on data, in inference mode.
    ///
    /// - Parameters:
    ///   - inputs: Inputs, batch axis first.
    ///   - targets: Targets.
    ///   - batchSize: Samples per forward pass.
    /// - Returns: `loss` and each metric's value.
    public func evaluate(_ inputs: Tensor, _ targets: Targets, batchSize: Int = 256) -> [String: Double] {
        let evaluationMetrics = metrics.map { $0.make() }
        let count = inputs.shape[0]
        var lossSum = 0.0
        for start in stride(from: 0, to: count, by: batchSize) {
            let range = start..<Swift.min(count, start + batchSize)
            let batchTargets = targets.slice(range)
            let predictions = withoutGradients { model(inputs[range]) }
            lossSum += Double(loss(predictions, batchTargets).scalar) * Double(range.count)
            for metric in evaluationMetrics { metric.update(predictions: predictions, targets: batchTargets) }
        }
        var results = ["loss": lossSum / Double(Swift.max(count, 1))]
        for metric in evaluationMetrics { results[metric.name] = metric.result() }
        return results
    }

    /// The model's outputs for `inputs`, computed in batches in inference mode.
    ///
    /// - Parameters:
    ///   - inputs: Inputs, batch axis first.
    ///   - batchSize: Samples per forward pass.
    /// - Returns: The outputs, batch axis first.
    public func predict(_ inputs: Tensor, batchSize: Int = 256) -> Tensor {
        model.predict(inputs, batchSize: batchSize)
    }
}

extension Module {
    /// The outputs for `inputs`, computed in batches in inference mode (no dropout, no gradient recording).
    ///
    /// - Parameters:
    ///   - inputs: Inputs, batch axis first.
    ///   - batchSize: Samples per forward pass.
    /// - Returns: The outputs, batch axis first.
    public func predict(_ inputs: Tensor, batchSize: Int = 256) -> Tensor {
        let count = inputs.shape[0]
        let parts = stride(from: 0, to: count, by: batchSize).map { start in
            withoutGradients { self(inputs[start..<Swift.min(count, start + batchSize)]) }
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 0)
    }
}

/// Problems with data given to training.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// Inputs, targets or weights have different sample counts.
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// A validation split outside (0, 1).
    case invalidValidationSplit(Double)
    /// Class weights were given for targets that are not classes.
    case classWeightsNeedClasses
    /// A label has no class weight.
    case missingClassWeight(label: Int, classes: Int)

    /// A sentence naming what was expected and what was found.
    public var description: String {
        switch self {
        case .lengthMismatch(let what, let expected, let actual):
            return "\(what) has \(actual) samples, expected \(expected) (one per input sample)"
        case .invalidValidationSplit(let split):
            return "validationSplit must be in [0, 1), got \(split)"
        case .classWeightsNeedClasses:
            return "class weights need label or one-hot targets"
        case .missingClassWeight(let label, let classes):
            return "label \(label) has no class weight (\(classes) weights given)"
        }
    }

    static func checkLengths(inputs: Tensor, targets: Targets, sampleWeights: [Float]?) throws {
        let count = inputs.rank == 0 ? 1 : inputs.shape[0]
        if targets.count != count { throw lengthMismatch(what: "targets", expected: count, actual: targets.count) }
        if let sampleWeights, sampleWeights.count != count {
            throw lengthMismatch(what: "sampleWeights", expected: count, actual: sampleWeights.count)
        }
    }
}
