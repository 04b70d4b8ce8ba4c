import LeptonSupport

/// The checks a retrained model (the challenger) must pass against the serving model (the champion) on the same
/// fresh labelled rows before it may take traffic.
///
/// The comparison is **paired**: both models score the same rows, and the gate tests the difference of their
/// metrics on those rows, not two point estimates.
/// - ``evaluateAUC(championScores:challengerScores:positives:segments:)`` compares ROC AUCs with DeLong's test
///   (DeLong, DeLong & Clarke-Pearson 1988): the variance of the AUC difference includes the covariance of the
///   two models on the same rows, so the interval is much narrower than for two independent AUCs.
/// - ``evaluate(championPredictions:challengerPredictions:labels:segments:score:)`` compares any metric with a
///   seeded, class-stratified paired bootstrap (``bootstrapResamples`` resamples drawn with ``seed``; the rows of a
///   resample are scored by both models).
///
/// The challenger passes only when the **lower bound** of the two-sided ``confidenceLevel`` interval of the overall
/// lift is above ``minimumLift``, and, in every segment with at least ``minimumSegmentPositives`` positives and
/// ``minimumSegmentNegatives`` negatives, the lower bound of the segment's lift is at least
/// −``maximumSegmentRegression`` (a non-inferiority test: a segment must show it did not regress by more than the
/// margin; small segments are reported but not judged). A NaN anywhere fails: comparisons are written so that
/// NaN is never "above" a threshold.
public struct ChallengerGate: Sendable, Codable, Equatable {
    /// The overall lift the lower confidence bound must exceed (for example 0.01 AUC; 0 asks only for evidence
    /// of any improvement).
    public var minimumLift: Double
    /// The largest drop any judged segment may show at its lower confidence bound.
    public var maximumSegmentRegression: Double
    /// The fewest positives a segment needs to be judged.
    public var minimumSegmentPositives: Int
    /// The fewest negatives a segment needs to be judged.
    public var minimumSegmentNegatives: Int
    /// The level of the two-sided confidence intervals (0.95: each bound is a one-sided 97.5% bound).
    public var confidenceLevel: Double
    /// Whether a larger score is better (AUC, accuracy) or worse (log loss, error); used by the bootstrap path
    /// (AUC is always higher-is-better).
    public var higherIsBetter: Bool
    /// Bootstrap resamples for ``evaluate(championPredictions:challengerPredictions:labels:segments:score:)``.
    public var bootstrapResamples: Int
    /// The seed of the bootstrap draws (same seed, same rows: same decision).
    public var seed: UInt64

    /// Creates a gate.
    ///
    /// - Parameters:
    ///   - minimumLift: The overall lift the lower confidence bound must exceed.
    ///   - maximumSegmentRegression: The largest drop a judged segment may show at its lower bound (≥ 0).
    ///   - minimumSegmentPositives: Positives a segment needs to be judged (≥ 1).
    ///   - minimumSegmentNegatives: Negatives a segment needs to be judged (≥ 1).
    ///   - confidenceLevel: The two-sided interval level, in (0, 1).
    ///   - higherIsBetter: The bootstrap metric's direction.
    ///   - bootstrapResamples: Resamples of the bootstrap path (≥ 100).
    ///   - seed: The bootstrap seed.
    /// - Throws: ``ChallengerGateError/invalidConfiguration(setting:reason:)`` for a value out of range.
    public init(
        minimumLift: Double = 0.01, maximumSegmentRegression: Double = 0.02, minimumSegmentPositives: Int = 30,
        minimumSegmentNegatives: Int = 30, confidenceLevel: Double = 0.95, higherIsBetter: Bool = true,
        bootstrapResamples: Int = 1000, seed: UInt64 = 0x6A7E
    ) throws(ChallengerGateError) {
        self.minimumLift = minimumLift
        self.maximumSegmentRegression = maximumSegmentRegression
        self.minimumSegmentPositives = minimumSegmentPositives
        self.minimumSegmentNegatives = minimumSegmentNegatives
        self.confidenceLevel = confidenceLevel
        self.higherIsBetter = higherIsBetter
        self.bootstrapResamples = bootstrapResamples
        self.seed = seed
        try validate()
    }

