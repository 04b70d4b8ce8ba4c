import Foundation
import LeptonKernels

/// How a challenger is exposed to production traffic before it is promoted.
public struct RolloutPlan: Sendable, Codable, Equatable {
    /// The share of requests also run on the challenger during the shadow phase (answers compared, never returned).
    public var shadowSamplePercent: Double
    /// The share of requests the challenger answers during the canary phase.
    public var canaryPercent: Double

    /// Creates a plan.
    ///
    /// - Parameters:
    ///   - shadowSamplePercent: Shadow share, 0…100.
    ///   - canaryPercent: Canary share, 0…100.
    public init(shadowSamplePercent: Double = 100, canaryPercent: Double = 20) {
        self.shadowSamplePercent = shadowSamplePercent
        self.canaryPercent = canaryPercent
    }
}

/// Drives a challenger through shadow traffic, a canary, promotion and a watch window on a ``ModelService``.
///
/// - Shadow agreement and the router's error and latency thresholds are leading signals: they can roll the
///   challenger back at any phase, but never promote it.
/// - Promotion rests on realised quality: ``conclude()`` reads the canary's predictions of both arms from the
///   ``PredictionLog`` (the caller logs every served answer with the version that produced it, and joins the
///   delayed labels there), and promotes only under the ``PromotionCriteria`` — a minimum of labelled outcomes,
///   then a non-inferiority test of the challenger's AUC. Too few labels is a typed refusal, never a promotion.
///   (It reads the records the log holds in memory — ``PredictionLogConfiguration/capacity``, 100,000 by default;
///   in a longer canary only the newest records count, and too few of them is a refusal.)
/// - After a promotion the old champion stays registered and ready (the registry keeps it warm), and
///   ``checkWatch()`` rolls production back to it automatically if the promoted version's realised AUC falls
///   below the champion's canary AUC by more than the margin.
public final class RolloutController<Model: ServableModel>: Sendable {
    private struct Watch {
        var since: Date
        var version: String
        var baseline: ArmEvidence
    }

    private struct State {
        var canaryStart: Date?
        var championVersion: String?
        var challengerVersion: String?
        var watch: Watch?
        var evidence: [ArmEvidence] = []
    }

    /// The service whose traffic is split.
    public let service: ModelService<Model>
    /// The exposure plan.
    public let plan: RolloutPlan
    /// What promotion requires.
    public let criteria: PromotionCriteria
    /// Where the served predictions and their delayed labels are (`nil`: no evidence, so no promotion).
    public let log: PredictionLog?
    private let outcome: @Sendable (PredictionRecord) -> LabelledOutcome?
    private let now: @Sendable () -> Date
    private let state = PthreadMutex(State())

    /// Creates a controller.
    ///
    /// - Parameters:
    ///   - service: The service.
    ///   - plan: The exposure plan.
    ///   - log: The prediction log holding the served predictions (with `modelVersion` set to the answering
    ///     version) and their joined labels.
    ///   - criteria: What promotion requires.
    ///   - outcome: Reads a labelled record's score and outcome (`nil` to skip a record).
    ///   - now: The clock that dates the phases (compared with the records' timestamps).
    public init(
        service: ModelService<Model>, plan: RolloutPlan = .init(), log: PredictionLog? = nil,
        criteria: PromotionCriteria? = nil,
        outcome: @escaping @Sendable (PredictionRecord) -> LabelledOutcome? = { _ in nil },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.service = service
        self.plan = plan
        self.log = log
        // The default criteria are valid by construction.
        self.criteria = criteria ?? (try! PromotionCriteria())
        self.now = now
        self.outcome = outcome
    }

    /// Makes `version` the challenger and starts shadow traffic.
    ///
    /// - Parameter version: A registered, ready version.
    /// - Throws: ``RegistryError`` when the version is unknown or not ready; ``ServingError`` for an invalid plan.
    public func beginShadow(of version: String) async throws {
        _ = try await service.registry.promote(version, to: service.challengerAlias)
        try service.router.setMode(
            .shadow(samplePercent: plan.shadowSamplePercent), reason: "shadow traffic for \(version)")
    }

