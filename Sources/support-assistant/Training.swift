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

/// Trains `model` on `trainSet` with AdamW (a linear warm-up over the first epoch, then cosine decay to 5% over the
/// remaining maximum epochs), global-norm clipping, word shuffling, word dropout and label smoothing, evaluating
/// validation accuracy after each epoch; stops after `patience` epochs without improvement and restores the best
/// epoch's weights.
///
/// With a `teacher` and `options.distillation` above 0, the target of each training message mixes the label
/// (smoothed) with the teacher's probabilities of the same input after word dropout (at `options.temperature`):
/// `(1 − distillation) · label + distillation · teacher`; messages spliced from two (`options.splice`) take the
/// teacher's probabilities alone.
func train(
    _ model: IntentClassifier, on trainSet: TextDataset, validation: TextDataset, validationLabels: [Int32],
    classes: Int, wordEnds: [Bool], teacher: TFIDFTeacher? = nil, options: AssistantOptions, seed: UInt64,
    log: (String) -> Void
) throws -> TrainingOutcome {
    let optimizer = AdamW(
        learningRate: options.learningRate, weightDecay: options.weightDecay,
        clipping: GradientClipping(globalNorm: 1))
    let loss = Loss.categoricalCrossentropy(fromLogits: true)
    let stepsPerEpoch = (trainSet.count + options.batchSize - 1) / options.batchSize
    let schedule: any LearningRateSchedule =
        options.cosineSchedule
        ? LinearWarmup(
            warmupSteps: stepsPerEpoch,
            then: CosineDecay(
                initial: options.learningRate, decaySteps: Swift.max(1, (options.maximumEpochs - 1) * stepsPerEpoch),
                alpha: 0.05))
        : StepDecay(initial: options.learningRate, stepSize: Int.max, factor: 1)
    var step = 0
    var generator = RandomGenerator(seed: seed &+ 1)
    var best = (accuracy: -1.0, epoch: 0, weights: model.namedParameters().map(\.parameter.value))
    var seconds = 0.0
    for epoch in 1...options.maximumEpochs {
        let started = DispatchTime.now().uptimeNanoseconds
        var total = 0.0
        let batches = try trainSet.batches(size: options.batchSize, generator: generator.split())
        for batch in batches {
            let context = ForwardContext.training(generator: generator.split())
            let splice = spliceMessages(
                batch.ids, rate: teacher == nil ? 0 : options.splice, wordEnds: wordEnds, using: &generator)
            let ids = wordDropout(
                shuffleWords(splice.ids, rate: options.wordShuffle, wordEnds: wordEnds, using: &generator),
                rate: options.wordDropout, wordEnds: options.wholeWords ? wordEnds : [], using: &generator)
            optimizer.learningRate = schedule.learningRate(at: step)
            step += 1
            var targets = smoothed(batch.labels ?? [], classes: classes, by: options.labelSmoothing)
            if let teacher, options.distillation > 0 || splice.spliced.contains(true) {
                // Spliced messages have no label: their target is the teacher's alone.
                let taught = teacher.probabilities(ids: ids, temperature: options.temperature).scalars
                var mixed = targets.scalars
                for (row, isSpliced) in splice.spliced.enumerated() {
                    let share = isSpliced ? 1 : options.distillation
                    for index in (row * classes)..<((row + 1) * classes) {
                        mixed[index] = (1 - share) * mixed[index] + share * taught[index]
                    }
                }
                targets = Tensor(mixed, shape: targets.shape)
            }
            let value = try loss(model(ids, context: context), .values(targets))
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

/// One-hot rows of `labels` with `smoothing` of the probability spread evenly over all `classes` (label smoothing:
/// the target of the true class is `1 − smoothing + smoothing / classes`).
func smoothed(_ labels: [Int32], classes: Int, by smoothing: Float) -> Tensor {
    Tensor.oneHot(labels, classes: classes) * (1 - smoothing) + smoothing / Float(classes)
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
