import Foundation
import LeptonKernels

/// One turn of the feedback loop, as recorded for audit: what triggered it, which data trained the new
/// version, how it did at each gate, and how it ended.
public struct LoopRecord: Sendable, Codable, Equatable {
    /// How a turn ended.
    public enum Outcome: String, Sendable, Codable {
        /// The challenger failed the offline gate and was never served.
        case rejectedByGate
        /// The challenger was rolled back during shadow or canary traffic.
        case rolledBack
        /// The challenger became the production version.
        case promoted
    }

    /// When the turn started.
    public var started: Date
    /// The alert (or schedule) that triggered retraining.
    public var cause: String
    /// The time window of the logged traffic used for retraining.
    public var dataWindow: DateInterval?
    /// Labelled samples in the retraining set.
    public var trainingSamples: Int
    /// The version being served when the turn started.
    public var parentVersion: String
    /// The retrained version.
    public var challengerVersion: String
    /// The offline gate's verdict.
    public var gate: ChallengerGate.Decision
    /// The router's decisions during shadow and canary traffic (rollbacks included).
    public var rolloutNotes: [String]
    /// How the turn ended.
    public var outcome: Outcome

    /// Creates a record.
    ///
    /// - Parameters:
    ///   - started: When the turn started.
    ///   - cause: The alert or schedule that triggered it.
    ///   - dataWindow: The logged traffic window used for retraining.
    ///   - trainingSamples: Labelled samples in the retraining set.
    ///   - parentVersion: The version served when the turn started.
    ///   - challengerVersion: The retrained version.
    ///   - gate: The offline gate's verdict.
    ///   - rolloutNotes: The router's decisions during the rollout.
    ///   - outcome: How the turn ended.
    public init(
        started: Date, cause: String, dataWindow: DateInterval?, trainingSamples: Int, parentVersion: String,
        challengerVersion: String, gate: ChallengerGate.Decision, rolloutNotes: [String], outcome: Outcome
    ) {
        self.started = started
        self.cause = cause
        self.dataWindow = dataWindow
        self.trainingSamples = trainingSamples
        self.parentVersion = parentVersion
        self.challengerVersion = challengerVersion
        self.gate = gate
        self.rolloutNotes = rolloutNotes
        self.outcome = outcome
    }
}

/// The history of the feedback loop: which data window and alert produced which version, and what happened to it.
public final class LineageLog: Sendable {
    private let entries = PthreadMutex<[LoopRecord]>([])

    /// Creates an empty log.
    public init() {}

    /// Adds a record.
    ///
    /// - Parameter record: A finished turn of the loop.
    public func append(_ record: LoopRecord) {
        entries.withLock { $0.append(record) }
    }

    /// Every record, oldest first.
    public var records: [LoopRecord] { entries.withLock { $0 } }

    /// The records as JSON (for an audit file).
    ///
    /// - Throws: `EncodingError` if a record cannot be encoded.
    /// - Returns: Pretty-printed JSON.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(records)
    }
}
