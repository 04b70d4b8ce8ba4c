/// When the assistant answers itself: the predicted intent is not out of scope and its probability reaches the
/// threshold; otherwise it hands the customer to a person.
struct HandoffPolicy {
    let threshold: Float
    let outOfScope: Int32

    /// Test-time results of the policy.
    struct Outcome {
        var answered = 0
        var answeredCorrect = 0
        var handoffRate = 0.0
        /// The share of truly out-of-scope messages handed off (predicted out of scope or below the threshold).
        var outOfScopeRecall = 0.0
        /// The share of truly out-of-scope messages the classifier itself labels out of scope.
        var outOfScopeClassRecall = 0.0
        var answeredAccuracy: Double { answered == 0 ? 0 : Double(answeredCorrect) / Double(answered) }
    }

    func handsOff(predicted: Int32, confidence: Float) -> Bool {
        predicted == outOfScope || confidence < threshold
    }

    func evaluate(_ probabilities: [[Float]], labels: [Int32]) -> Outcome {
        var outcome = Outcome()
        var (outOfScopeCount, outOfScopeHandedOff, outOfScopePredicted, handedOff) = (0, 0, 0, 0)
        for (row, label) in zip(probabilities, labels) {
            let (predicted, confidence) = top(row)
            let handOff = handsOff(predicted: predicted, confidence: confidence)
            if handOff {
                handedOff += 1
            } else {
                outcome.answered += 1
                if predicted == label { outcome.answeredCorrect += 1 }
            }
            if label == outOfScope {
                outOfScopeCount += 1
                if handOff { outOfScopeHandedOff += 1 }
                if predicted == outOfScope { outOfScopePredicted += 1 }
            }
        }
        outcome.handoffRate = Double(handedOff) / Double(Swift.max(labels.count, 1))
        outcome.outOfScopeRecall = Double(outOfScopeHandedOff) / Double(Swift.max(outOfScopeCount, 1))
        outcome.outOfScopeClassRecall = Double(outOfScopePredicted) / Double(Swift.max(outOfScopeCount, 1))
        return outcome
    }

    /// The lowest threshold on the grid 0, 0.01, …, 0.99 whose answered validation messages are at least
    /// `targetPrecision` correct (an out-of-scope message answered counts as wrong); 1 (hand off everything) when
    /// none is.
    static func choose(_ probabilities: [[Float]], labels: [Int32], outOfScope: Int32, targetPrecision: Double)
        -> Float
    {
        for step in 0..<100 {
            let threshold = Float(step) / 100
            let outcome = HandoffPolicy(threshold: threshold, outOfScope: outOfScope).evaluate(
                probabilities, labels: labels)
            if outcome.answered > 0, outcome.answeredAccuracy >= targetPrecision { return threshold }
        }
        return 1
    }
}

/// The most probable class and its probability.
func top(_ probabilities: [Float]) -> (Int32, Float) {
    var best = 0
    for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
    return (Int32(best), probabilities.isEmpty ? 0 : probabilities[best])
}

/// The share of rows whose most probable class is the label.
func accuracy(_ probabilities: [[Float]], _ labels: [Int32]) -> Double {
    let correct = zip(probabilities, labels).filter { top($0.0).0 == $0.1 }.count
    return Double(correct) / Double(Swift.max(labels.count, 1))
}
