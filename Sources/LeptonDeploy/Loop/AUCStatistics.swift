import Foundation

/// ROC AUC with DeLong's variance (DeLong, DeLong & Clarke-Pearson, 1988): the AUC of one or two scorings of the
/// same labelled rows, the variance of each, and the covariance of the two, from the structural components
/// ("placement values") of every positive and every negative. Ties count one half.
///
/// Used by ``ChallengerGate`` for a paired test of two models on the same rows, and by ``RolloutController`` for an
/// unpaired comparison of the two arms of a canary (different rows, so the covariance is zero).
public struct AUCEstimate: Sendable, Codable, Equatable {
    /// The area under the ROC curve.
    public var auc: Double
    /// DeLong's estimate of the variance of ``auc``.
    public var variance: Double
    /// Positive rows.
    public var positives: Int
    /// Negative rows.
    public var negatives: Int

    /// Estimates the AUC of one scoring and its variance.
    ///
    /// - Parameters:
    ///   - scores: One score per row, larger meaning "more likely positive".
    ///   - positives: Whether each row is positive.
    /// - Throws: ``ChallengerGateError`` for empty or mismatched input, a non-finite score, or a single class.
    public init(scores: [Double], positives: [Bool]) throws(ChallengerGateError) {
        let components = try DeLongComponents(scores: [scores], positives: positives, names: ["scores"])
        self.auc = components.auc(0)
        self.variance = components.covariance(0, 0)
        self.positives = components.positiveCount
        self.negatives = components.negativeCount
    }

    /// The standard error, `sqrt(variance)`.
    public var standardError: Double { variance.squareRoot() }
}

/// The placement values of every row under each of several scorings of the same labelled rows.
struct DeLongComponents {
    /// Per scoring: for each positive, the share of negatives scored below it (ties one half).
    private(set) var positivePlacements: [[Double]] = []
    /// Per scoring: for each negative, the share of positives scored above it (ties one half).
    private(set) var negativePlacements: [[Double]] = []
    let positiveCount: Int
    let negativeCount: Int

    /// - Parameters:
    ///   - scores: One array of scores per scoring, all as long as `positives`.
    ///   - positives: The labels.
    ///   - names: A name per scoring, for the errors.
    init(scores: [[Double]], positives: [Bool], names: [String]) throws(ChallengerGateError) {
        guard !positives.isEmpty else { throw .emptyInput }
        for (index, column) in scores.enumerated() {
            guard column.count == positives.count else {
                throw .lengthMismatch(what: names[index], expected: positives.count, actual: column.count)
            }
            if let row = column.firstIndex(where: { !$0.isFinite }) {
                throw .nonFiniteScore(model: names[index], row: row)
            }
        }
        positiveCount = positives.lazy.filter { $0 }.count
        negativeCount = positives.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else {
            throw .singleClass(positives: positiveCount, negatives: negativeCount)
        }
        for column in scores {
            var positiveScores: [Double] = []
            var negativeScores: [Double] = []
            positiveScores.reserveCapacity(positiveCount)
            negativeScores.reserveCapacity(negativeCount)
            for (score, positive) in zip(column, positives) {
                if positive { positiveScores.append(score) } else { negativeScores.append(score) }
            }
            let sortedPositives = positiveScores.sorted()
            let sortedNegatives = negativeScores.sorted()
            let n = Double(negativeCount)
            let m = Double(positiveCount)
            positivePlacements.append(
                positiveScores.map { score in
                    let below = Self.countBelow(score, in: sortedNegatives)
                    let equal = Self.countBelowOrEqual(score, in: sortedNegatives) - below
                    return (Double(below) + 0.5 * Double(equal)) / n
                })
            negativePlacements.append(
                negativeScores.map { score in
                    let atMost = Self.countBelowOrEqual(score, in: sortedPositives)
                    let equal = atMost - Self.countBelow(score, in: sortedPositives)
                    return (Double(positiveCount - atMost) + 0.5 * Double(equal)) / m
                })
        }
    }

    /// The AUC of scoring `index`.
    func auc(_ index: Int) -> Double {
        positivePlacements[index].reduce(0, +) / Double(positiveCount)
    }

    /// DeLong's covariance of the AUCs of scorings `a` and `b` (the variance when `a == b`).
    func covariance(_ a: Int, _ b: Int) -> Double {
        Self.sampleCovariance(positivePlacements[a], positivePlacements[b]) / Double(positiveCount)
            + Self.sampleCovariance(negativePlacements[a], negativePlacements[b]) / Double(negativeCount)
    }

    /// The sample covariance with the `n − 1` divisor (0 for a single value).
    private static func sampleCovariance(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let meanX = x.reduce(0, +) / Double(x.count)
        let meanY = y.reduce(0, +) / Double(y.count)
        var sum = 0.0
        for (u, v) in zip(x, y) { sum += (u - meanX) * (v - meanY) }
        return sum / Double(x.count - 1)
    }

    /// The number of elements of `sorted` strictly below `value`.
    private static func countBelow(_ value: Double, in sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The number of elements of `sorted` at most `value`.
    private static func countBelowOrEqual(_ value: Double, in sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The standard normal distribution's quantile function, for confidence bounds.
enum NormalQuantile {
    /// The `p`-quantile of the standard normal distribution (Acklam's rational approximation refined by one
    /// Halley step on `erfc`, accurate to about 1e-15 for `p` in (0, 1)); NaN outside (0, 1).
    static func of(_ p: Double) -> Double {
        guard p > 0, p < 1 else { return .nan }
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
            -3.066479806614716e+01, 2.506628277459239e+00,
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
            -1.328068155288572e+01,
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
            4.374664141464968e+00, 2.938163982698783e+00,
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let x: Double
        if p < 0.02425 {
            let q = (-2 * Foundation.log(p)).squareRoot()
            x =
                (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - 0.02425 {
            let q = p - 0.5
            let r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * Foundation.log(1 - p)).squareRoot()
            x =
                -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // One Halley step: e = Φ(x) − p with Φ(x) = erfc(−x/√2)/2.
        let e = 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * Foundation.exp(x * x / 2)
        return x - u / (1 + x * u / 2)
    }
}