    /// Judges the shadow phase and, if the challenger held up, starts the canary.
    ///
    /// - Returns: Whether the canary started (false: the challenger was rolled back).
    /// - Throws: ``ServingError`` for an invalid plan; ``RegistryError`` if an alias is missing.
    public func beginCanary() async throws -> Bool {
        if !service.router.isRolledBack { service.router.evaluate() }
        guard !service.router.isRolledBack else { return false }
        let champion = try await service.registry.resolve(service.championAlias).id
        let challenger = try await service.registry.resolve(service.challengerAlias).id
        let start = now()
        state.withLock {
            $0.canaryStart = start
            $0.championVersion = champion
            $0.challengerVersion = challenger
        }
        try service.router.setMode(
            .canary(challengerPercent: plan.canaryPercent), reason: "canary at \(plan.canaryPercent)%")
        return true
    }

    /// The evidence of the last ``conclude()`` or ``checkWatch()`` (champion first, then challenger or the
    /// promoted version).
    public var evidence: [ArmEvidence] { state.withLock { $0.evidence } }

    /// Judges the canary on its labelled outcomes: promotes the challenger when it passes the
    /// ``PromotionCriteria``, else leaves production as it was. Traffic goes back to the production version alone
    /// either way; after a promotion the watch window starts (see ``checkWatch()``).
    ///
    /// - Returns: Whether the challenger was promoted, and the router's decisions and the evidence as notes.
    /// - Throws: ``RolloutError/insufficientEvidence(arm:labelled:positives:negatives:required:)`` when either arm
    ///   has too few labelled outcomes (the canary keeps running: log more labels and call again);
    ///   ``RolloutError/canaryNotStarted``; ``RegistryError`` if the promotion fails; ``ServingError`` if the mode
    ///   cannot be reset.
    public func conclude() async throws -> (promoted: Bool, notes: [String]) {
        if !service.router.isRolledBack { service.router.evaluate() }
        if service.router.isRolledBack {
            let notes = service.router.decisions.map(\.summary)
            try service.router.setMode(.championOnly, reason: "challenger rolled back")
            return (false, notes)
        }
        let (start, championId, challengerId) = state.withLock {
            ($0.canaryStart, $0.championVersion, $0.challengerVersion)
        }
        guard let start, let championId, let challengerId else { throw RolloutError.canaryNotStarted }
        let champion = try measure(version: championId, since: start, arm: .champion)
        let challenger = try measure(version: challengerId, since: start, arm: .challenger)
        let (lower, upper) = Self.interval(challenger, minus: champion, level: criteria.confidenceLevel)
        let promoted = lower >= -criteria.maximumRegression
        var notes = service.router.decisions.map(\.summary)
        let verdict =
            "canary AUC \(challengerId) \(ChallengerGate.format(challenger.auc)) (\(challenger.labelled) labelled) vs "
            + "\(championId) \(ChallengerGate.format(champion.auc)) (\(champion.labelled) labelled): difference "
            + "\(Self.percent(criteria.confidenceLevel)) CI [\(ChallengerGate.format(lower)), \(ChallengerGate.format(upper))]"
            + (promoted
                ? ", within the −\(ChallengerGate.format(criteria.maximumRegression)) margin"
                : ", lower bound below the −\(ChallengerGate.format(criteria.maximumRegression)) margin")
        notes.append(verdict)
        state.withLock { $0.evidence = [champion, challenger] }
        if promoted {
            _ = try await service.registry.promote(challengerId, to: service.championAlias)
            let since = now()
            state.withLock { $0.watch = Watch(since: since, version: challengerId, baseline: champion) }
        }
        state.withLock { $0.canaryStart = nil }
        try service.router.setMode(
            .championOnly, reason: promoted ? "challenger promoted" : "challenger refused: \(verdict)")
        return (promoted, notes)
    }

