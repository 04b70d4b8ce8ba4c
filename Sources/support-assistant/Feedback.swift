import Foundation
import Lepton

/// Logs every test message the assistant answered in a ``PredictionLog`` under a request id, then records simulated
/// "was this helpful?" feedback for it (helpful iff the answered intent was right) as the request's ground truth,
/// so that the feedback loop of LeptonDeploy can join and retrain on it.
func simulateFeedback(
    texts: [String], probabilities: [[Float]], labels: [Int32], intents: [String], policy: HandoffPolicy,
    modelVersion: String, directory: URL?
) throws -> (logged: Int, helpful: Int, labelled: Int) {
    let log = try PredictionLog(directory: directory)
    var (logged, helpful) = (0, 0)
    // A fresh prefix per run, so that runs appending to one persisted log never reuse a request id.
    let run = UUID().uuidString.prefix(8).lowercased()
    for (row, text) in texts.enumerated() {
        let (predicted, confidence) = top(probabilities[row])
        if policy.handsOff(predicted: predicted, confidence: confidence) { continue }
        let requestId = "\(run)-test-\(row)"
        try log.append(
            PredictionRecord(
                requestId: requestId, modelVersion: modelVersion, features: ["text": .categorical(text)],
                prediction: probabilities[row].map(Double.init), predictedLabel: intents[Int(predicted)],
                latencySeconds: 0))
        logged += 1
        let wasHelpful = predicted == labels[row]
        if wasHelpful { helpful += 1 }
        try log.recordFeedback(requestId: requestId, label: .categorical(wasHelpful ? "helpful" : "not_helpful"))
    }
    try log.synchronize()
    return (logged, helpful, log.records.filter { $0.groundTruth != nil && $0.requestId.hasPrefix(run) }.count)
}