    private enum CodingKeys: String, CodingKey {
        case minimumLift, maximumSegmentRegression, minimumSegmentPositives, minimumSegmentNegatives
        case confidenceLevel, higherIsBetter, bootstrapResamples, seed
    }

    /// Reads a gate; missing settings take their defaults, and every setting is validated.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` naming the invalid setting.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        minimumLift = try container.decodeIfPresent(Double.self, forKey: .minimumLift) ?? 0.01
        maximumSegmentRegression =
            try container.decodeIfPresent(Double.self, forKey: .maximumSegmentRegression) ?? 0.02
        minimumSegmentPositives = try container.decodeIfPresent(Int.self, forKey: .minimumSegmentPositives) ?? 30
        minimumSegmentNegatives = try container.decodeIfPresent(Int.self, forKey: .minimumSegmentNegatives) ?? 30
        confidenceLevel = try container.decodeIfPresent(Double.self, forKey: .confidenceLevel) ?? 0.95
        higherIsBetter = try container.decodeIfPresent(Bool.self, forKey: .higherIsBetter) ?? true
        bootstrapResamples = try container.decodeIfPresent(Int.self, forKey: .bootstrapResamples) ?? 1000
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0x6A7E
        do {
            try validate()
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    private func validate() throws(ChallengerGateError) {
        guard minimumLift.isFinite else {
            throw .invalidConfiguration(setting: "minimumLift", reason: "must be finite, got \(minimumLift)")
        }
        guard maximumSegmentRegression.isFinite, maximumSegmentRegression >= 0 else {
            throw .invalidConfiguration(
                setting: "maximumSegmentRegression", reason: "must be finite and ≥ 0, got \(maximumSegmentRegression)")
        }
        guard minimumSegmentPositives >= 1, minimumSegmentNegatives >= 1 else {
            throw .invalidConfiguration(
                setting: "minimumSegmentPositives/minimumSegmentNegatives",
                reason: "must be ≥ 1, got \(minimumSegmentPositives) and \(minimumSegmentNegatives)")
        }
        guard confidenceLevel > 0, confidenceLevel < 1 else {
            throw .invalidConfiguration(setting: "confidenceLevel", reason: "must be in (0, 1), got \(confidenceLevel)")
        }
        guard bootstrapResamples >= 100 else {
            throw .invalidConfiguration(
                setting: "bootstrapResamples", reason: "must be ≥ 100, got \(bootstrapResamples)")
        }
    }

    /// One comparison of the two models.
    public struct Comparison: Sendable, Codable, Equatable {
        /// "overall" or the segment's name.
        public var name: String
        /// Rows compared.
        public var count: Int
        /// Positive rows among them.
        public var positives: Int
        /// Negative rows among them.
        public var negatives: Int
        /// The champion's score (`nil` when it cannot be computed, e.g. a single-class segment).
        public var champion: Double?
        /// The challenger's score.
        public var challenger: Double?
        /// Challenger minus champion, signed so that positive is better.
        public var improvement: Double?
        /// The lower bound of the confidence interval of ``improvement`` (`nil` when not computed).
        public var lowerBound: Double?
        /// The upper bound of the confidence interval of ``improvement``.
        public var upperBound: Double?
        /// Whether this comparison was judged (overall always; a segment when it has enough of both classes).
        public var judged: Bool
    }

    /// The gate's verdict with its numbers.
    public struct Decision: Sendable, Codable, Equatable {
        /// Whether the challenger may proceed to shadow and canary traffic.
        public var passed: Bool
        /// The overall comparison, then one per segment (sorted by name).
        public var comparisons: [Comparison]
        /// Why it failed (empty when it passed).
        public var reasons: [String]
        /// The two-sided level of the intervals.
        public var confidenceLevel: Double
        /// How the intervals were computed ("DeLong" or "paired bootstrap (N resamples)").
        public var method: String

        /// The overall comparison.
        public var overall: Comparison { comparisons[0] }
    }

    /// Compares the ROC AUCs of the two models on the same labelled rows with DeLong's paired test.
    ///
    /// - Parameters:
    ///   - championScores: The champion's score per row (larger = more likely positive).
    ///   - challengerScores: The challenger's score per row.
    ///   - positives: Whether each row is positive.
    ///   - segments: The segment of each row (for example an age band), or `nil`.
    /// - Returns: The decision with each comparison's confidence interval.
    /// - Throws: ``ChallengerGateError`` for empty or mismatched input, non-finite scores, or a single class overall.
    public func evaluateAUC(
        championScores: [Double], challengerScores: [Double], positives: [Bool], segments: [String]? = nil
    ) throws(ChallengerGateError) -> Decision {
        try checkLengths(championScores.count, challengerScores.count, labels: positives.count, segments: segments)
        let z = NormalQuantile.of(0.5 + confidenceLevel / 2)
        func compare(_ name: String, _ rows: [Int], isOverall: Bool) throws(ChallengerGateError) -> Comparison {
            let labels = rows.map { positives[$0] }
            let positiveCount = labels.lazy.filter { $0 }.count
            var comparison = Comparison(
                name: name, count: rows.count, positives: positiveCount, negatives: rows.count - positiveCount,
                champion: nil, challenger: nil, improvement: nil, lowerBound: nil, upperBound: nil,
                judged: isOverall || isJudged(positives: positiveCount, negatives: rows.count - positiveCount))
            let components: DeLongComponents
            do {
                components = try DeLongComponents(
                    scores: [rows.map { championScores[$0] }, rows.map { challengerScores[$0] }], positives: labels,
                    names: ["champion scores", "challenger scores"])
            } catch .singleClass where !isOverall {
                return comparison
            }
            let difference = components.auc(1) - components.auc(0)
            let variance = components.covariance(0, 0) + components.covariance(1, 1) - 2 * components.covariance(0, 1)
            let halfWidth = z * Swift.max(variance, 0).squareRoot()
            comparison.champion = components.auc(0)
            comparison.challenger = components.auc(1)
            comparison.improvement = difference
            comparison.lowerBound = difference - halfWidth
            comparison.upperBound = difference + halfWidth
            return comparison
        }
        var comparisons = [try compare("overall", Array(positives.indices), isOverall: true)]
        if let segments {
            let groups = Dictionary(grouping: positives.indices, by: { segments[$0] })
            for name in groups.keys.sorted() {
                comparisons.append(try compare(name, groups[name] ?? [], isOverall: false))
            }
        }
        return decide(comparisons, method: "DeLong")
    }

    /// Compares any metric of the two models on the same labelled rows with a seeded, class-stratified paired
    /// bootstrap: each resample draws positives and negatives with replacement (keeping their counts) and scores
    /// both models on the drawn rows; the interval is the percentile interval of the differences.
    ///
    /// - Parameters:
    ///   - championPredictions: The champion's prediction per row.
    ///   - challengerPredictions: The challenger's prediction per row.
    ///   - labels: Whether each row is positive.
    ///   - segments: The segment of each row, or `nil`.
    ///   - score: The metric of predictions against labels (a NaN result fails the gate).
    /// - Returns: The decision with each comparison's confidence interval.
    /// - Throws: ``ChallengerGateError`` for empty or mismatched input or a single class overall.
    public func evaluate<Prediction>(
        championPredictions: [Prediction], challengerPredictions: [Prediction], labels: [Bool],
        segments: [String]? = nil, score: ([Prediction], [Bool]) -> Double
    ) throws(ChallengerGateError) -> Decision {
        try checkLengths(
            championPredictions.count, challengerPredictions.count, labels: labels.count, segments: segments)
        let overallPositives = labels.lazy.filter { $0 }.count
        guard overallPositives > 0, overallPositives < labels.count else {
            throw .singleClass(positives: overallPositives, negatives: labels.count - overallPositives)
        }
        var random = SplitMix64(seed: seed)
        let sign = higherIsBetter ? 1.0 : -1.0
        func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
        func compare(_ name: String, _ rows: [Int], isOverall: Bool) -> Comparison {
            let positiveRows = rows.filter { labels[$0] }
            let negativeRows = rows.filter { !labels[$0] }
            func scores(_ sample: [Int]) -> (Double, Double) {
                let sampleLabels = sample.map { labels[$0] }
                return (
                    score(sample.map { championPredictions[$0] }, sampleLabels),
                    score(sample.map { challengerPredictions[$0] }, sampleLabels)
                )
            }
            let (championScore, challengerScore) = scores(rows)
            var comparison = Comparison(
                name: name, count: rows.count, positives: positiveRows.count, negatives: negativeRows.count,
                champion: finite(championScore), challenger: finite(challengerScore),
                improvement: finite(sign * (challengerScore - championScore)), lowerBound: nil, upperBound: nil,
                judged: isOverall || isJudged(positives: positiveRows.count, negatives: negativeRows.count))
            guard comparison.judged, comparison.improvement != nil else { return comparison }
            var differences: [Double] = []
            differences.reserveCapacity(bootstrapResamples)
            var sample: [Int] = []
            sample.reserveCapacity(rows.count)
            for _ in 0..<bootstrapResamples {
                sample.removeAll(keepingCapacity: true)
                for _ in positiveRows.indices {
                    sample.append(positiveRows[Int(random.next() % UInt64(positiveRows.count))])
                }
                for _ in negativeRows.indices {
                    sample.append(negativeRows[Int(random.next() % UInt64(negativeRows.count))])
                }
                let (champion, challenger) = scores(sample)
                let difference = sign * (challenger - champion)
                guard difference.isFinite else { return comparison }
                differences.append(difference)
            }
            differences.sort()
            let tail = (1 - confidenceLevel) / 2
            comparison.lowerBound = Quantile.linear(sorted: differences, tail)
            comparison.upperBound = Quantile.linear(sorted: differences, 1 - tail)
            return comparison
        }
        var comparisons = [compare("overall", Array(labels.indices), isOverall: true)]
        if let segments {
            let groups = Dictionary(grouping: labels.indices, by: { segments[$0] })
            for name in groups.keys.sorted() { comparisons.append(compare(name, groups[name] ?? [], isOverall: false)) }
        }
        return decide(comparisons, method: "paired bootstrap (\(bootstrapResamples) resamples)")
    }

    private func isJudged(positives: Int, negatives: Int) -> Bool {
        positives >= minimumSegmentPositives && negatives >= minimumSegmentNegatives
    }

    private func checkLengths(_ champion: Int, _ challenger: Int, labels: Int, segments: [String]?)
        throws(ChallengerGateError)
    {
        guard labels > 0 else { throw .emptyInput }
        guard champion == labels else {
            throw .lengthMismatch(what: "champion predictions", expected: labels, actual: champion)
        }
        guard challenger == labels else {
            throw .lengthMismatch(what: "challenger predictions", expected: labels, actual: challenger)
        }
        if let segments, segments.count != labels {
            throw .lengthMismatch(what: "segments", expected: labels, actual: segments.count)
        }
    }

    /// Applies the rules to computed comparisons. Every check is written `!(bound > limit)` so that NaN or a
    /// missing bound fails.
    private func decide(_ comparisons: [Comparison], method: String) -> Decision {
        var reasons: [String] = []
        let overall = comparisons[0]
        if let lower = overall.lowerBound, lower > minimumLift {
        } else {
            reasons.append(
                "overall lift \(Self.format(overall.improvement)) has lower \(Self.format(confidenceLevel * 100))% bound "
                    + "\(Self.format(overall.lowerBound)), not above the required \(Self.format(minimumLift))")
        }
        for comparison in comparisons.dropFirst() where comparison.judged {
            if let lower = comparison.lowerBound, lower >= -maximumSegmentRegression {
            } else {
                reasons.append(
                    "segment \(comparison.name): lift \(Self.format(comparison.improvement)) has lower bound "
                        + "\(Self.format(comparison.lowerBound)), below the allowed −\(Self.format(maximumSegmentRegression))"
                )
            }
        }
        return Decision(
            passed: reasons.isEmpty, comparisons: comparisons, reasons: reasons, confidenceLevel: confidenceLevel,
            method: method)
    }
    static func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return (value * 10_000).rounded() == 0 ? "0" : String((value * 10_000).rounded() / 10_000)
    }
}
