import Foundation

/// Platt scaling: maps a classifier's scores to probabilities with a fitted sigmoid
/// `P(positive | f) = 1 / (1 + exp(a·f + b))`.
///
/// `a` and `b` minimise the log loss against Platt's smoothed targets — `(N₊ + 1)/(N₊ + 2)` for positives and
/// `1/(N₋ + 2)` for negatives, which keeps a separable calibration set from pushing the sigmoid to a step — by
/// Newton's method with backtracking (Lin, Lin & Weng, 2007), to a gradient below 1e-10 per sample. Same objective
/// and sign convention as scikit-learn's `CalibratedClassifierCV(method="sigmoid")`.
public struct PlattScaling: Codable, Sendable, Hashable {
    /// The slope a (negative when larger scores mean more likely positive).
    public private(set) var a = 0.0
    /// The offset b.
    public private(set) var b = 0.0
    /// Whether ``fit(scores:positives:)`` has run.
    public private(set) var isFitted = false

    /// Creates an unfitted calibrator.
    public init() {}

    /// Fits the sigmoid.
    ///
    /// - Parameters:
    ///   - scores: Decision values or uncalibrated probabilities, finite.
    ///   - positives: Whether each sample is positive.
    /// - Throws: ``EstimatorError`` for mismatched lengths, non-finite scores, or no samples.
    public mutating func fit(scores: [Double], positives: [Bool]) throws {
        try Self.validate(scores: scores, positives: positives)
        let positiveCount = Double(positives.filter { $0 }.count)
        let negativeCount = Double(positives.count) - positiveCount
        let high = (positiveCount + 1) / (positiveCount + 2)
        let low = 1 / (negativeCount + 2)
        let targets = positives.map { $0 ? high : low }
        var (slope, offset) = (0.0, Foundation.log((negativeCount + 1) / (positiveCount + 1)))
        var value = Self.loss(scores, targets, slope, offset)
        let tolerance = 1e-10 * Double(scores.count)
        for _ in 0..<100 {
            var (h11, h22, h21, g1, g2) = (1e-12, 1e-12, 0.0, 0.0, 0.0)
            for (f, t) in zip(scores, targets) {
                let p = 1 / (1 + Foundation.exp(f * slope + offset))
                let curvature = p * (1 - p)
                h11 += f * f * curvature
                h22 += curvature
                h21 += f * curvature
                g1 += f * (t - p)
                g2 += t - p
            }
            if Swift.abs(g1) < tolerance && Swift.abs(g2) < tolerance { break }
            let determinant = h11 * h22 - h21 * h21
            let deltaSlope = -(h22 * g1 - h21 * g2) / determinant
            let deltaOffset = -(-h21 * g1 + h11 * g2) / determinant
            let decrease = g1 * deltaSlope + g2 * deltaOffset
            var step = 1.0
            while step >= 1e-10 {
                let candidate = Self.loss(scores, targets, slope + step * deltaSlope, offset + step * deltaOffset)
                if candidate < value + 1e-4 * step * decrease {
                    (slope, offset, value) = (slope + step * deltaSlope, offset + step * deltaOffset, candidate)
                    break
                }
                step /= 2
            }
            if step < 1e-10 { break }
        }
        a = slope
        b = offset
        isFitted = true
    }

    /// The calibrated probability of each score.
    ///
    /// - Parameter scores: Scores of the same kind as in fitting.
    /// - Returns: `1 / (1 + exp(a·f + b))` for each.
    /// - Throws: ``EstimatorError/notFitted(estimator:)`` before fitting; ``EstimatorError/nonFiniteFeature(row:column:value:)``
    ///   for a NaN or infinite score.
    public func probabilities(_ scores: [Double]) throws -> [Double] {
        guard isFitted else { throw EstimatorError.notFitted(estimator: "PlattScaling") }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw EstimatorError.nonFiniteFeature(row: bad, column: 0, value: Float(scores[bad]))
        }
        return scores.map { 1 / (1 + Foundation.exp(a * $0 + b)) }
    }

    /// The log loss against smoothed targets, written to avoid overflow.
    private static func loss(_ scores: [Double], _ targets: [Double], _ slope: Double, _ offset: Double) -> Double {
        zip(scores, targets).reduce(0.0) { total, pair in
            let z = pair.0 * slope + offset
            let t = pair.1
            return total
                + (z >= 0
                    ? t * z + Foundation.log1p(Foundation.exp(-z)) : (t - 1) * z + Foundation.log1p(Foundation.exp(z)))
        }
    }

    static func validate(scores: [Double], positives: [Bool]) throws {
        guard scores.count == positives.count else {
            throw EstimatorError.lengthMismatch(what: "positives", expected: scores.count, actual: positives.count)
        }
        guard !scores.isEmpty else { throw EstimatorError.tooFewSamples(what: "calibration", needed: 1, actual: 0) }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw EstimatorError.nonFiniteFeature(row: bad, column: 0, value: Float(scores[bad]))
        }
    }
}
