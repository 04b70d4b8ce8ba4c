import Foundation
import LeptonKernels
import LeptonSupport

/// Decides which model version answers each request during a rollout, watches both arms, and rolls the
/// challenger back automatically when it regresses. It only decides and records; the caller runs the models
/// (and, after a rollback, may also repoint its ``ModelRegistry`` alias).
///
/// ```swift
/// let router = TrafficRouter(mode: .canary(challengerPercent: 5))
/// let route = router.route(key: userId)
/// // … run route.serve (and the challenger too when route.shadowChallenger) …
/// if let rollback = router.record(arm: route.serve, latency: elapsed, succeeded: ok) {
///     try await registry.rollback("production")   // rollback.breaches says why
/// }
/// ```
/// Thread-safe: many requests may route and record at once.
public final class TrafficRouter: Sendable {
    private struct ArmTally {
        var requests = 0
        var errors = 0
        var qualitySum = 0.0
        var qualityCount = 0
        var latencies: SampleWindow

        func snapshot() -> ArmSnapshot {
            let sorted = latencies.values(since: nil).sorted()
            return ArmSnapshot(
                requests: requests, errors: errors, errorRate: requests == 0 ? 0 : Double(errors) / Double(requests),
                p99LatencySeconds: sorted.isEmpty ? nil : nearestRankPercentile(sorted, 0.99),
                meanQuality: qualityCount == 0 ? nil : qualitySum / Double(qualityCount), qualityCount: qualityCount)
        }
    }

    private struct State {
        var mode: RoutingMode
        var rolledBack = false
        var reportedHealthy = false
        var random: SplitMix64
        var tallies: [RouterArm: ArmTally]
        var decisions: [RouterDecisionRecord] = []
    }

    /// The thresholds that trigger an automatic rollback.
    public let thresholds: RollbackThresholds
    private let latencyWindow: Int
    private let maxLoggedDecisions: Int
    private let now: @Sendable () -> Date
    private let clock = ContinuousClock()
    private let state: PthreadMutex<State>