    /// Judges the watch window after a promotion: once the promoted version has
    /// ``PromotionCriteria/watchLabelledOutcomes`` labelled outcomes, its realised AUC is compared with the old
    /// champion's canary AUC under the same non-inferiority rule; a failure rolls production back to the old
    /// champion (still registered and ready).
    ///
    /// - Returns: Where the watch stands.
    /// - Throws: ``RegistryError`` if the rollback fails.
    public func checkWatch() async throws -> WatchStatus {
        guard let watch = state.withLock({ $0.watch }) else { return .idle }
        let current = evidence(version: watch.version, since: watch.since)
        guard current.labelled >= criteria.watchLabelledOutcomes, current.auc != nil else {
            return .collecting(labelled: current.labelled, required: criteria.watchLabelledOutcomes)
        }
        let (lower, upper) = Self.interval(current, minus: watch.baseline, level: criteria.confidenceLevel)
        state.withLock {
            $0.watch = nil
            $0.evidence = [watch.baseline, current]
        }
        if lower >= -criteria.maximumRegression { return .confirmed(current) }
        let restored = try await service.registry.rollback(service.championAlias)
        return .rolledBack(
            reason:
                "\(watch.version) realised AUC \(ChallengerGate.format(current.auc)) on \(current.labelled) labelled "
                + "outcomes vs \(watch.baseline.version) \(ChallengerGate.format(watch.baseline.auc)): difference CI "
                + "[\(ChallengerGate.format(lower)), \(ChallengerGate.format(upper))] below the "
                + "−\(ChallengerGate.format(criteria.maximumRegression)) margin; production back on \(restored.id)")
    }

    /// The labelled evidence of one version since a date, or a refusal when it is too thin.
    private func measure(version: String, since: Date, arm: RouterArm) throws(RolloutError) -> ArmEvidence {
        let evidence = evidence(version: version, since: since)
        guard evidence.auc != nil else {
            throw .insufficientEvidence(
                arm: arm, labelled: evidence.labelled, positives: evidence.positives, negatives: evidence.negatives,
                required:
                    "\(criteria.minimumLabelledOutcomes) labelled with \(criteria.minimumPositives) positive and "
                    + "\(criteria.minimumNegatives) negative")
        }
        return evidence
    }

    private func evidence(version: String, since: Date) -> ArmEvidence {
        let outcomes = (log?.records ?? []).lazy
            .filter { $0.modelVersion == version && $0.timestamp >= since && $0.groundTruth != nil }
            .compactMap(outcome)
            .filter { $0.score.isFinite }
        let scores = outcomes.map(\.score)
        let positives = outcomes.map(\.positive)
        let positiveCount = positives.lazy.filter { $0 }.count
        var evidence = ArmEvidence(
            version: version, labelled: positives.count, positives: positiveCount,
            negatives: positives.count - positiveCount, auc: nil, variance: nil)
        guard evidence.labelled >= criteria.minimumLabelledOutcomes, evidence.positives >= criteria.minimumPositives,
            evidence.negatives >= criteria.minimumNegatives,
            let estimate = try? AUCEstimate(scores: Array(scores), positives: Array(positives))
        else { return evidence }
        evidence.auc = estimate.auc
        evidence.variance = estimate.variance
        return evidence
    }

    /// The two-sided interval of `a.auc − b.auc` for independent samples (NaN bounds when either is missing).
    private static func interval(_ a: ArmEvidence, minus b: ArmEvidence, level: Double) -> (Double, Double) {
        guard let aucA = a.auc, let aucB = b.auc, let varianceA = a.variance, let varianceB = b.variance else {
            return (.nan, .nan)
        }
        let halfWidth = NormalQuantile.of(0.5 + level / 2) * (varianceA + varianceB).squareRoot()
        return (aucA - aucB - halfWidth, aucA - aucB + halfWidth)
    }

    private static func percent(_ level: Double) -> String { "\(Int((level * 100).rounded()))%" }
}
