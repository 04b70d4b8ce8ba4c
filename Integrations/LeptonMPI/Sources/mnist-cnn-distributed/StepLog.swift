import Foundation
import Lepton

/// Prints each step's global batch loss (on the leading rank) and stops the run after a number of steps.
///
/// The trainer reports the running mean loss of the epoch over global samples; the step's own loss is recovered
/// from two consecutive running sums (in double precision, so the recovery adds no visible error).
final class StepLog: Callback {
    let globalBatch: Int
    let epochSamples: Int
    let stepLimit: Int
    let prints: Bool
    private(set) var steps = 0
    private var previousSum = 0.0
    private var previousSeen = 0

    init(globalBatch: Int, epochSamples: Int, stepLimit: Int, prints: Bool) {
        self.globalBatch = globalBatch
        self.epochSamples = epochSamples
        self.stepLimit = stepLimit
        self.prints = prints
    }

    func epochWillBegin(_ epoch: Int, state: TrainingState) throws {
        previousSum = 0
        previousSeen = 0
    }

    func batchDidEnd(_ batch: Int, logs: [String: Double], state: TrainingState) throws {
        let seen = Swift.min((batch + 1) * globalBatch, epochSamples)
        let sum = (logs["loss"] ?? .nan) * Double(seen)
        steps += 1
        let loss = (sum - previousSum) / Double(Swift.max(seen - previousSeen, 1))
        if prints { print(String(format: "step %d loss %.9g", steps, loss)) }
        previousSum = sum
        previousSeen = seen
        if stepLimit > 0 && steps >= stepLimit { state.stopTraining = true }
    }
}
