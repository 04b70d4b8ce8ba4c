import LeptonData
import LeptonLayers
import LeptonTensor

extension Trainer {
    /// Trains for `epochs` more epochs on the batches of a data loader, which shuffles, transforms (augments)
    /// and prefetches them on its own thread while the trainer computes — as burn's `Learner` consumes a
    /// `DataLoader`, or Keras's `fit` a `tf.data.Dataset`.
    ///
    /// Epoch `e` of this trainer (counting from its first `fit`, so a second call continues the sequence) is the
    /// loader's epoch `e`: its order and its augmentations are the loader's, reproducible from the loader's seed.
    /// The loader's batches stream in, so they are checked as they arrive rather than up front: each batch's
    /// input shape against the model (the first batch builds a lazily built `Sequential`), its labels or targets
    /// against the model's output, and — unless `checkFinite` is false — that its inputs and value targets are
    /// finite. A batch whose loss or gradients are not finite is not applied and stops the run, as in
    /// ``fit(_:_:epochs:batchSize:validation:validationSplit:shuffle:classWeights:sampleWeights:callbacks:dropLast:checkFinite:verbose:)``.
    ///
    /// - Parameters:
    ///   - loader: The training batches; every example needs a label (sparse cross-entropy) or a target.
    ///   - epochs: Epochs to run in this call.
    ///   - validation: Held-out inputs and targets evaluated after each epoch.
    ///   - callbacks: Hooks into the loop; a progress display is added unless `verbose` is false.
    ///   - checkFinite: Whether to reject NaN or infinite inputs and targets, and to stop on a non-finite loss
    ///     without applying it.
    ///   - verbose: Whether to show progress.
    /// - Returns: The history of this call's epochs.
    /// - Throws: ``TrainingError`` or `ModelInputError` naming what was wrong and in which epoch and batch,
    ///   `DatasetError` from the loader, a transform's or a callback's error. With a ``collective`` it throws
    ///   ``TrainingError/invalidSetting(name:value:requirement:)``: a loader does not shard its batches by rank
    ///   (use the tensor `fit`, whose `DistributedSampler` does).
    @discardableResult
    public func fit<Source: Dataset & Sendable>(
        _ loader: DataLoader<Source>, epochs: Int, validation: (inputs: Tensor, targets: Targets)? = nil,
        callbacks: [any Callback] = [], checkFinite: Bool = true, verbose: Bool = true
    ) throws -> History {
        guard epochs >= 0 else {
            throw TrainingError.invalidSetting(name: "epochs", value: "\(epochs)", requirement: "must not be negative")
        }
        if let collective {
            throw TrainingError.invalidSetting(
                name: "collective", value: "\(collective.size) ranks",
                requirement: "fit(loader) does not shard batches by rank; use fit with tensors in a distributed job")
        }
        guard loader.batchCount > 0 else { throw TrainingError.noSamples(what: "the data loader") }
        guard epochs > 0 else { return History() }
        // The first batch builds a lazily built model and tells the output shape targets are checked against.
        let firstEpoch = completedEpochs
        let firstIterator = loader.batches(epoch: firstEpoch)
        guard let firstBatch = try firstIterator.next() else {
            throw TrainingError.noSamples(what: "the data loader")
        }
        guard firstBatch.features.rank >= 1 else {
            throw ModelInputError.missingBatchAxis(shape: firstBatch.features.shape)
        }
        let outputShape = try prepareModel(for: firstBatch.features)
        if let validation {
            guard validation.inputs.rank >= 1 else {
                throw ModelInputError.missingBatchAxis(shape: validation.inputs.shape)
            }
            try TrainingError.checkLengths(inputs: validation.inputs, targets: validation.targets, sampleWeights: nil)
            try checkInput(validation.inputs)
            try TrainingError.checkTargets(
                validation.targets, outputShape: outputShape, loss: loss, what: "validation targets")
            if checkFinite {
                try TrainingError.checkFinite(validation.inputs, what: "validation inputs")
                if let values = validation.targets.values {
                    try TrainingError.checkFinite(values, what: "validation targets")
                }
            }
        }
        var pending: (iterator: DataLoader<Source>.BatchIterator, first: Batch)? = (firstIterator, firstBatch)
        return try runEpochs(
            epochs: epochs, batchesPerEpoch: loader.batchCount, samplesPerBatchPerRank: 1, heldOut: validation,
            validationBatchSize: Swift.max(loader.batchSize, 256), callbacks: callbacks, checkFinite: checkFinite,
            verbose: verbose
        ) { epoch in
            var first: Batch?
            let iterator: DataLoader<Source>.BatchIterator
            if let (peeked, batch) = pending, epoch == firstEpoch {
                (iterator, first) = (peeked, batch)
            } else {
                iterator = loader.batches(epoch: epoch)
            }
            pending = nil
            return { [self] batch in
                let next: Batch?
                if let peeked = first {
                    next = peeked
                    first = nil
                } else {
                    next = try iterator.next()
                }
                guard let next else { return nil }
                return try trainingBatch(from: next, outputShape: outputShape, checkFinite: checkFinite, batch: batch)
            }
        }
    }

    /// A loader's batch as the loop's batch, checked: input shape, labels or targets against the output, finite.
    private func trainingBatch(from batch: Batch, outputShape: Shape, checkFinite: Bool, batch number: Int) throws
        -> TrainingBatch
    {
        let targets: Targets
        if let labels = batch.labels {
            targets = .labels(labels)
        } else if let values = batch.targets {
            targets = .values(values)
        } else {
            throw TrainingError.invalidSetting(
                name: "loader batch \(number)", value: "examples without labels or targets",
                requirement: "every example needs a label or a target to train on")
        }
        guard batch.features.rank >= 1 else { throw ModelInputError.missingBatchAxis(shape: batch.features.shape) }
        try checkInput(batch.features)
        try TrainingError.checkLengths(inputs: batch.features, targets: targets, sampleWeights: nil)
        try TrainingError.checkTargets(targets, outputShape: outputShape, loss: loss, what: "targets")
        if checkFinite {
            try TrainingError.checkFinite(batch.features, what: "inputs of loader batch \(number)")
            if let values = targets.values {
                try TrainingError.checkFinite(values, what: "targets of loader batch \(number)")
            }
        }
        return TrainingBatch(inputs: batch.features, targets: targets, sampleWeights: nil)
    }
}
