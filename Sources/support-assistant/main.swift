// The customer-service assistant of issue 11: classifies a customer's message into one of the support desk's
// intents, answers with that intent's canned response, and hands off to a person when it is unsure or the message
// is out of scope. Trains a TF-IDF + logistic regression baseline and a small Transformer encoder (distilled from
// the baseline: its probabilities of the training messages, after word dropout and splicing, join the labels),
// keeps the better on validation, and reports test accuracy on phrasings never seen in training. Then ships the
// Transformer as a bundle served from raw text by a `Predictor`, logs served messages with their feedback,
// fine-tunes a challenger on the feedback joined from the log, and lets it replace the champion only if the
// evidence gate passes on later messages. Last line: JSON.
//
//   swift run -c release support-assistant [--data FILE] [--epochs N] [--threads N] …

import Foundation
import Lepton

do {
    let started = DispatchTime.now().uptimeNanoseconds
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

    // MARK: TF-IDF + logistic regression baseline

    let vocabulary = try WordTokenizer(fitting: data.train.texts, subwordTrigrams: options.subwords)
    let baselineStarted = DispatchTime.now().uptimeNanoseconds
    let baseline = try TFIDFBaseline(training: data.train, vocabulary: vocabulary)
    let baselineValidation = try baseline.probabilities(data.validation.texts)
    let baselineTest = try baseline.probabilities(data.test.texts)
    let baselineSeconds = Double(DispatchTime.now().uptimeNanoseconds - baselineStarted) / 1e9
    print(
        String(
            format: "baseline: TF-IDF (%d terms, %@) + logistic regression, %.1f s",
            baseline.termCount, options.subwords ? "words and trigrams" : "words and word pairs", baselineSeconds))

    // MARK: Transformer encoder

    let splits = try datasets(
        tokenizer: vocabulary, [data.train, data.validation, data.test], maximumLength: options.maximumLength)
    let (trainSet, validationSet, testSet) = (splits[0], splits[1], splits[2])
    let model = IntentClassifier(vocabularySize: vocabulary.vocabularySize, classes: classes, options: options)
    print(
        "transformer: vocabulary \(vocabulary.vocabularySize) \(options.subwords ? "words and trigrams" : "words") (train only), \(options.size.layers) encoder layer(s), "
            + "\(options.size.heads) heads, embedding \(options.size.embedding), "
            + "\(model.parameterCounts.trainable) parameters, \(options.threads) threads")
    // The baseline teaches the Transformer (with `--distill W` above 0) on the very token ids it trains on.
    let teacher = TFIDFTeacher(baseline: baseline, tokenizer: vocabulary)
    let untruncatedValidation = try TextDataset(
        sequences: data.validation.texts.map(vocabulary.encode), paddingID: WordTokenizer.paddingID)
    let teacherValidation = teacher.probabilities(
        ids: try untruncatedValidation.batch(Array(0..<untruncatedValidation.count)).ids)
    let teacherDifference = zip(teacherValidation.scalars, baselineValidation.joined()).map { abs($0 - $1) }.max()
    if options.distillation > 0 || options.splice > 0 {
        print(
            String(
                format:
                    "distillation: %.2f of each target from the baseline at temperature %.1f, %.2f of the messages "
                    + "spliced and taught by it alone (from token ids, its %d x %d validation probabilities differ "
                    + "from its own by at most %.2g)",
                options.distillation, options.temperature, options.splice, teacherValidation.shape[0],
                teacherValidation.shape[1], teacherDifference ?? .nan))
    }
    let training = try train(
        model, on: trainSet, validation: validationSet, validationLabels: data.validation.labels, classes: classes,
        wordEnds: wordEnds(of: vocabulary), teacher: teacher, options: options, seed: options.seed,
        log: { print($0) })
    let trainSeconds = training.seconds
    print(
        String(
            format: "transformer: best epoch %d, validation accuracy %.4f", training.bestEpoch,
            training.bestValidationAccuracy))
    let transformerValidation = try probabilities(of: model, validationSet, classes: classes)
    let transformerTest = try probabilities(of: model, testSet, classes: classes)

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
            of: model,
            try TextDataset(
                sequences: examples.map(vocabulary.encode), paddingID: WordTokenizer.paddingID,
                maximumLength: options.maximumLength), classes: classes)
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

    // MARK: The bundle, served from raw text

    // The Transformer is the model with a bundle form (the TF-IDF baseline has none yet), so it is what the
    // `Predictor` serves, whichever model validation chose above.
    let bundleDirectory =
        options.bundleDirectory
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("support-assistant-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: bundleDirectory, withIntermediateDirectories: true)
    let textSchema = ModelSchema(
        input: .text(TextSchema(tokenizer: .words(vocabulary), maximumLength: options.maximumLength)),
        output: .classification(labels: data.intents))
    let championURL = bundleDirectory.appendingPathComponent("support-assistant-1.lepton")
    try ModelBundle(
        model: model.network, schema: textSchema, name: "support-assistant", version: "support-assistant-1",
        evaluationMetrics: ["validation_accuracy": training.bestValidationAccuracy, "test_accuracy": testAccuracy]
    ).write(to: championURL)
    let champion = try Predictor(bundle: championURL)
    var largestDifference: Float = 0
    for (answer, inProcess) in zip(champion.predict(texts: data.test.texts), transformerTest) {
        for (served, computed) in zip(try answer.get().probabilities ?? [], inProcess) {
            largestDifference = Swift.max(largestDifference, abs(served - computed))
        }
    }
    print(
        "bundle: \(championURL.path) (\(champion.stepSummaries.count) compiled steps, \(vocabulary.tokens.count) "
            + "tokens stored); the Predictor's test probabilities from raw text differ from the in-process model's "
            + "by at most \(largestDifference)")

    // MARK: Feedback from served traffic, retraining, the evidence gate

    // The test messages arrive as traffic after deployment: the even rows first (answered and labelled by
    // feedback), the odd rows later (the fresh labelled messages the gate compares champion and challenger on).
    // Both halves hold phrasings never seen in training; they share templates, as later traffic does.
    let servedThreshold = HandoffPolicy.choose(
        transformerValidation, labels: data.validation.labels, outOfScope: outOfScope,
        targetPrecision: options.targetPrecision)
    let servedPolicy = HandoffPolicy(threshold: servedThreshold, outOfScope: outOfScope)
    var (earlier, later) = (IntentSplit(), IntentSplit())
    for (row, text) in data.test.texts.enumerated() {
        if row % 2 == 0 {
            earlier.texts.append(text)
            earlier.labels.append(data.test.labels[row])
        } else {
            later.texts.append(text)
            later.labels.append(data.test.labels[row])
        }
    }
    let log = try PredictionLog(directory: options.feedbackDirectory)
    // A fresh prefix per run, so that runs appending to one persisted log never reuse a request id.
    let run = "run-" + UUID().uuidString.prefix(8).lowercased()
    let feedback = try serveAndCollectFeedback(
        predictor: champion, texts: earlier.texts, labels: earlier.labels, intents: data.intents,
        policy: servedPolicy, log: log, requestPrefix: run)
    let joined = feedbackSplit(from: log, requestPrefix: run, intents: data.intents)
    print(
        String(
            format:
                "feedback: %d messages served from raw text (hand-off below %.2f), %d answered, %d helpful; "
                + "%d labelled by feedback and joined from the log, %d of them corrected intents",
            feedback.logged, servedThreshold, feedback.answered, feedback.helpful, joined.texts.count,
            feedback.corrected))

    var retraining = data.train
    retraining.texts += joined.texts
    retraining.labels += joined.labels
    // The challenger starts from the champion's weights and tokenizer and is fine-tuned for a few epochs on the
    // training split plus the feedback (words new in the feedback reach it through their character trigrams).
    let challengerSplits = try datasets(
        tokenizer: vocabulary, [retraining, data.validation], maximumLength: options.maximumLength)
    let challengerModel = IntentClassifier(
        vocabularySize: vocabulary.vocabularySize, classes: classes, options: options)
    for (target, source) in zip(challengerModel.namedParameters(), model.namedParameters()) {
        target.parameter.value = source.parameter.value
    }
    var fineTuning = options
    fineTuning.maximumEpochs = options.challengerEpochs
    print(
        "challenger: the champion fine-tuned for up to \(options.challengerEpochs) epochs on "
            + "\(data.train.texts.count) training + \(joined.texts.count) feedback messages")
    let challengerTraining = try train(
        challengerModel, on: challengerSplits[0], validation: challengerSplits[1],
        validationLabels: data.validation.labels, classes: classes, wordEnds: wordEnds(of: vocabulary),
        options: fineTuning, seed: options.seed,
        log: { print("  " + $0) })
    let challengerURL = bundleDirectory.appendingPathComponent("support-assistant-2.lepton")
    try ModelBundle(
        model: challengerModel.network,
        schema: ModelSchema(
            input: .text(TextSchema(tokenizer: .words(vocabulary), maximumLength: options.maximumLength)),
            output: .classification(labels: data.intents)),
        name: "support-assistant", version: "support-assistant-2",
        evaluationMetrics: ["validation_accuracy": challengerTraining.bestValidationAccuracy],
        lineage: BundleLineage(
            dataDescription: "training split + \(joined.texts.count) feedback-labelled messages",
            parentVersion: champion.version, trigger: "feedback")
    ).write(to: challengerURL)
    let challenger = try Predictor(bundle: challengerURL)
    let gate = try ChallengerGate(minimumLift: 0, confidenceLevel: 0.95, bootstrapResamples: 1000)
    let decision = try compareOnLaterTraffic(
        champion: champion, challenger: challenger, texts: later.texts, labels: later.labels,
        outOfScope: outOfScope, gate: gate)
    let promoted = decision.passed ? challenger.version : champion.version
    print(
        String(
            format:
                "gate: %d later messages, accuracy champion %.4f, challenger %.4f, lift %.4f, 95%% interval "
                + "[%.4f, %.4f] (%@)",
            decision.overall.count, decision.overall.champion ?? .nan, decision.overall.challenger ?? .nan,
            decision.overall.improvement ?? .nan, decision.overall.lowerBound ?? .nan,
            decision.overall.upperBound ?? .nan, decision.method))
    print(
        decision.passed
            ? "gate: passed (the lower bound is above 0): \(challenger.version) is promoted"
            : "gate: not passed, \(champion.version) keeps serving: \(decision.reasons.joined(separator: "; "))")

    let summary: [String: Any] = [
        "test_accuracy": testAccuracy, "baseline_accuracy": baselineAccuracy,
        "out_of_scope_recall": outcome.outOfScopeRecall, "handoff_rate": outcome.handoffRate,
        "train_seconds": trainSeconds, "baseline_seconds": baselineSeconds, "chosen": chosen.0,
        "chosen_test_accuracy": accuracy(chosen.3, data.test.labels), "threshold": threshold,
        "answered_accuracy": outcome.answeredAccuracy, "best_epoch": training.bestEpoch, "threads": options.threads,
        "validation_accuracy": scores[0].1, "baseline_validation_accuracy": scores[1].1,
        "feedback_logged": feedback.logged, "feedback_labelled": joined.texts.count,
        "feedback_corrected": feedback.corrected, "bundle_max_probability_difference": Double(largestDifference),
        "teacher_max_probability_difference": Double(teacherDifference ?? -1),
        "gate_champion_accuracy": decision.overall.champion ?? -1,
        "gate_challenger_accuracy": decision.overall.challenger ?? -1,
        "gate_lift_lower_bound": decision.overall.lowerBound ?? -1, "gate_passed": decision.passed,
        "serving_version": promoted,
        "total_seconds": Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9,
    ]
    let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("support-assistant: \(error)\n".utf8))
    exit(1)
}
