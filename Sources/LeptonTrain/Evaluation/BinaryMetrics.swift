import Foundation

extension Evaluation {
    /// The area under the ROC curve: the probability that a random positive scores above a random negative (ties
    /// count one half). Uses ``ROCAUC/auc(scores:positives:)``.
    ///
    /// - Parameters:
    ///   - scores: Larger means more likely positive.
    ///   - positives: The truth, one per score.
    /// - Returns: The AUC in [0, 1].
    /// - Throws: ``EvaluationError`` for mismatched lengths, no samples, non-finite scores or a missing class.
    public static func rocAUC(scores: [Double], positives: [Bool]) throws -> Double {
        try checkBinary(scores, positives, measure: "ROC AUC")
        return ROCAUC.auc(scores: scores, positives: positives)
    }

    /// The Gini coefficient `2·AUC − 1` (the accuracy ratio of credit scoring).
    ///
    /// - Parameters:
    ///   - scores: Larger means more likely positive.
    ///   - positives: The truth.
    /// - Returns: The Gini in [−1, 1].
    /// - Throws: ``EvaluationError`` as ``rocAUC(scores:positives:)``.
    public static func gini(scores: [Double], positives: [Bool]) throws -> Double {
        2 * (try rocAUC(scores: scores, positives: positives)) - 1
    }

    /// Average precision, the area under the precision–recall curve as scikit-learn's `average_precision_score`:
    /// `Σₙ (Rₙ − Rₙ₋₁)·Pₙ` over the distinct score thresholds, from the highest down (a step function, no
    /// interpolation).
    ///
    /// - Parameters:
    ///   - scores: Larger means more likely positive.
    ///   - positives: The truth.
    /// - Returns: The average precision in [0, 1].
    /// - Throws: ``EvaluationError`` as ``rocAUC(scores:positives:)``.
    public static func averagePrecision(scores: [Double], positives: [Bool]) throws -> Double {
        try checkBinary(scores, positives, measure: "average precision")
        let totalPositives = Double(positives.filter { $0 }.count)
        var area = 0.0
        var previousRecall = 0.0
        for point in thresholdCounts(scores, positives) {
            let recall = point.truePositives / totalPositives
            let precision = point.truePositives / (point.truePositives + point.falsePositives)
            area += (recall - previousRecall) * precision
            previousRecall = recall
        }
        return area
    }

    /// The Kolmogorov–Smirnov statistic: the largest gap `TPR − FPR` in absolute value over all thresholds, i.e.
    /// the largest distance between the score distributions of positives and negatives (scipy's `ks_2samp`).
    ///
    /// - Parameters:
    ///   - scores: Larger means more likely positive.
    ///   - positives: The truth.
    /// - Returns: KS in [0, 1].
    /// - Throws: ``EvaluationError`` as ``rocAUC(scores:positives:)``.
    public static func ksStatistic(scores: [Double], positives: [Bool]) throws -> Double {
        try checkBinary(scores, positives, measure: "KS statistic")
        let totalPositives = Double(positives.filter { $0 }.count)
        let totalNegatives = Double(positives.count) - totalPositives
        return thresholdCounts(scores, positives).reduce(0) { largest, point in
            Swift.max(largest, Swift.abs(point.truePositives / totalPositives - point.falsePositives / totalNegatives))
        }
    }

    /// The mean binary cross-entropy `−mean(y·log p + (1 − y)·log(1 − p))`, probabilities clipped to
    /// `[ε, 1 − ε]` with ε the Double epsilon (as scikit-learn's `log_loss` for float64).
    ///
    /// - Parameters:
    ///   - probabilities: Predicted probabilities of the positive class, in [0, 1].
    ///   - positives: The truth.
    /// - Returns: The log loss (0 is perfect).
    /// - Throws: ``EvaluationError`` for mismatched lengths, no samples or probabilities outside [0, 1].
    public static func logLoss(probabilities: [Double], positives: [Bool]) throws -> Double {
        try EvaluationError.checkPaired(probabilities.count, positives.count, what: "positives")
        try EvaluationError.checkProbabilities(probabilities)
        let epsilon = Double.ulpOfOne
        let total = zip(probabilities, positives).reduce(0.0) { sum, pair in
            let p = Swift.min(Swift.max(pair.0, epsilon), 1 - epsilon)
            return sum - (pair.1 ? Foundation.log(p) : Foundation.log(1 - p))
        }
        return total / Double(probabilities.count)
    }

