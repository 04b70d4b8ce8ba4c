import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

@testable import LeptonDeploy

/// Small intent data: training phrasings, then traffic whose key words training never used (the champion cannot
/// know them), half of it answered and labelled by feedback, half arriving later for the gate.
private enum IntentTraffic {
    static let intents = ["order_status", "out_of_scope", "refund", "reset_password"]
    static let trainingWords = [
        ["order", "delivery"], ["weather", "joke"], ["refund", "money"], ["password", "reset"],
    ]
    static let trafficWords = [
        ["parcel", "package", "shipment", "courier"], ["football", "recipe", "movie", "poem"],
        ["reimburse", "repay", "chargeback", "compensation"], ["login", "credentials", "signin", "passcode"],
    ]
    static let openings = ["hi", "hello", "please", "quick question", "excuse me", "hey there"]
    static let endings = ["now", "thanks", "today", "asap"]

    static func phrasings(_ words: [[String]]) -> [(String, Int32)] {
        var rows: [(String, Int32)] = []
        for (intent, keys) in words.enumerated() {
            for key in keys {
                for opening in openings {
                    for ending in endings { rows.append(("\(opening) \(key) \(ending)", Int32(intent))) }
                }
            }
        }
        return rows
    }

    static var training: [(String, Int32)] { phrasings(trainingWords) }
    /// Traffic in arrival order, earlier and later messages interleaved.
    static var traffic: [(String, Int32)] { phrasings(trafficWords) }
}

/// Trains a masked Transformer text classifier on `rows` and returns its predictor (through a bundle).
private func trainedPredictor(_ rows: [(String, Int32)], version: String) throws -> Predictor {
    let tokenizer = try WordTokenizer(fitting: rows.map(\.0))
    let length = 6
    let model = Sequential(inputShape: [length], seed: 11) {
        PaddingMask()
        Embedding(vocabularySize: tokenizer.vocabularySize, dimension: 8, paddingIndex: 0, seed: 4)
        TransformerEncoderLayer(heads: 2, feedForwardSize: 16, dropout: 0, normFirst: true)
        GlobalAveragePooling1D()
        Dense(units: IntentTraffic.intents.count)
    }
    let dataset = try TextDataset(
        sequences: rows.map { tokenizer.encode($0.0) }, labels: rows.map(\.1), maximumLength: length)
    let optimizer = AdamW(learningRate: 0.02)
    let loss = Loss.sparseCategoricalCrossentropy(fromLogits: true)
    var generator = RandomGenerator(seed: 9)
    for _ in 0..<15 {
        for batch in try dataset.batches(size: 32, generator: generator.split()) {
            let value = try loss(
                model(tokens: batch.ids, context: .training(generator: generator.split())),
                .labels(batch.labels ?? []))
            optimizer.apply(value.backward(), to: model)
        }
    }
    let schema = ModelSchema(
        input: .text(TextSchema(tokenizer: .words(tokenizer), maximumLength: length)),
        output: .classification(labels: IntentTraffic.intents))
    let data = try ModelBundle(model: model, schema: schema, name: "intents", version: version).serialized().data
    return try Predictor(bundle: try ModelBundle(data: data))
}

/// Serves `rows` through `predictor`, logs each answer and records the true intent as its feedback.
private func serve(_ rows: [(String, Int32)], _ predictor: Predictor, log: PredictionLog, prefix: String) throws {
    for (index, (answer, row)) in zip(predictor.predict(texts: rows.map(\.0)), rows).enumerated() {
        let prediction = try answer.get()
        let id = "\(prefix)-\(index)"
        try log.append(
            PredictionRecord(
                requestId: id, modelVersion: prediction.modelVersion, features: ["text": .string(row.0)],
                prediction: (prediction.probabilities ?? []).map(Double.init), predictedLabel: prediction.label,
                latencySeconds: 0))
        try log.recordFeedback(requestId: id, label: .string(IntentTraffic.intents[Int(row.1)]))
    }
}

private struct Answer: Sendable {
    var predicted: Int
    var truth: Int32
}

private func gateDecision(champion: Predictor, challenger: Predictor, later: [(String, Int32)]) throws
    -> ChallengerGate.Decision
{
    func answers(_ predictor: Predictor) throws -> [Answer] {
        try zip(predictor.predict(texts: later.map(\.0)), later).map {
            Answer(predicted: try $0.0.get().classIndex ?? -1, truth: $0.1.1)
        }
    }
    return try ChallengerGate(minimumLift: 0, bootstrapResamples: 500).evaluate(
        championPredictions: try answers(champion), challengerPredictions: try answers(challenger),
        labels: later.map { $0.1 == 1 },
        score: { answers, _ in
            Double(answers.filter { Int32($0.predicted) == $0.truth }.count) / Double(max(answers.count, 1))
        })
}

@Suite struct TextFeedbackLoopTests {
    @Test func feedbackJoinedFromTheLogRetrainsAChallengerThatPassesTheGateOnlyWithTrueLabels() throws {
        let champion = try trainedPredictor(IntentTraffic.training, version: "intents-1")
        let traffic = IntentTraffic.traffic
        let earlier = traffic.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let later = traffic.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)

        let log = try PredictionLog()
        try serve(earlier, champion, log: log, prefix: "served")
        // A request without feedback and one of another feature are not joined.
        try log.append(
            PredictionRecord(
                requestId: "unlabelled", modelVersion: "intents-1", features: ["text": .string("hi parcel")],
                prediction: [1, 0, 0, 0], latencySeconds: 0))
        try log.append(
            PredictionRecord(
                requestId: "numeric", modelVersion: "intents-1", features: ["amount": .number(3)],
                prediction: [1, 0, 0, 0], latencySeconds: 0, groundTruth: .string("refund")))
        let joined = log.labelledTexts()
        #expect(joined.count == earlier.count)
        #expect(joined.map(\.text) == earlier.map(\.0))
        #expect(joined.map(\.label) == earlier.map { IntentTraffic.intents[Int($0.1)] })
        #expect(joined.allSatisfy { $0.modelVersion == "intents-1" && $0.predictedLabel != nil })
        let feedbackRows = joined.map { row in
            (row.text, Int32(IntentTraffic.intents.firstIndex(of: row.label)!))
        }

        // The champion never saw the traffic's key words.
        let championAccuracy = zip(champion.predict(texts: later.map(\.0)), later)
            .filter { (try? $0.0.get().classIndex) == Int($0.1.1) }.count
        #expect(Double(championAccuracy) / Double(later.count) < 0.6)

        let challenger = try trainedPredictor(IntentTraffic.training + feedbackRows, version: "intents-2")
        let decision = try gateDecision(champion: champion, challenger: challenger, later: later)
        #expect(decision.passed, "\(decision.reasons)")
        #expect((decision.overall.lowerBound ?? -1) > 0)
        #expect((decision.overall.challenger ?? 0) > 0.9)

        // Control: feedback with the intents shifted by one teaches the wrong intents; the gate refuses it.
        let wrong = feedbackRows.map { ($0.0, ($0.1 + 1) % Int32(IntentTraffic.intents.count)) }
        let misled = try trainedPredictor(IntentTraffic.training + wrong, version: "intents-2-wrong")
        let refused = try gateDecision(champion: champion, challenger: misled, later: later)
        #expect(!refused.passed)
        #expect(!refused.reasons.isEmpty)
    }
}
