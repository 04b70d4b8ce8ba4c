import Foundation

/// Holds model versions, points aliases (`production`, `candidate`, any name) at them, and swaps them safely.
///
/// - **Readiness**: a version is ready only after ``register(_:version:warmUp:)`` ran its warm-up successfully;
///   only ready versions can be promoted or served.
/// - **Hot swap**: ``promote(_:to:)`` repoints an alias in one step; requests that already hold the old version
///   (through ``withModel(alias:isolation:_:)``) finish on it, and `promote` returns only after the last of them has
///   finished (when no other alias still uses the old version).
/// - **Rollback**: ``rollback(_:)`` returns an alias to the version it had before its last promotion; every alias
///   keeps a stack of its earlier versions and a log of changes (``history(of:)``).
public actor ModelRegistry<Model: Sendable> {
    /// Prepares a freshly registered model to serve (for example runs a few dummy predictions); throwing marks the
    /// version as failed.
    public typealias WarmUp = @Sendable (Model) async throws -> Void

    private struct Entry {
        let model: Model
        let version: ModelVersion
        var readiness: ModelReadiness
    }

    private var entries: [String: Entry] = [:]
    private var aliasTargets: [String: String] = [:]
    private var earlierVersions: [String: [String]] = [:]
    private var changes: [AliasChange] = []
    private var leases: [String: Int] = [:]
    private var drainWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    private let now: @Sendable () -> Date

    /// Creates an empty registry.
    /// - Parameter now: the clock used to date alias changes (injectable for tests).
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// Registers a model version and warms it up; the version becomes ready when the warm-up succeeds.
    /// - Parameters:
    ///   - model: the model (an immutable, shareable predictor).
    ///   - version: its description; `version.id` must be new.
    ///   - warmUp: run once before the version reports ready (`nil`: ready at once).
    /// - Throws: ``RegistryError/duplicateVersion(_:)`` when the id is taken;
    ///   ``RegistryError/warmUpFailed(version:reason:)`` when the warm-up throws (the version stays registered with
    ///   readiness ``ModelReadiness/failed(_:)`` so that it can be inspected, and must be unregistered to reuse its id).
    public func register(_ model: Model, version: ModelVersion, warmUp: WarmUp? = nil) async throws(RegistryError) {
        guard entries[version.id] == nil else { throw .duplicateVersion(version.id) }
        entries[version.id] = Entry(model: model, version: version, readiness: warmUp == nil ? .ready : .warmingUp)
        guard let warmUp else { return }
        let outcome: ModelReadiness
        do {
            try await warmUp(model)
            outcome = .ready
        } catch {
            outcome = .failed(String(describing: error))
        }
        entries[version.id]?.readiness = outcome
        if case .failed(let reason) = outcome { throw .warmUpFailed(version: version.id, reason: reason) }
    }

    /// Removes a version. Earlier-version stacks forget it; the call returns after the last request using it ended.
    /// - Parameter versionId: the version to remove.
    /// - Throws: ``RegistryError/unknownVersion(_:)``, or ``RegistryError/versionInUse(version:aliases:)`` when an
    ///   alias still points to it.
    public func unregister(_ versionId: String) async throws(RegistryError) {
        guard entries[versionId] != nil else { throw .unknownVersion(versionId) }
        let users = aliases(pointingTo: versionId)
        guard users.isEmpty else { throw .versionInUse(version: versionId, aliases: users) }
        entries[versionId] = nil
        for alias in earlierVersions.keys { earlierVersions[alias]?.removeAll { $0 == versionId } }
        await waitUntilDrained(versionId)
    }

    /// Points `alias` at a ready version in one atomic step, remembering the previous version for rollback.
    /// - Parameters:
    ///   - versionId: the version to serve under `alias`.
    ///   - alias: the alias to repoint (created when new).
    /// - Returns: the version the alias pointed to before, if any.
    /// - Throws: ``RegistryError/unknownVersion(_:)`` or ``RegistryError/notReady(version:)``.
    @discardableResult
    public func promote(_ versionId: String, to alias: String) async throws(RegistryError) -> ModelVersion? {
        guard let entry = entries[versionId] else { throw .unknownVersion(versionId) }
        guard entry.readiness == .ready else { throw .notReady(version: versionId) }
        let previousId = aliasTargets[alias]
        guard previousId != versionId else { return entry.version }
        let previous = previousId.flatMap { entries[$0]?.version }
        aliasTargets[alias] = versionId
        if let previousId { earlierVersions[alias, default: []].append(previousId) }
        changes.append(
            AliasChange(alias: alias, fromVersion: previousId, toVersion: versionId, kind: .promote, date: now()))
        if let previousId { await drainIfUnused(previousId) }
        return previous
    }

    /// Returns `alias` to the version it pointed to before its last promotion.
    /// - Parameter alias: the alias to roll back.
    /// - Returns: the version the alias serves now.
    /// - Throws: ``RegistryError/unknownAlias(_:)``, ``RegistryError/noPreviousVersion(alias:)`` (no earlier
    ///   version, or all earlier ones were unregistered), or ``RegistryError/notReady(version:)``.
    @discardableResult
    public func rollback(_ alias: String) async throws(RegistryError) -> ModelVersion {
        guard let currentId = aliasTargets[alias] else { throw .unknownAlias(alias) }
        guard let previousId = earlierVersions[alias]?.last, let entry = entries[previousId] else {
            throw .noPreviousVersion(alias: alias)
        }
        guard entry.readiness == .ready else { throw .notReady(version: previousId) }
        earlierVersions[alias]?.removeLast()
        aliasTargets[alias] = previousId
        changes.append(
            AliasChange(alias: alias, fromVersion: currentId, toVersion: previousId, kind: .rollback, date: now()))
        await drainIfUnused(currentId)
        return entry.version
    }

    /// Runs `body` with the model that `alias` points to now, holding a lease so that a hot swap waits for it.
    /// - Parameters:
    ///   - alias: the alias to serve from.
    ///   - isolation: the caller's actor (inferred; `body` runs there).
    ///   - body: the work to do with the model and its version.
    /// - Returns: whatever `body` returns.
    /// - Throws: ``RegistryError/unknownAlias(_:)``, ``RegistryError/notReady(version:)``, or what `body` throws.
    public func withModel<Result>(
        alias: String, isolation: isolated (any Actor)? = #isolation,
        _ body: (Model, ModelVersion) async throws -> Result
    ) async throws -> Result {
        let (model, version) = try await acquireLease(alias: alias)
        do {
            let result = try await body(model, version)
            await releaseLease(version.id)
            return result
        } catch {
            await releaseLease(version.id)
            throw error
        }
    }

    /// The version `alias` points to.
    /// - Parameter alias: the alias to look up.
    /// - Returns: its current version.
    /// - Throws: ``RegistryError/unknownAlias(_:)``.
    public func resolve(_ alias: String) throws(RegistryError) -> ModelVersion {
        guard let id = aliasTargets[alias], let entry = entries[id] else { throw .unknownAlias(alias) }
        return entry.version
    }

    /// Whether `alias` exists and points to a version whose warm-up has succeeded.
    /// - Parameter alias: the alias to check.
    /// - Returns: `true` when requests on `alias` can be served.
    public func isReady(_ alias: String) -> Bool {
        guard let id = aliasTargets[alias], let entry = entries[id] else { return false }
        return entry.readiness == .ready
    }

    /// The readiness of one registered version.
    /// - Parameter versionId: the version to check.
    /// - Returns: warming up, ready, or failed.
    /// - Throws: ``RegistryError/unknownVersion(_:)``.
    public func readiness(of versionId: String) throws(RegistryError) -> ModelReadiness {
        guard let entry = entries[versionId] else { throw .unknownVersion(versionId) }
        return entry.readiness
    }

    /// Every registered version, oldest first.
    public var versions: [ModelVersion] {
        entries.values.map(\.version).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Every alias and the version id it points to.
    public var aliases: [String: String] { aliasTargets }

    /// The changes (promotions and rollbacks) of one alias, oldest first.
    /// - Parameter alias: the alias whose history to return.
    /// - Returns: its changes; empty for an unknown alias.
    public func history(of alias: String) -> [AliasChange] {
        changes.filter { $0.alias == alias }
    }

    /// How many requests hold a lease on a version right now.
    /// - Parameter versionId: the version to check.
    /// - Returns: the number of running ``withModel(alias:isolation:_:)`` bodies using it.
    public func inFlightCount(of versionId: String) -> Int { leases[versionId, default: 0] }

    private func aliases(pointingTo versionId: String) -> [String] {
        aliasTargets.filter { $0.value == versionId }.map(\.key).sorted()
    }

    private func acquireLease(alias: String) throws(RegistryError) -> (Model, ModelVersion) {
        guard let id = aliasTargets[alias], let entry = entries[id] else { throw .unknownAlias(alias) }
        guard entry.readiness == .ready else { throw .notReady(version: id) }
        leases[id, default: 0] += 1
        return (entry.model, entry.version)
    }

    private func releaseLease(_ versionId: String) {
        let remaining = leases[versionId, default: 0] - 1
        precondition(remaining >= 0, "ModelRegistry.releaseLease: more releases than leases for '\(versionId)'")
        leases[versionId] = remaining == 0 ? nil : remaining
        if remaining == 0, let waiters = drainWaiters.removeValue(forKey: versionId) {
            for waiter in waiters { waiter.resume() }
        }
    }

    private func drainIfUnused(_ versionId: String) async {
        guard aliases(pointingTo: versionId).isEmpty else { return }
        await waitUntilDrained(versionId)
    }

    private func waitUntilDrained(_ versionId: String) async {
        guard leases[versionId, default: 0] > 0 else { return }
        await withCheckedContinuation { continuation in
            drainWaiters[versionId, default: []].append(continuation)
        }
    }
}
