/// Why the serving layer refused or could not answer a request.
public enum ServingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The batcher's queue already holds `capacity` waiting requests; the new one was rejected without waiting.
    case queueFull(capacity: Int)
    /// The request's deadline passed before it could be run; it was not run.
    case deadlineExceeded
    /// The batch function returned `actual` results for a batch of `expected` inputs, so no item of that batch
    /// could be matched to its answer.
    case batchResultCountMismatch(expected: Int, actual: Int)
    /// A configuration value is out of range (`setting` names it, `reason` says what is allowed).
    case invalidConfiguration(setting: String, reason: String)
    /// The service is shutting down and accepts no new requests (those accepted before are still answered).
    case shuttingDown

    /// A sentence naming what went wrong and with which numbers.
    public var description: String {
        switch self {
        case .queueFull(let capacity):
            return "request rejected: the queue is full (capacity \(capacity) waiting requests)"
        case .deadlineExceeded:
            return "request not run: its deadline passed while it waited in the queue"
        case .batchResultCountMismatch(let expected, let actual):
            return "the batch function returned \(actual) results for \(expected) inputs"
        case .invalidConfiguration(let setting, let reason):
            return "invalid serving configuration: \(setting) \(reason)"
        case .shuttingDown:
            return "request refused: the service is shutting down"
        }
    }
}

/// How urgently a request should be served. Higher priorities are batched first; requests of one priority keep
/// their arrival order (FIFO).
public enum RequestPriority: Int, Codable, Sendable, Comparable, CaseIterable {
    /// Background work (replays, shadow traffic) that may wait behind everything else.
    case low = 0
    /// Ordinary traffic.
    case normal = 1
    /// Latency-critical traffic, batched before all other waiting requests.
    case high = 2

    /// Orders priorities by urgency: `.low < .normal < .high`.
    public static func < (lhs: RequestPriority, rhs: RequestPriority) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What finally happened to one submitted request; every request ends in exactly one outcome.
public enum RequestOutcome: String, Codable, Sendable, CaseIterable {
    /// The batch function returned a success for it.
    case succeeded
    /// The batch function returned a failure for it (for example a malformed input).
    case failed
    /// It was refused on arrival because the queue was full.
    case rejected
    /// Its deadline passed before it was run.
    case expired
    /// Its caller was cancelled; the caller received `CancellationError` and any later result was dropped.
    case cancelled
}
