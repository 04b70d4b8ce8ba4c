import Foundation

/// One registered version of a model: its identity, what it is, when it was made and where it came from.
public struct ModelVersion: Codable, Sendable, Hashable, Identifiable {
    /// The unique version id, for example `"credit-2025-06-01.3"`.
    public var id: String
    /// Descriptive metadata (task, architecture, owner, semantic version…), free-form keys.
    public var metadata: [String: String]
    /// Evaluation metrics recorded for this version (for example `["auc": 0.81]`).
    public var metrics: [String: Double]
    /// When the version was created.
    public var createdAt: Date
    /// Where the version came from.
    public var lineage: ModelLineage

    /// Creates a version description.
    /// - Parameters:
    ///   - id: the unique version id.
    ///   - metadata: descriptive metadata.
    ///   - metrics: evaluation metrics.
    ///   - createdAt: the creation time (default: now).
    ///   - lineage: parent version, data window, cause and notes.
    public init(
        id: String, metadata: [String: String] = [:], metrics: [String: Double] = [:], createdAt: Date = Date(),
        lineage: ModelLineage = ModelLineage()
    ) {
        self.id = id
        self.metadata = metadata
        self.metrics = metrics
        self.createdAt = createdAt
        self.lineage = lineage
    }
}

/// The history of a model version: which version it replaces, which data trained it, and why it was made.
public struct ModelLineage: Codable, Sendable, Hashable {
    /// The version this one was derived from or retrained to replace, if any.
    public var parentVersion: String?
    /// The time span of the logged traffic and feedback it was trained on, if known.
    public var dataWindow: DateInterval?
    /// What caused this version: an alert id (see ``AlertEvent/id``), `"schedule"`, `"manual"`…
    public var cause: String?
    /// Free-form notes.
    public var notes: String

    /// Creates a lineage record.
    /// - Parameters:
    ///   - parentVersion: the version this one derives from.
    ///   - dataWindow: the time span of the training data.
    ///   - cause: the alert id or reason that triggered it.
    ///   - notes: free-form notes.
    public init(parentVersion: String? = nil, dataWindow: DateInterval? = nil, cause: String? = nil, notes: String = "")
    {
        self.parentVersion = parentVersion
        self.dataWindow = dataWindow
        self.cause = cause
        self.notes = notes
    }
}

/// Whether a registered version can serve.
public enum ModelReadiness: Sendable, Equatable {
    /// Registered; its warm-up is still running.
    case warmingUp
    /// Warm-up finished successfully; the version can serve.
    case ready
    /// Warm-up failed with the given message; the version cannot be promoted.
    case failed(String)
}

/// One change of an alias, kept in the registry's history.
public struct AliasChange: Codable, Sendable, Equatable {
    /// How the alias changed.
    public enum Kind: String, Codable, Sendable {
        /// A version was promoted to the alias.
        case promote
        /// The alias went back to its previous version.
        case rollback
    }

    /// The alias that changed.
    public var alias: String
    /// The version it pointed to before (`nil` when the alias was new).
    public var fromVersion: String?
    /// The version it points to after.
    public var toVersion: String
    /// Promotion or rollback.
    public var kind: Kind
    /// When the change happened.
    public var date: Date
}

/// Why a registry operation failed.
public enum RegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No version with this id is registered.
    case unknownVersion(String)
    /// No alias with this name exists.
    case unknownAlias(String)
    /// A version with this id is already registered.
    case duplicateVersion(String)
    /// The version is registered but its warm-up has not finished successfully.
    case notReady(version: String)
    /// The version's warm-up closure threw; `reason` is the error's description.
    case warmUpFailed(version: String, reason: String)
    /// The alias has no earlier version to return to.
    case noPreviousVersion(alias: String)
    /// The version cannot be unregistered while these aliases point to it.
    case versionInUse(version: String, aliases: [String])

    /// A sentence naming what went wrong.
    public var description: String {
        switch self {
        case .unknownVersion(let id): return "no model version '\(id)' is registered"
        case .unknownAlias(let alias): return "no alias '\(alias)' exists"
        case .duplicateVersion(let id): return "a model version '\(id)' is already registered"
        case .notReady(let id): return "model version '\(id)' is not ready (its warm-up has not succeeded)"
        case .warmUpFailed(let id, let reason): return "warm-up of model version '\(id)' failed: \(reason)"
        case .noPreviousVersion(let alias): return "alias '\(alias)' has no previous version to roll back to"
        case .versionInUse(let id, let aliases):
            return "model version '\(id)' is still used by alias(es) \(aliases.joined(separator: ", "))"
        }
    }
}
