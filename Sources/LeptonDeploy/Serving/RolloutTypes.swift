import Foundation

/// One side of a rollout experiment.
public enum RouterArm: String, Codable, Sendable, CaseIterable {
    /// The version serving production now.
    case champion
    /// The version being tried.
    case challenger
}

/// How a ``TrafficRouter`` splits traffic between champion and challenger.
public enum RoutingMode: Codable, Sendable, Equatable {
    /// Everything goes to the champion (also the state after an automatic rollback).
    case championOnly
    /// Each request independently goes to the challenger with probability `challengerPercent` / 100.
    case canary(challengerPercent: Double)
    /// Requests go to the challenger when the stable hash of `salt:key` falls in the first `challengerPercent` of
    /// 10,000 buckets, so one key always sees the same arm, in every process.
    case stickyAB(challengerPercent: Double, salt: String)
    /// Every request is served by the champion; `samplePercent` of them are also run on the challenger, whose
    /// answers are only compared, never returned.
    case shadow(samplePercent: Double)
}

/// What to do with one request.
public struct RouteDecision: Sendable, Equatable {
    /// The arm whose answer is returned to the caller.
    public var serve: RouterArm
    /// Whether to also run the challenger on a copy of the request (shadow traffic), compare, and discard.
    public var shadowChallenger: Bool
}

/// When a challenger is judged worse than the champion and rolled back automatically.
///
/// The challenger is judged once it has at least ``minimumRequests`` observations (and the champion too, for the
/// comparisons that need champion numbers), then again every ``evaluationInterval`` challenger observations. Any
/// single breach rolls it back.
public struct RollbackThresholds: Codable, Sendable, Equatable {
    /// Observations an arm needs before it is judged.
    public var minimumRequests: Int
    /// Judge again after this many further challenger observations.
    public var evaluationInterval: Int
    /// Largest allowed challenger error rate minus champion error rate (absolute, e.g. 0.01 = one point).
    public var maxErrorRateIncrease: Double
    /// Largest allowed ratio of challenger p99 latency to champion p99 latency.
    public var maxP99LatencyRatio: Double
    /// Largest allowed drop of the challenger's mean quality score below the baseline.
    public var maxQualityDrop: Double
    /// The quality baseline when the champion has no quality scores (e.g. 1 for shadow agreement); when the
    /// champion has scores, their mean is the baseline.
    public var qualityBaseline: Double?

    /// Creates thresholds.
    /// - Parameters:
    ///   - minimumRequests: observations needed before judging (≥ 1).
    ///   - evaluationInterval: challenger observations between judgements (≥ 1).
    ///   - maxErrorRateIncrease: allowed error-rate increase.
    ///   - maxP99LatencyRatio: allowed p99 ratio.
    ///   - maxQualityDrop: allowed quality drop.
    ///   - qualityBaseline: baseline quality when the champion has none.
    public init(
        minimumRequests: Int = 200, evaluationInterval: Int = 20, maxErrorRateIncrease: Double = 0.01,
        maxP99LatencyRatio: Double = 1.5, maxQualityDrop: Double = 0.02, qualityBaseline: Double? = nil
    ) {
        precondition(
            minimumRequests >= 1 && evaluationInterval >= 1,
            "RollbackThresholds: minimumRequests and evaluationInterval must be ≥ 1")
        self.minimumRequests = minimumRequests
        self.evaluationInterval = evaluationInterval
        self.maxErrorRateIncrease = maxErrorRateIncrease
        self.maxP99LatencyRatio = maxP99LatencyRatio
        self.maxQualityDrop = maxQualityDrop
        self.qualityBaseline = qualityBaseline
    }

    private enum CodingKeys: String, CodingKey {
        case minimumRequests, evaluationInterval, maxErrorRateIncrease, maxP99LatencyRatio, maxQualityDrop
        case qualityBaseline
    }

    /// Reads thresholds from a configuration file and validates them, so that a bad file is a decoding error
    /// instead of a trap later (`evaluationInterval: 0` would divide by zero).
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` naming the invalid setting (counts below 1; NaN, negative limits).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func invalid(_ key: CodingKeys, _ reason: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: reason)
        }
        let minimumRequests = try container.decode(Int.self, forKey: .minimumRequests)
        guard minimumRequests >= 1 else { throw invalid(.minimumRequests, "must be ≥ 1, got \(minimumRequests)") }
        let evaluationInterval = try container.decode(Int.self, forKey: .evaluationInterval)
        guard evaluationInterval >= 1 else {
            throw invalid(.evaluationInterval, "must be ≥ 1, got \(evaluationInterval)")
        }
        var limits: [Double] = []
        for key in [CodingKeys.maxErrorRateIncrease, .maxP99LatencyRatio, .maxQualityDrop] {
            let value = try container.decode(Double.self, forKey: key)
            guard !value.isNaN, value >= 0 else { throw invalid(key, "must be a number ≥ 0, got \(value)") }
            limits.append(value)
        }
        let qualityBaseline = try container.decodeIfPresent(Double.self, forKey: .qualityBaseline)
        if let qualityBaseline, !qualityBaseline.isFinite {
            throw invalid(.qualityBaseline, "must be finite, got \(qualityBaseline)")
        }
        self.init(
            minimumRequests: minimumRequests, evaluationInterval: evaluationInterval, maxErrorRateIncrease: limits[0],
            maxP99LatencyRatio: limits[1], maxQualityDrop: limits[2], qualityBaseline: qualityBaseline)
    }
}

/// The numbers of one arm at the moment of a decision.
public struct ArmSnapshot: Codable, Sendable, Equatable {
    /// Observations recorded since the current mode started.
    public var requests: Int
    /// Observations that failed.
    public var errors: Int
    /// `errors / requests` (0 with no requests).
    public var errorRate: Double
    /// The p99 latency in seconds over the latest observations (nearest rank), if any.
    public var p99LatencySeconds: Double?
    /// The mean quality score, if any score was recorded.
    public var meanQuality: Double?
    /// How many quality scores were recorded.
    public var qualityCount: Int
}

/// One entry of a router's decision log: what was decided, when, and on which numbers.
public struct RouterDecisionRecord: Codable, Sendable, Equatable {
    /// The kind of decision.
    public enum Kind: String, Codable, Sendable {
        /// The routing mode was set (a new experiment started; counters were reset).
        case modeChanged
        /// The challenger passed its first judgement.
        case challengerHealthy
        /// An explicit evaluation found no breach.
        case evaluatedHealthy
        /// The challenger breached a threshold and traffic went back to the champion.
        case rolledBack
    }

    /// When the decision was made.
    public var date: Date
    /// What was decided.
    public var kind: Kind
    /// The routing mode in force after the decision.
    public var mode: RoutingMode
    /// A one-line explanation.
    public var summary: String
    /// The thresholds that were breached (empty unless rolled back).
    public var breaches: [String]
    /// The champion's numbers at the time.
    public var champion: ArmSnapshot
    /// The challenger's numbers at the time.
    public var challenger: ArmSnapshot
}
