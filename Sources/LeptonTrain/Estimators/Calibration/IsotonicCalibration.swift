/// Isotonic calibration: the non-decreasing step function of the score that best fits the outcomes in squared
/// error, found by pool-adjacent-violators, with linear interpolation between the fitted scores and clipping
/// outside them (scikit-learn's `IsotonicRegression(out_of_bounds="clip")` as `CalibratedClassifierCV` uses it).
public struct IsotonicCalibration: Codable, Sendable, Hashable {
    /// The distinct training scores, ascending.
    public private(set) var thresholds: [Double] = []
    /// The fitted probability at each threshold (non-decreasing).
    public private(set) var values: [Double] = []

    /// Creates an unfitted calibrator.
    public init() {}

    /// Fits the step function.
    ///
    /// - Parameters:
    ///   - scores: Decision values or uncalibrated probabilities, finite.
    ///   - positives: Whether each sample is positive.
    /// - Throws: ``EstimatorError`` for mismatched lengths, non-finite scores, or no samples.
    public mutating func fit(scores: [Double], positives: [Bool]) throws {
        try PlattScaling.validate(scores: scores, positives: positives)
        fit(scores: scores, targets: positives.map { $0 ? 1 : 0 })
    }

    /// Fits a non-decreasing function of `scores` to real targets (pool-adjacent-violators).
    mutating func fit(scores: [Double], targets: [Double]) {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        // Equal scores first become one point with the mean target and their count as weight.
        var xs: [Double] = []
        var means: [Double] = []
        var weights: [Double] = []
        for index in order {
            if let last = xs.last, last == scores[index] {
                let weight = weights[weights.count - 1]
                means[means.count - 1] = (means[means.count - 1] * weight + targets[index]) / (weight + 1)
                weights[weights.count - 1] = weight + 1
            } else {
                xs.append(scores[index])
                means.append(targets[index])
                weights.append(1)
            }
        }
        // Pool adjacent violators: blocks of consecutive points with their weighted mean.
        var blockValues: [Double] = []
        var blockWeights: [Double] = []
        var blockEnds: [Int] = []
        for index in xs.indices {
            blockValues.append(means[index])
            blockWeights.append(weights[index])
            blockEnds.append(index)
            while blockValues.count > 1 && blockValues[blockValues.count - 2] > blockValues[blockValues.count - 1] {
                let (value, weight) = (blockValues.removeLast(), blockWeights.removeLast())
                let end = blockEnds.removeLast()
                let last = blockValues.count - 1
                let total = blockWeights[last] + weight
                blockValues[last] = (blockValues[last] * blockWeights[last] + value * weight) / total
                blockWeights[last] = total
                blockEnds[last] = end
            }
        }
        var fitted = [Double](repeating: 0, count: xs.count)
        var start = 0
        for (value, end) in zip(blockValues, blockEnds) {
            for index in start...end { fitted[index] = value }
            start = end + 1
        }
        thresholds = xs
        values = fitted
    }

    /// The calibrated probability of each score: linear interpolation between thresholds, clipped at the ends.
    ///
    /// - Parameter scores: Scores of the same kind as in fitting.
    /// - Returns: One probability per score.
    /// - Throws: ``EstimatorError/notFitted(estimator:)`` before fitting; ``EstimatorError/nonFiniteFeature(row:column:value:)``
    ///   for a NaN or infinite score.
    public func probabilities(_ scores: [Double]) throws -> [Double] {
        guard let first = thresholds.first, let last = thresholds.last else {
            throw EstimatorError.notFitted(estimator: "IsotonicCalibration")
        }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw EstimatorError.nonFiniteFeature(row: bad, column: 0, value: Float(scores[bad]))
        }
        return scores.map { score in
            if score <= first { return values[0] }
            if score >= last { return values[values.count - 1] }
            var low = 0
            var high = thresholds.count - 1
            while high - low > 1 {
                let middle = (low + high) / 2
                if thresholds[middle] <= score { low = middle } else { high = middle }
            }
            let fraction = (score - thresholds[low]) / (thresholds[high] - thresholds[low])
            return values[low] + fraction * (values[high] - values[low])
        }
    }
}
