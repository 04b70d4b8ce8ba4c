// The customer-service assistant of issue 11: classifies a customer's message into one of the support desk's
// intents, answers with that intent's canned response, and hands off to a person when it is unsure or the message
// is out of scope. Trains a small Transformer encoder and a TF-IDF + logistic regression baseline, keeps the better
// on validation, and reports test accuracy on phrasings never seen in training. Last line: JSON.
//
//   swift run -c release support-assistant [--data FILE] [--epochs N] [--threads N] …

import Foundation
import Lepton

do {
    let options = try AssistantOptions.parse(CommandLine.arguments.dropFirst())
    ComputeThreads.count = options.threads
    let data = try IntentData.load(try options.dataURL())
    let classes = data.intents.count
    let outOfScope = data.outOfScopeClass
    for intent in data.intents where intent != IntentData.outOfScope && responses[intent] == nil {
        print("note: intent '\(intent)' has no canned response; it is always handed off")
    }
    print(
        "data: \(classes) intents, train \(data.train.texts.count), validation \(data.validation.texts.count), "
            + "test \(data.test.texts.count) (test phrasings unseen in training)")

    // MARK: Transformer encoder

    let vocabulary = WordVocabulary(training: data.train.texts, subwords: options.subwords)
    func dataset(_ split: IntentSplit) throws -> TextDataset {
        try TextDataset(
            sequences: split.texts.map(vocabulary.encode), labels: split.labels, paddingID: WordVocabulary.padding,
            maximumLength: options.maximumLength)
    }
    let (trainSet, validationSet, testSet) = (
        try dataset(data.train), try dataset(data.validation), try dataset(data.test)
    )
    let model = IntentClassifier(vocabularySize: vocabulary.size, classes: classes, options: options)
    print(
        "transformer: vocabulary \(vocabulary.size) \(options.subwords ? "words and trigrams" : "words") (train only), \(options.layers) encoder layer(s), "
            + "\(options.heads) heads, embedding \(options.embedding), "
            + "\(model.parameterCounts.trainable) parameters, \(options.threads) threads")

    /// Class probabilities `[rows × classes]` of every row of `set`, in row order.
    func probabilities(_ set: TextDataset) throws -> [[Float]] {
        var result = [[Float]](repeating: [], count: set.count)
        for batch in try set.batches(size: 64, bucketByLength: true) {
            let scores = model(batch.ids, context: .inference).softmax(axis: -1).scalars
            for (row, index) in batch.indices.enumerated() {
                result[index] = Array(scores[(row * classes)..<((row + 1) * classes)])
            }
        }
        return result
    }

    let optimizer = AdamW(
        learningRate: options.learningRate, weightDecay: options.weightDecay,
        clipping: GradientClipping(globalNorm: 1))
    let loss = Loss.sparseCategoricalCrossentropy(fromLogits: true)
    var generator = RandomGenerator(seed: options.seed &+ 1)
    var best = (accuracy: -1.0, epoch: 0, weights: model.namedParameters().map(\.parameter.value))
    var trainSeconds = 0.0
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
        let validationAccuracy = accuracy(try probabilities(validationSet), data.validation.labels)
        trainSeconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print(
            String(
                format: "epoch %2d: train loss %.4f, validation accuracy %.4f (%.1f s)", epoch,
                total / Double(batches.count), validationAccuracy, trainSeconds))
        if validationAccuracy > best.accuracy {
            best = (validationAccuracy, epoch, model.namedParameters().map(\.parameter.value))
        } else if epoch - best.epoch >= options.patience {
            print("early stop: no validation improvement for \(options.patience) epochs")
            break
        }
    }
    for (named, value) in zip(model.namedParameters(), best.weights) { named.parameter.value = value }
    print(String(format: "transformer: best epoch %d, validation accuracy %.4f", best.epoch, best.accuracy))
    let transformerValidation = try probabilities(validationSet)
    let transformerTest = try probabilities(testSet)

    // MARK: TF-IDF + logistic regression baseline

    let baselineStarted = DispatchTime.now().uptimeNanoseconds
    let baseline = try TFIDFBaseline(training: data.train, vocabulary: vocabulary)
    let baselineValidation = try baseline.probabilities(data.validation.texts)
    let baselineTest = try baseline.probabilities(data.test.texts)
    let baselineSeconds = Double(DispatchTime.now().uptimeNanoseconds - baselineStarted) / 1e9
    print(
        String(
            format: "baseline: TF-IDF (%d terms, %@) + logistic regression, %.1f s",
            baseline.termCount, options.subwords ? "words and trigrams" : "words and word pairs", baselineSeconds))

    // MARK: Choice, threshold, test

    let scores = [
        (
            "transformer", accuracy(transformerValidation, data.validation.labels), transformerValidation,
            transformerTest
        ),
        ("tfidf_logistic", accuracy(baselineValidation, data.validation.labels), baselineValidation, baselineTest),
    ]
    let testAccuracy = accuracy(transformerTest, data.test.labels)
    let baselineAccuracy = accuracy(baselineTest, data.test.labels)
    for (name, validation, _, test) in scores {
        print(
            String(
                format: "%@: validation accuracy %.4f, test accuracy %.4f", name, validation,
                accuracy(test, data.test.labels)))
    }
    // Ties go to the Transformer (listed first).
    let chosen = scores.max { $0.1 < $1.1 }!
    let threshold = HandoffPolicy.choose(
        chosen.2, labels: data.validation.labels, outOfScope: outOfScope, targetPrecision: options.targetPrecision)
    let policy = HandoffPolicy(threshold: threshold, outOfScope: outOfScope)
    let outcome = policy.evaluate(chosen.3, labels: data.test.labels)
    print(
        String(
            format:
                "chosen: %@; hand-off below confidence %.2f (lowest threshold with answered validation accuracy >= %.2f)",
            chosen.0, threshold, options.targetPrecision))
    print(
        String(
            format:
                "test: answered %d of %d (accuracy of answered %.4f), handed off %.1f%%, out-of-scope handed off %.4f "
                + "(classifier recall of out_of_scope %.4f)",
            outcome.answered, data.test.labels.count, outcome.answeredAccuracy, 100 * outcome.handoffRate,
            outcome.outOfScopeRecall, outcome.outOfScopeClassRecall))

    // MARK: Example exchanges

    let examples = [
        "hi, where on earth is the parcel I ordered last week?",
        "my card got charged twice for the same thing",
        "I forgot my password and can't get in",
        "can you tell me a joke about cats",
        "the blender came with a cracked jug",
        "I want to talk to an actual human being",
        "what's the weather like in Paris tomorrow",
    ]
    let exampleProbabilities: [[Float]]
    if chosen.0 == "transformer" {
        exampleProbabilities = try probabilities(
            try TextDataset(
                sequences: examples.map(vocabulary.encode), paddingID: WordVocabulary.padding,
                maximumLength: options.maximumLength))
    } else {
        exampleProbabilities = try baseline.probabilities(examples)
    }
    print("examples:")
    for (text, probabilities) in zip(examples, exampleProbabilities) {
        let (predicted, confidence) = top(probabilities)
        let intent = data.intents[Int(predicted)]
        let reply =
            policy.handsOff(predicted: predicted, confidence: confidence)
            ? handoffMessage
            : (responses[intent] ?? handoffMessage)
        print(String(format: "  customer: %@\n    -> %@ (%.2f)\n    assistant: %@", text, intent, confidence, reply))
    }

    // MARK: "Was this helpful?" feedback

    let feedback = try simulateFeedback(
        texts: data.test.texts, probabilities: chosen.3, labels: data.test.labels, intents: data.intents,
        policy: policy, modelVersion: chosen.0, directory: options.feedbackDirectory)
    print(
        String(
            format: "feedback: %d answers logged with request ids, %d marked helpful (%.1f%%), %d labelled",
            feedback.logged, feedback.helpful, 100 * Double(feedback.helpful) / Double(Swift.max(feedback.logged, 1)),
            feedback.labelled))

    let summary: [String: Any] = [
        "test_accuracy": testAccuracy, "baseline_accuracy": baselineAccuracy,
        "out_of_scope_recall": outcome.outOfScopeRecall, "handoff_rate": outcome.handoffRate,
        "train_seconds": trainSeconds, "baseline_seconds": baselineSeconds, "chosen": chosen.0,
        "chosen_test_accuracy": accuracy(chosen.3, data.test.labels), "threshold": threshold,
        "answered_accuracy": outcome.answeredAccuracy, "best_epoch": best.epoch, "threads": options.threads,
        "validation_accuracy": scores[0].1, "baseline_validation_accuracy": scores[1].1,
        "feedback_logged": feedback.logged,
    ]
    let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("support-assistant: \(error)\n".utf8))
    exit(1)
}