    /// The Brier score `mean((p − y)²)`.
    ///
    /// - Parameters:
    ///   - probabilities: Predicted probabilities of the positive class, in [0, 1].
    ///   - positives: The truth.
    /// - Returns: The score (0 is perfect).
    /// - Throws: ``EvaluationError`` for mismatched lengths, no samples or probabilities outside [0, 1].
    public static func brierScore(probabilities: [Double], positives: [Bool]) throws -> Double {
        try EvaluationError.checkPaired(probabilities.count, positives.count, what: "positives")
        try EvaluationError.checkProbabilities(probabilities)
        let total = zip(probabilities, positives).reduce(0.0) { sum, pair in
            let difference = pair.0 - (pair.1 ? 1 : 0)
            return sum + difference * difference
        }
        return total / Double(probabilities.count)
    }

    /// The 2×2 confusion matrix when scores at or above `threshold` are called positive (class 1).
    ///
    /// - Parameters:
    ///   - scores: Larger means more likely positive.
    ///   - positives: The truth.
    ///   - threshold: The smallest score called positive.
    /// - Returns: Counts `[actual][predicted]` with class 0 negative and 1 positive.
    /// - Throws: ``EvaluationError`` for mismatched lengths or no samples.
    public static func confusionMatrix(scores: [Double], positives: [Bool], threshold: Double) throws
        -> ConfusionMatrix
    {
        try EvaluationError.checkPaired(scores.count, positives.count, what: "positives")
        let matrix = ConfusionMatrix(classes: 2)
        matrix.add(actual: positives.map { $0 ? 1 : 0 }, predicted: scores.map { $0 >= threshold ? 1 : 0 })
        return matrix
    }

    /// The fraction of predictions equal to the truth.
    ///
    /// - Parameters:
    ///   - actual: True labels.
    ///   - predicted: Predicted labels, one per true label.
    /// - Returns: The accuracy in [0, 1].
    /// - Throws: ``EvaluationError`` for mismatched lengths or no samples.
    public static func accuracy(actual: [Int32], predicted: [Int32]) throws -> Double {
        try EvaluationError.checkPaired(actual.count, predicted.count, what: "predicted")
        return Double(zip(actual, predicted).filter { $0 == $1 }.count) / Double(actual.count)
    }

    /// Cumulative true and false positives when the threshold steps down through each distinct score.
    static func thresholdCounts(_ scores: [Double], _ positives: [Bool])
        -> [(truePositives: Double, falsePositives: Double)]
    {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var points: [(truePositives: Double, falsePositives: Double)] = []
        var (truePositives, falsePositives) = (0.0, 0.0)
        for (position, index) in order.enumerated() {
            if positives[index] { truePositives += 1 } else { falsePositives += 1 }
            let lastOfGroup = position + 1 == order.count || scores[order[position + 1]] != scores[index]
            if lastOfGroup { points.append((truePositives, falsePositives)) }
        }
        return points
    }

    static func checkBinary(_ scores: [Double], _ positives: [Bool], measure: String) throws {
        try EvaluationError.checkPaired(scores.count, positives.count, what: "positives")
        try EvaluationError.checkFinite(scores, what: "scores")
        let positiveCount = positives.filter { $0 }.count
        guard positiveCount > 0 && positiveCount < positives.count else {
            throw EvaluationError.needsBothClasses(measure: measure)
        }
    }
}
