import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor

/// One step's data, handed by a `fit` variant to the epoch loop.
struct TrainingBatch {
    /// The batch's inputs, batch axis first.
    var inputs: Tensor
    /// The batch's targets.
    var targets: Targets
    /// Optional per-sample weights.
    var sampleWeights: [Float]?
}

extension Trainer {
    /// The epoch loop every `fit` shares: callbacks, steps, running loss and metrics, validation, history, stopping
    /// (on a callback's request, on any rank's request in a distributed job, or on a non-finite batch).
    ///
    /// - Parameters:
    ///   - epochs: Epochs to run.
    ///   - batchesPerEpoch: The most batches an epoch has (the progress display's total).
    ///   - samplesPerBatchPerRank: The factor from a local batch's size to the samples it stands for (the number
    ///     of ranks: every rank's local batch has the same size).
    ///   - heldOut: Validation data evaluated after each epoch.
    ///   - validationBatchSize: The batch size of that evaluation.
    ///   - callbacks: The caller's callbacks (a progress display is added when `verbose`).
    ///   - checkFinite: Whether a non-finite loss or gradient stops the run without being applied.
    ///   - verbose: Whether to show progress.
    ///   - epochBatches: Called at the start of each epoch with its index; returns the function that gives batch
    ///     `b` of that epoch, or `nil` when the epoch has no more batches.
    /// - Returns: The history of this call's epochs.
    /// - Throws: What a step, a callback or a batch source throws; ``TrainingError/nonFiniteLoss(epoch:batch:loss:)``.
    func runEpochs(
        epochs: Int, batchesPerEpoch: Int, samplesPerBatchPerRank ranks: Int,
        heldOut: (inputs: Tensor, targets: Targets)?, validationBatchSize: Int, callbacks: [any Callback],
        checkFinite: Bool, verbose: Bool,
        epochBatches: (_ epoch: Int) throws -> (_ batch: Int) throws -> TrainingBatch?
    ) throws -> History {
        let state = TrainingState(
            model: model, optimizer: optimizer, epochs: epochs, batchesPerEpoch: batchesPerEpoch)
        state.history = history
        state.printsWarnings = verbose && isLeadingRank
        defer { warnings = state.warnings }
        let allCallbacks = (verbose && isLeadingRank ? [ProgressDisplay()] : []) + callbacks
        for callback in allCallbacks { try callback.trainingWillBegin(state) }
        let parameters = model.namedParameters().uniqued().map(\.parameter)
        let trainingMetrics = metrics.map { $0.make() }
        let firstEpochOfCall = history.epochs.count
        for _ in 0..<epochs {
            let epoch = completedEpochs
            state.epoch = epoch
            for callback in allCallbacks { try callback.epochWillBegin(epoch, state: state) }
            let started = Date()
            let nextBatch = try epochBatches(epoch)
            var lossSum = 0.0
            var samplesSeen = 0
            var failure: TrainingError?
            for metric in trainingMetrics { metric.reset() }
            for batch in 0..<batchesPerEpoch {
                for callback in allCallbacks { try callback.batchWillBegin(batch, state: state) }
                guard let data = try nextBatch(batch) else { break }
                let outcome = try trainStep(
                    data.inputs, data.targets, sampleWeights: data.sampleWeights, parameters: parameters,
                    checkFinite: checkFinite)
                let samples = data.inputs.shape[0] * ranks
                lossSum += Double(outcome.loss) * Double(samples)
                samplesSeen += samples
                if outcome.applied {
                    for metric in trainingMetrics {
                        metric.update(predictions: outcome.predictions, targets: data.targets)
                    }
                } else {
                    failure = TrainingError.nonFiniteLoss(epoch: epoch, batch: batch, loss: outcome.loss)
                }
                var logs = ["loss": lossSum / Double(samplesSeen)]
                for metric in trainingMetrics { logs[metric.name] = metric.result() }
                for callback in allCallbacks { try callback.batchDidEnd(batch, logs: logs, state: state) }
                if let collective { state.stopTraining = try collective.anyRank(state.stopTraining) }
                if let failure, !state.stopTraining {
                    for callback in allCallbacks { try callback.trainingDidEnd(state) }
                    throw failure
                }
                if state.stopTraining { break }
            }
            var logs: [String: Double] = [:]
            for metric in trainingMetrics { logs[metric.name] = metric.result() }
            if let heldOut {
                let results = try evaluate(
                    heldOut.inputs, heldOut.targets, batchSize: validationBatchSize, checkFinite: false)
                for (key, value) in results { logs["val_" + key] = value }
            }
            if let collective { logs = try averagedOverRanks(logs, collective: collective) }
            logs["loss"] = lossSum / Double(Swift.max(samplesSeen, 1))
            logs["lr"] = Double(optimizer.learningRate)
            completedEpochs += 1
            history.epochs.append(
                History.Epoch(index: epoch, values: logs, seconds: Date().timeIntervalSince(started)))
            state.history = history
            for callback in allCallbacks { try callback.epochDidEnd(epoch, logs: logs, state: state) }
            if let collective { state.stopTraining = try collective.anyRank(state.stopTraining) }
            if state.stopTraining { break }
        }
        for callback in allCallbacks { try callback.trainingDidEnd(state) }
        var thisCall = History()
        thisCall.epochs = Array(history.epochs[firstEpochOfCall...])
        return thisCall
    }
}
