import Foundation
import Lepton

/// What serving a stream of messages through the bundle's `Predictor` and collecting the agents' feedback gave.
struct FeedbackOutcome {
    var logged = 0
    var answered = 0
    var helpful = 0
    /// Messages whose recorded intent differs from the predicted one (wrong answers and hand-offs the agent
    /// labelled).
    var corrected = 0
}

/// Serves `texts` through `predictor` from raw text (one batch call), logs every answer in `log` under a request id
/// with the text as its feature, then records the feedback as the request's ground truth: the intent the
/// conversation turned out to be — confirmed when the assistant answered and the customer found it helpful,
/// corrected by the agent when it answered wrongly (the customer said "not helpful" and was passed on) or handed
/// off. `labels` are the true intents the simulation uses in place of the customers and agents.
func serveAndCollectFeedback(
    predictor: Predictor, texts: [String], labels: [Int32], intents: [String], policy: HandoffPolicy,
    log: PredictionLog, requestPrefix: String
) throws -> FeedbackOutcome {
    var outcome = FeedbackOutcome()
    let answers = predictor.predict(texts: texts)
    for (row, answer) in answers.enumerated() {
        let prediction = try answer.get()
        let predicted = Int32(prediction.classIndex ?? 0)
        let confidence = prediction.probability ?? 0
        let handedOff = policy.handsOff(predicted: predicted, confidence: confidence)
        let requestId = "\(requestPrefix)-\(row)"
        try log.append(
            PredictionRecord(
                requestId: requestId, modelVersion: prediction.modelVersion,
                features: ["text": .string(texts[row]), "handed_off": .string(handedOff ? "yes" : "no")],
                prediction: (prediction.probabilities ?? []).map(Double.init), predictedLabel: prediction.label,
                latencySeconds: 0))
        outcome.logged += 1
        if !handedOff {
            outcome.answered += 1
            if predicted == labels[row] { outcome.helpful += 1 }
        }
        if predicted != labels[row] { outcome.corrected += 1 }
        try log.recordFeedback(requestId: requestId, label: .string(intents[Int(labels[row])]))
    }
    try log.synchronize()
    return outcome
}

/// The logged messages with feedback whose request id starts with `requestPrefix`, as a training split (feedback
/// naming an intent the data set does not have is left out).
func feedbackSplit(from log: PredictionLog, requestPrefix: String, intents: [String]) -> IntentSplit {
    var split = IntentSplit()
    for row in log.labelledTexts(where: { $0.requestId.hasPrefix(requestPrefix) }) {
        guard let label = intents.firstIndex(of: row.label) else { continue }
        split.texts.append(row.text)
        split.labels.append(Int32(label))
    }
    return split
}

/// A predicted intent next to the true one, the unit the gate's paired bootstrap resamples.
struct ScoredAnswer: Sendable {
    var predicted: Int32
    var truth: Int32
}

/// The share of answers whose predicted intent is the true one.
func answerAccuracy(_ answers: [ScoredAnswer], _: [Bool]) -> Double {
    Double(answers.filter { $0.predicted == $0.truth }.count) / Double(Swift.max(answers.count, 1))
}

/// The champion's and the challenger's answers on the same later messages, compared by `gate`'s paired,
/// class-stratified bootstrap of accuracy (strata: out of scope or not). The challenger may replace the champion
/// only when the decision passes: when the lower confidence bound of its accuracy lift is above the gate's minimum.
func compareOnLaterTraffic(
    champion: Predictor, challenger: Predictor, texts: [String], labels: [Int32], outOfScope: Int32,
    gate: ChallengerGate
) throws -> ChallengerGate.Decision {
    func answers(_ predictor: Predictor) throws -> [ScoredAnswer] {
        try zip(predictor.predict(texts: texts), labels).map { answer, truth in
            ScoredAnswer(predicted: Int32(try answer.get().classIndex ?? -1), truth: truth)
        }
    }
    return try gate.evaluate(
        championPredictions: try answers(champion), challengerPredictions: try answers(challenger),
        labels: labels.map { $0 == outOfScope }, score: answerAccuracy)
}
