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

/// Drives a challenger through shadow traffic, a canary and promotion on a ``ModelService``, rolling back when
/// the router's thresholds are breached at any phase.
///
/// Between the calls the caller sends traffic (production does); each phase is judged on the numbers the router
/// collected during it.
public final class RolloutController<Model: ServableModel>: Sendable {
    /// The service whose traffic is split.
    public let service: ModelService<Model>
    /// The exposure plan.
    public let plan: RolloutPlan

    /// Creates a controller.
    ///
    /// - Parameters:
    ///   - service: The service.
    ///   - plan: The exposure plan.
    public init(service: ModelService<Model>, plan: RolloutPlan = .init()) {
        self.service = service
        self.plan = plan
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
    /// - Throws: ``ServingError`` for an invalid plan.
    public func beginCanary() throws -> Bool {
        if !service.router.isRolledBack { service.router.evaluate() }
        guard !service.router.isRolledBack else { return false }
        try service.router.setMode(
            .canary(challengerPercent: plan.canaryPercent), reason: "canary at \(plan.canaryPercent)%")
        return true
    }

    /// Judges the canary: promotes the challenger to production if it held up, else leaves production as it was.
    /// Traffic goes back to the production version alone either way.
    ///
    /// - Returns: Whether the challenger was promoted, and the router's decisions during the rollout.
    /// - Throws: ``RegistryError`` if the promotion fails; ``ServingError`` if the mode cannot be reset.
    public func conclude() async throws -> (promoted: Bool, notes: [String]) {
        if !service.router.isRolledBack { service.router.evaluate() }
        let promoted = !service.router.isRolledBack
        if promoted {
            let challenger = try await service.registry.resolve(service.challengerAlias)
            _ = try await service.registry.promote(challenger.id, to: service.championAlias)
        }
        let notes = service.router.decisions.map(\.summary)
        try service.router.setMode(.championOnly, reason: promoted ? "challenger promoted" : "challenger rolled back")
        return (promoted, notes)
    }
}