    /// Creates a router.
    /// - Parameters:
    ///   - mode: how to split traffic at first.
    ///   - thresholds: when to roll the challenger back.
    ///   - latencyWindow: how many recent latencies per arm the p99 is computed over.
    ///   - maxLoggedDecisions: how many decisions the log keeps (oldest dropped first).
    ///   - seed: the seed of the canary and shadow-sampling draws.
    ///   - now: the clock used to date decisions (injectable for tests).
    /// - Throws: ``ServingError/invalidConfiguration(setting:reason:)`` when the mode's percentage is outside 0…100,
    ///   or `latencyWindow` or `maxLoggedDecisions` is below 1.
    public init(
        mode: RoutingMode = .championOnly, thresholds: RollbackThresholds = RollbackThresholds(),
        latencyWindow: Int = 2048, maxLoggedDecisions: Int = 1000, seed: UInt64 = 0x5EED,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(ServingError) {
        try Self.checkPercentages(of: mode)
        guard latencyWindow >= 1 else {
            throw .invalidConfiguration(setting: "latencyWindow", reason: "must be ≥ 1, got \(latencyWindow)")
        }
        guard maxLoggedDecisions >= 1 else {
            throw .invalidConfiguration(setting: "maxLoggedDecisions", reason: "must be ≥ 1, got \(maxLoggedDecisions)")
        }
        self.thresholds = thresholds
        self.latencyWindow = latencyWindow
        self.maxLoggedDecisions = maxLoggedDecisions
        self.now = now
        state = PthreadMutex(
            State(mode: mode, random: SplitMix64(seed: seed), tallies: Self.freshTallies(window: latencyWindow)))
        _ = state.withLock { log(.modeChanged, summary: "router started in mode \(mode)", breaches: [], in: &$0) }
    }

    /// Routes one request.
    /// - Parameter key: the request's sticky key (user or session id); used by ``RoutingMode/stickyAB(challengerPercent:salt:)``.
    ///   Without a key a sticky split falls back to a random draw.
    /// - Returns: which arm serves it and whether the challenger also runs it in shadow.
    public func route(key: String? = nil) -> RouteDecision {
        state.withLock { state in
            switch state.mode {
            case .championOnly:
                return RouteDecision(serve: .champion, shadowChallenger: false)
            case .canary(let percent):
                let toChallenger = state.random.unitInterval() * 100 < percent
                return RouteDecision(serve: toChallenger ? .challenger : .champion, shadowChallenger: false)
            case .stickyAB(let percent, let salt):
                let position: Double
                if let key {
                    position = Double(StableHash.bucket(of: key, salt: salt, bucketCount: 10_000)) / 100
                } else {
                    position = state.random.unitInterval() * 100
                }
                return RouteDecision(serve: position < percent ? .challenger : .champion, shadowChallenger: false)
            case .shadow(let percent):
                let sampled = percent >= 100 || state.random.unitInterval() * 100 < percent
                return RouteDecision(serve: .champion, shadowChallenger: sampled)
            }
        }
    }

    /// Records how one request went on one arm (for shadow traffic, record the challenger's shadow run too).
    /// - Parameters:
    ///   - arm: the arm that ran the request.
    ///   - latency: how long it took.
    ///   - succeeded: whether it produced an answer.
    ///   - quality: an optional score in the caller's units where higher is better (agreement with the champion,
    ///     realised accuracy once the label is known…).
    /// - Returns: the rollback decision when this observation made the challenger breach a threshold, else `nil`.
    @discardableResult
    public func record(arm: RouterArm, latency: Duration, succeeded: Bool, quality: Double? = nil)
        -> RouterDecisionRecord?
    {
        state.withLock { state in
            var tally = state.tallies[arm]!
            tally.requests += 1
            if !succeeded { tally.errors += 1 }
            if let quality, quality.isFinite {
                tally.qualitySum += quality
                tally.qualityCount += 1
            }
            tally.latencies.append(latency.inSeconds, at: clock.now)
            state.tallies[arm] = tally
            guard arm == .challenger, !state.rolledBack, state.mode != .championOnly else { return nil }
            let beyondMinimum = tally.requests - thresholds.minimumRequests
            guard beyondMinimum >= 0, beyondMinimum % thresholds.evaluationInterval == 0 else { return nil }
            let decision = judge(&state, explicit: false)
            return decision?.kind == .rolledBack ? decision : nil
        }
    }

    /// Judges the challenger now and logs the result, whatever the observation counts.
    /// - Returns: the decision: ``RouterDecisionRecord/Kind/rolledBack`` on a breach (traffic then goes back to the
    ///   champion), else ``RouterDecisionRecord/Kind/evaluatedHealthy``.
    @discardableResult
    public func evaluate() -> RouterDecisionRecord {
        state.withLock { state in judge(&state, explicit: true)! }
    }

    /// Starts a new phase of the rollout (for example shadow → canary → sticky A/B): sets the mode, clears both
    /// arms' numbers and the rollback flag, and logs the change.
    /// - Parameters:
    ///   - mode: the new routing mode.
    ///   - reason: why, for the decision log.
    /// - Throws: ``ServingError/invalidConfiguration(setting:reason:)`` when the mode's percentage is outside 0…100.
    public func setMode(_ mode: RoutingMode, reason: String) throws(ServingError) {
        try Self.checkPercentages(of: mode)
        state.withLock { state in
            state.mode = mode
            state.rolledBack = false
            state.reportedHealthy = false
            state.tallies = Self.freshTallies(window: latencyWindow)
            log(.modeChanged, summary: "mode set to \(mode): \(reason)", breaches: [], in: &state)
        }
    }

    /// The routing mode in force.
    public var mode: RoutingMode { state.withLock { $0.mode } }

    /// Whether the challenger was rolled back automatically since the mode was last set.
    public var isRolledBack: Bool { state.withLock { $0.rolledBack } }

    /// The decision log, oldest first.
    public var decisions: [RouterDecisionRecord] { state.withLock { $0.decisions } }

    /// The current numbers of one arm.
    /// - Parameter arm: the arm.
    /// - Returns: its counts, error rate, p99 and mean quality since the mode was last set.
    public func snapshot(of arm: RouterArm) -> ArmSnapshot { state.withLock { $0.tallies[arm]!.snapshot() } }

    /// Compares the arms; rolls back on a breach. Returns `nil` for an automatic judgement that cannot be made yet
    /// or that passes after the first pass was already logged.
    private func judge(_ state: inout State, explicit: Bool) -> RouterDecisionRecord? {
        let champion = state.tallies[.champion]!.snapshot()
        let challenger = state.tallies[.challenger]!.snapshot()
        let championJudged = champion.requests >= thresholds.minimumRequests
        var breaches: [String] = []
        if championJudged || explicit {
            let allowed = champion.errorRate + thresholds.maxErrorRateIncrease
            if challenger.errorRate > allowed {
                breaches.append(
                    "error rate \(format(challenger.errorRate)) > champion \(format(champion.errorRate)) + "
                        + "\(format(thresholds.maxErrorRateIncrease))")
            }
            if let fast = champion.p99LatencySeconds, let slow = challenger.p99LatencySeconds,
                slow > fast * thresholds.maxP99LatencyRatio
            {
                breaches.append(
                    "p99 latency \(format(slow)) s > \(format(thresholds.maxP99LatencyRatio)) × champion \(format(fast)) s"
                )
            }
        }
        let baseline = champion.meanQuality ?? thresholds.qualityBaseline
        if let baseline, let quality = challenger.meanQuality, baseline - quality > thresholds.maxQualityDrop {
            breaches.append(
                "mean quality \(format(quality)) < baseline \(format(baseline)) − \(format(thresholds.maxQualityDrop))")
        }
        if !breaches.isEmpty {
            state.rolledBack = true
            state.mode = .championOnly
            return log(
                .rolledBack, summary: "challenger rolled back after \(challenger.requests) requests",
                breaches: breaches, in: &state, champion: champion, challenger: challenger)
        }
        if explicit {
            return log(
                .evaluatedHealthy, summary: "challenger within thresholds after \(challenger.requests) requests",
                breaches: [], in: &state, champion: champion, challenger: challenger)
        }
        guard championJudged, !state.reportedHealthy else { return nil }
        state.reportedHealthy = true
        return log(
            .challengerHealthy, summary: "challenger within thresholds after \(challenger.requests) requests",
            breaches: [], in: &state, champion: champion, challenger: challenger)
    }

    @discardableResult
    private func log(
        _ kind: RouterDecisionRecord.Kind, summary: String, breaches: [String], in state: inout State,
        champion: ArmSnapshot? = nil, challenger: ArmSnapshot? = nil
    ) -> RouterDecisionRecord {
        let record = RouterDecisionRecord(
            date: now(), kind: kind, mode: state.mode, summary: summary, breaches: breaches,
            champion: champion ?? state.tallies[.champion]!.snapshot(),
            challenger: challenger ?? state.tallies[.challenger]!.snapshot())
        state.decisions.append(record)
        if state.decisions.count > maxLoggedDecisions { state.decisions.removeFirst() }
        return record
    }

    private func format(_ value: Double) -> String { String(format: "%.4g", value) }

    private static func freshTallies(window: Int) -> [RouterArm: ArmTally] {
        [
            .champion: ArmTally(latencies: SampleWindow(capacity: window)),
            .challenger: ArmTally(latencies: SampleWindow(capacity: window)),
        ]
    }

    private static func checkPercentages(of mode: RoutingMode) throws(ServingError) {
        let percent: Double
        switch mode {
        case .championOnly: return
        case .canary(let value), .stickyAB(let value, _), .shadow(let value): percent = value
        }
        guard (0...100).contains(percent) else {
            throw .invalidConfiguration(setting: "routing mode \(mode)", reason: "percentage must be in 0…100")
        }
    }
}
