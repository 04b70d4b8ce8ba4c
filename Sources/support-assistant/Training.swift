import Foundation
import Lepton

/// The outcome of training a Transformer intent classifier with early stopping.
struct TrainingOutcome {
    var bestValidationAccuracy: Double
    var bestEpoch: Int
    var seconds: Double
}

/// Class probabilities `[rows × classes]` of every row of `set`, in row order, computed in process.
func probabilities(of model: IntentClassifier, _ set: TextDataset, classes: Int) throws -> [[Float]] {
    var result = [[Float]](repeating: [], count: set.count)
    for batch in try set.batches(size: 64, bucketByLength: true) {
        let scores = model(batch.ids, context: .inference).softmax(axis: -1).scalars
        for (row, index) in batch.indices.enumerated() {
            result[index] = Array(scores[(row * classes)..<((row + 1) * classes)])
        }
    }
    return result
}

/// Trains `model` on `trainSet` with AdamW, global-norm clipping and word dropout, evaluating validation accuracy
/// after each epoch; stops after `patience` epochs without improvement and restores the best epoch's weights.
func train(
    _ model: IntentClassifier, on trainSet: TextDataset, validation: TextDataset, validationLabels: [Int32],
    classes: Int, options: AssistantOptions, seed: UInt64, log: (String) -> Void
) throws -> TrainingOutcome {
    let optimizer = AdamW(
        learningRate: options.learningRate, weightDecay: options.weightDecay,
        clipping: GradientClipping(globalNorm: 1))
    let loss = Loss.sparseCategoricalCrossentropy(fromLogits: true)
    var generator = RandomGenerator(seed: seed &+ 1)
    var best = (accuracy: -1.0, epoch: 0, weights: model.namedParameters().map(\.parameter.value))
    var seconds = 0.0
    for epoch in 1...options.maximumEpochs {
        let started = DispatchTime.now().uptimeNanoseconds
        var total = 0.0
        let batches = try trainSet.batches(size: options.batchSize, generator: generator.split())
        for batch in batches {
            let context = ForwardContext.training(generator: generator.split())
            let ids = wordDropout(batch.ids, rate: options.wordDropout, using: &generator)
            let value = try loss(model(ids, context: context), .labels(batch.labels ?? []))
            guard value.scalars[0].isFinite else {
                throw AssistantOptions.Problem(description: "the loss became \(value.scalars[0]) in epoch \(epoch)")
            }
            total += Double(value.scalars[0])
            optimizer.apply(value.backward(), to: model)
        }
        let validationAccuracy = accuracy(
            try probabilities(of: model, validation, classes: classes), validationLabels)
        seconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        log(
            String(
                format: "epoch %2d: train loss %.4f, validation accuracy %.4f (%.1f s)", epoch,
                total / Double(batches.count), validationAccuracy, seconds))
        if validationAccuracy > best.accuracy {
            best = (validationAccuracy, epoch, model.namedParameters().map(\.parameter.value))
        } else if epoch - best.epoch >= options.patience {
            log("early stop: no validation improvement for \(options.patience) epochs")
            break
        }
    }
    for (named, value) in zip(model.namedParameters(), best.weights) { named.parameter.value = value }
    return TrainingOutcome(bestValidationAccuracy: best.accuracy, bestEpoch: best.epoch, seconds: seconds)
}

/// A tokenizer learnt on `texts` and the padded datasets of the given splits under it.
func datasets(
    tokenizer: WordTokenizer, _ splits: [IntentSplit], maximumLength: Int
) throws -> [TextDataset] {
    try splits.map { split in
        try TextDataset(
            sequences: split.texts.map(tokenizer.encode), labels: split.labels, paddingID: WordTokenizer.paddingID,
            maximumLength: maximumLength)
    }
}
