import Foundation
import LeptonData
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
    /// Warnings raised by callbacks during the last `fit` (for example a monitored value that never appeared).
    public internal(set) var warnings: [String] = []
    /// The data-parallel job this trainer is one rank of, or `nil` to train alone (see `Documentation/Distributed.md`).
    public let collective: (any Collective)?
    /// The size of the buffers gradients are all-reduced in with a ``collective`` (PyTorch's `bucket_cap_mb`).
    public var gradientBucketBytes = GradientBuckets.defaultCapacityBytes

    /// The thread that all-reduces gradient buckets during the backward pass; started at the first distributed step.
    private var communication: CommunicationThread?

    /// The communication thread, started on first use.
    var communicationThread: CommunicationThread {
        if let communication { return communication }
        let started = CommunicationThread()
        communication = started
        return started
    }

    /// Creates a trainer.
    ///
    /// - Parameters:
    ///   - model: The model to train.
    ///   - optimizer: The update rule.
    ///   - loss: The objective.
    ///   - metrics: Metrics to report (training and validation).
    ///   - seed: Seeds the shuffling and dropout streams (give every rank of a job the same seed).
    ///   - collective: Makes this trainer one rank of a data-parallel job: `fit` starts from rank 0's weights,
    ///     gives each rank its ``DistributedSampler`` share of every epoch (`batchSize` is then per rank), averages
    ///     the gradients over ranks before each update, averages the metrics, stops when any rank's callbacks
    ///     stop, and only rank 0 shows progress and writes checkpoints.
    public init(
        model: Module, optimizer: any Optimizer, loss: Loss, metrics: [MetricKind] = [], seed: UInt64 = 0,
        collective: (any Collective)? = nil
    ) {
        self.collective = collective
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        var root = RandomGenerator(seed: seed)
        shuffleGenerator = root.split()
        layerGenerator = root.split()
    }

    deinit {
        communication?.stop()
    }

    /// Trains for `epochs` more epochs.
    ///
    /// Everything is checked before the first step, as Keras does: the input shape against the model (a lazily
    /// built `Sequential` is built now, so its first `fit` trains it), targets against the model's output
    /// (labels in range, value shapes), lengths, splits, and — unless `checkFinite` is false — that inputs,
    /// targets and weights are finite. A batch whose loss or gradients turn NaN or infinite is not applied: the
    /// run stops, keeping the weights from before that batch, and `fit` throws
    /// ``TrainingError/nonFiniteLoss(epoch:batch:loss:)`` — or returns normally when a ``TerminateOnNaN``
    /// callback asked to stop.
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
    ///   - dropLast: Whether to skip the last batch of each epoch when it is smaller than `batchSize` (PyTorch's
    ///     `drop_last`; useful with batch normalisation, which needs more than one sample per batch).
    ///   - checkFinite: Whether to reject NaN or infinite inputs, targets and weights, and to stop on a
    ///     non-finite loss without applying it.
    ///   - verbose: Whether to show progress.
    /// - Returns: The history of this call's epochs.
    /// - Throws: ``TrainingError`` or `ModelInputError` naming what was expected and found (shapes, the
    ///   offending label and row, the first non-finite index), `LayerDataError` from a layer, or a callback's
    ///   error.
    @discardableResult
    public func fit(
        _ inputs: Tensor, _ targets: Targets, epochs: Int, batchSize: Int = 32,
        validation: (inputs: Tensor, targets: Targets)? = nil, validationSplit: Double = 0, shuffle: Bool = true,
        classWeights: [Float]? = nil, sampleWeights: [Float]? = nil, callbacks: [any Callback] = [],
        dropLast: Bool = false, checkFinite: Bool = true, verbose: Bool = true
    ) throws -> History {
        guard batchSize >= 1 else {
            throw TrainingError.invalidSetting(
                name: "batchSize", value: "\(batchSize)", requirement: "must be at least 1")
        }
        guard epochs >= 0 else {
            throw TrainingError.invalidSetting(name: "epochs", value: "\(epochs)", requirement: "must not be negative")
        }
        guard inputs.rank >= 1 else { throw ModelInputError.missingBatchAxis(shape: inputs.shape) }
        try TrainingError.checkLengths(inputs: inputs, targets: targets, sampleWeights: sampleWeights)
        var trainInputs = inputs
        var trainTargets = targets
        var weights = sampleWeights
        var heldOut = validation
        if validation == nil && validationSplit != 0 {
            guard validationSplit > 0 && validationSplit < 1 else {
                throw TrainingError.invalidValidationSplit(validationSplit)
            }
            let count = inputs.shape[0]
            let split = count - Int((Double(count) * validationSplit).rounded())
            guard split < count else {
                throw TrainingError.emptySplit(part: "validation", split: validationSplit, samples: count)
            }
            guard split > 0 else {
                throw TrainingError.emptySplit(part: "training", split: validationSplit, samples: count)
            }
            heldOut = (inputs[split..<count], targets.slice(split..<count))
            trainInputs = inputs[0..<split]
            trainTargets = targets.slice(0..<split)
            weights = sampleWeights.map { Array($0[0..<split]) }
        }
        let count = trainInputs.shape[0]
        guard count > 0 else { throw TrainingError.noSamples(what: "the training data") }
        let outputShape = try prepareModel(for: trainInputs)
        try TrainingError.checkTargets(trainTargets, outputShape: outputShape, loss: loss, what: "targets")
        if let heldOut {
            guard heldOut.inputs.rank >= 1 else { throw ModelInputError.missingBatchAxis(shape: heldOut.inputs.shape) }
            try TrainingError.checkLengths(inputs: heldOut.inputs, targets: heldOut.targets, sampleWeights: nil)
            try checkInput(heldOut.inputs)
            try TrainingError.checkTargets(
                heldOut.targets, outputShape: outputShape, loss: loss, what: "validation targets")
        }
        if checkFinite {
            try TrainingError.checkFinite(trainInputs, what: "inputs")
            if let values = trainTargets.values { try TrainingError.checkFinite(values, what: "targets") }
            if let weights { try TrainingError.checkFinite(Tensor(weights), what: "sampleWeights") }
            if let heldOut {
                try TrainingError.checkFinite(heldOut.inputs, what: "validation inputs")
                if let values = heldOut.targets.values {
                    try TrainingError.checkFinite(values, what: "validation targets")
                }
            }
        }
        if let classWeights {
            guard let labels = trainTargets.labels ?? trainTargets.values.map(predictedClasses) else {
                throw TrainingError.classWeightsNeedClasses
            }
            let fromClasses = try labels.map { label -> Float in
                guard label >= 0, Int(label) < classWeights.count else {
                    throw TrainingError.missingClassWeight(label: Int(label), classes: classWeights.count)
                }
                return classWeights[Int(label)]
            }
            weights = weights.map { zip($0, fromClasses).map(*) } ?? fromClasses
        }
        if let collective {
            try checkRanksAgree(
                collective,
                [("samples", count), ("batchSize", batchSize), ("epochs", epochs), ("dropLast", dropLast ? 1 : 0)])
            try broadcastParameters(collective)
        }
        let sampler = try collective.map { try DistributedSampler(count: count, rank: $0.rank, size: $0.size) }
        let localCount = sampler?.samplesPerRank ?? count
        let batches = dropLast ? localCount / batchSize : (localCount + batchSize - 1) / batchSize
        guard batches > 0 else {
            throw TrainingError.invalidSetting(
                name: "batchSize", value: "\(batchSize)",
                requirement: "must not exceed the \(count) training samples when dropLast is set")
        }
        let ranks = collective?.size ?? 1
        return try runEpochs(
            epochs: epochs, batchesPerEpoch: batches, samplesPerBatchPerRank: ranks, heldOut: heldOut,
            validationBatchSize: Swift.max(batchSize, 256), callbacks: callbacks, checkFinite: checkFinite,
            verbose: verbose
        ) { _ in
            let epochOrder = shuffle ? shuffleGenerator.permutation(count) : Array(0..<count)
            let order = sampler?.indices(of: epochOrder) ?? epochOrder
            let gathers = shuffle || sampler != nil
            return { batch in
                let range = (batch * batchSize)..<Swift.min(localCount, (batch + 1) * batchSize)
                let indices = Array(order[range])
                return TrainingBatch(
                    inputs: gathers ? trainInputs.gathering(indices.map(Int32.init)) : trainInputs[range],
                    targets: gathers ? trainTargets.selecting(indices) : trainTargets.slice(range),
                    sampleWeights: weights.map { all in indices.map { all[$0] } })
            }
        }
    }

    /// Builds a lazily built model for `inputs` and returns its per-sample output shape, checking the input
    /// shape first where the model can tell (``InputValidating``); other modules are called once on one sample.
    func prepareModel(for inputs: Tensor) throws -> Shape {
        if let sequential = model as? Sequential {
            let output = try sequential.validateInput(inputs)
            if !sequential.isBuilt { sequential.build(inputShape: Shape(Array(inputs.shape.dimensions.dropFirst()))) }
            return output
        }
        try checkInput(inputs)
        let probe = withoutGradients { model(inputs[0..<1]) }
        return Shape(Array(probe.shape.dimensions.dropFirst()))
    }

    /// Checks an input batch's shape against the model where the model can tell (``InputValidating``).
    func checkInput(_ inputs: Tensor) throws {
        if let validating = model as? any InputValidating { try validating.validateInput(inputs) }
    }

    /// One optimisation step on a batch; returns the loss and the (detached) predictions.
    ///
    /// - Parameters:
    ///   - inputs: The batch's inputs.
    ///   - targets: The batch's targets.
    ///   - sampleWeights: Optional per-sample weights.
    ///   - parameters: The parameters to update (by default all of the model's).
    /// - Returns: The batch loss and the model's predictions.
    /// - Throws: ``TrainingError`` for targets that do not fit the predictions or a non-finite loss (the update
    ///   is then not applied), `LayerDataError` reported by a layer.
    @discardableResult
    public func step(
        _ inputs: Tensor, _ targets: Targets, sampleWeights: [Float]? = nil, parameters: [Parameter]? = nil
    ) throws -> (loss: Float, predictions: Tensor) {
        guard inputs.rank >= 1 else { throw ModelInputError.missingBatchAxis(shape: inputs.shape) }
        try checkInput(inputs)
        let outcome = try trainStep(
            inputs, targets, sampleWeights: sampleWeights,
            parameters: parameters, checkFinite: true)
        guard outcome.applied else {
            throw TrainingError.nonFiniteLoss(epoch: completedEpochs, batch: 0, loss: outcome.loss)
        }
        return (outcome.loss, outcome.predictions)
    }

    /// Forward, backward and update; the update is skipped (`applied` false) when `checkFinite` is on and the
    /// loss or a gradient is not finite.
    func trainStep(
        _ inputs: Tensor, _ targets: Targets, sampleWeights: [Float]?, parameters: [Parameter]?, checkFinite: Bool
    ) throws -> (loss: Float, predictions: Tensor, applied: Bool) {
        // The gradient graph must be gone before the update, or the weights it captured would be copied
        // (copy-on-write) instead of updated in place.
        try withDenormalsFlushedToZero {
            let step = try forwardAndBackward(
                inputs, targets, sampleWeights: sampleWeights, parameters: parameters, checkFinite: checkFinite)
            if checkFinite {
                guard step.loss.isFinite && step.gradientsFinite else {
                    return (step.loss.isFinite ? .nan : step.loss, step.predictions, false)
                }
            }
            optimizer.apply(step.gradients, to: step.parameters)
            return (step.loss, step.predictions, true)
        }
    }

    /// The forward pass, the loss and its gradients — averaged over the ranks of a ``collective`` as the backward
    /// pass produces them — with the parameters they are for (listed after the forward pass, which builds lazily
    /// built layers). The gradient graph is released when this returns.
    ///
    /// With `checkFinite`, `gradientsFinite` tells whether every parameter's gradient is finite. On one process
    /// each gradient is checked the moment backward reports it final, while it is still in cache (a separate pass
    /// after backward read every gradient back from memory: about 1.7 % of a batch-32 step of the reference CNN);
    /// across ranks the averaged gradients are checked after the reduction.
    private func forwardAndBackward(
        _ inputs: Tensor, _ targets: Targets, sampleWeights: [Float]?, parameters: [Parameter]?, checkFinite: Bool
    ) throws -> (
        loss: Float, predictions: Tensor, gradients: Gradients, parameters: [Parameter], gradientsFinite: Bool
    ) {
        let context = ForwardContext.training(generator: layerGenerator)
        let predictions = model(inputs, context: context)
        layerGenerator = context.generator
        try context.throwIfProblem()
        let lossTensor = try loss(predictions, targets, sampleWeights: sampleWeights)
        let parameters = parameters ?? model.namedParameters().uniqued().map(\.parameter)
        guard let collective else {
            guard lossTensor.requiresGradient else {
                return (lossTensor.scalar, predictions.detached, Gradients(), parameters, true)
            }
            guard checkFinite else {
                return (lossTensor.scalar, predictions.detached, lossTensor.backward(), parameters, true)
            }
            let updated = Set(parameters.map(\.id))
            var gradientsFinite = true
            let gradients = lossTensor.backward { id, gradient in
                guard gradientsFinite && updated.contains(id) else { return }
                // A large gradient is checked in blocks across the compute threads, a small one on this thread.
                gradientsFinite =
                    gradient.elementCount >= 65_536
                    ? Tensor.allFinite([gradient]) : gradient.firstNonFiniteIndex == nil
            }
            return (lossTensor.scalar, predictions.detached, gradients, parameters, gradientsFinite)
        }
        let reduction = try OverlappedGradientReduction(
            parameters: parameters, bucketBytes: gradientBucketBytes, collective: collective,
            communication: communicationThread)
        if lossTensor.requiresGradient {
            _ = lossTensor.backward { id, gradient in reduction.gradientReady(id, gradient) }
        }
        let (meanLoss, gradients) = try reduction.finish(loss: lossTensor.scalar)
        let gradientsFinite = !checkFinite || Tensor.allFinite(parameters.compactMap { gradients[$0.id] })
        return (meanLoss, predictions.detached, gradients, parameters, gradientsFinite)
    }

    /// The loss and metrics of the model on data, in inference mode.
    ///
    /// - Parameters:
    ///   - inputs: Inputs, batch axis first.
    ///   - targets: Targets.
    ///   - batchSize: Samples per forward pass.
    ///   - checkFinite: Whether to reject NaN or infinite inputs and value targets.
    /// - Returns: `loss` and each metric's value.
    /// - Throws: ``TrainingError`` or `ModelInputError` for mismatched shapes or lengths, labels out of range or
    ///   non-finite values.
    public func evaluate(_ inputs: Tensor, _ targets: Targets, batchSize: Int = 256, checkFinite: Bool = true) throws
        -> [String: Double]
    {
        guard batchSize >= 1 else {
            throw TrainingError.invalidSetting(
                name: "batchSize", value: "\(batchSize)", requirement: "must be at least 1")
        }
        guard inputs.rank >= 1 else { throw ModelInputError.missingBatchAxis(shape: inputs.shape) }
        try TrainingError.checkLengths(inputs: inputs, targets: targets, sampleWeights: nil)
        try checkInput(inputs)
        if checkFinite {
            try TrainingError.checkFinite(inputs, what: "inputs")
            if let values = targets.values { try TrainingError.checkFinite(values, what: "targets") }
        }
        let evaluationMetrics = metrics.map { $0.make() }
        let count = inputs.shape[0]
        var lossSum = 0.0
        for start in stride(from: 0, to: count, by: batchSize) {
            let range = start..<Swift.min(count, start + batchSize)
            let batchTargets = targets.slice(range)
            let predictions = withDenormalsFlushedToZero { withoutGradients { model(inputs[range]) } }
            do {
                lossSum += Double(try loss(predictions, batchTargets).scalar) * Double(range.count)
            } catch TrainingError.labelOutOfRange(let what, let label, let row, let classes) {
                throw TrainingError.labelOutOfRange(what: what, label: label, row: start + row, classes: classes)
            }
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
    ///   - checkFinite: Whether to reject NaN or infinite inputs.
    /// - Returns: The outputs, batch axis first.
    /// - Throws: `ModelInputError` or ``TrainingError`` as `Module.predict(_:batchSize:checkFinite:)`.
    public func predict(_ inputs: Tensor, batchSize: Int = 256, checkFinite: Bool = true) throws -> Tensor {
        try model.predict(inputs, batchSize: batchSize, checkFinite: checkFinite)
    }
}
