/// The settings of a ``DynamicBatcher``.
///
/// In JSON the durations are written in seconds: `{"maxBatchSize": 32, "maxQueueDelaySeconds": 0.002,
/// "queueCapacity": 1024, "defaultTimeoutSeconds": 0.5, "maxBatchesInFlight": 2}` (`defaultTimeoutSeconds` may be
/// omitted).
public struct DynamicBatcherConfiguration: Codable, Sendable, Equatable {
    /// The largest number of items (requests) in one batch.
    public var maxBatchSize: Int
    /// How long the oldest waiting request may wait for a batch to fill before a partial batch is run.
    public var maxQueueDelay: Duration
    /// The largest number of requests that may wait in the queue; requests beyond it are rejected at once with
    /// ``ServingError/queueFull(capacity:)``. Requests already running do not count.
    public var queueCapacity: Int
    /// The deadline given to requests submitted without one (`nil`: such requests never expire).
    public var defaultTimeout: Duration?
    /// The largest number of batches running at the same time.
    public var maxBatchesInFlight: Int
    /// Whether a partial batch starts at once when no batch is running (work-conserving batching): an idle model
    /// never waits `maxQueueDelay`, and under load batches grow while the previous one runs. When false, a partial
    /// batch always waits for `maxQueueDelay` to collect more requests.
    public var dispatchWhenIdle: Bool

    /// Creates a configuration.
    /// - Parameters:
    ///   - maxBatchSize: the largest number of items in one batch (at least 1).
    ///   - maxQueueDelay: how long the oldest request may wait for a batch to fill (not negative).
    ///   - queueCapacity: the largest number of waiting requests (at least 1).
    ///   - defaultTimeout: the deadline, measured from submission, of requests submitted without one.
    ///   - maxBatchesInFlight: the largest number of batches running at once (at least 1).
    ///   - dispatchWhenIdle: whether a partial batch starts at once when no batch is running.
    public init(
        maxBatchSize: Int = 32, maxQueueDelay: Duration = .milliseconds(2), queueCapacity: Int = 1024,
        defaultTimeout: Duration? = nil, maxBatchesInFlight: Int = 2, dispatchWhenIdle: Bool = true
    ) {
        self.dispatchWhenIdle = dispatchWhenIdle
        self.maxBatchSize = maxBatchSize
        self.maxQueueDelay = maxQueueDelay
        self.queueCapacity = queueCapacity
        self.defaultTimeout = defaultTimeout
        self.maxBatchesInFlight = maxBatchesInFlight
    }

    /// Checks every setting.
    /// - Throws: ``ServingError/invalidConfiguration(setting:reason:)`` naming the first setting out of range.
    public func validate() throws(ServingError) {
        if maxBatchSize < 1 {
            throw .invalidConfiguration(setting: "maxBatchSize", reason: "must be at least 1, got \(maxBatchSize)")
        }
        if maxQueueDelay < .zero {
            throw .invalidConfiguration(setting: "maxQueueDelay", reason: "must not be negative, got \(maxQueueDelay)")
        }
        if queueCapacity < 1 {
            throw .invalidConfiguration(setting: "queueCapacity", reason: "must be at least 1, got \(queueCapacity)")
        }
        if let defaultTimeout, defaultTimeout <= .zero {
            throw .invalidConfiguration(setting: "defaultTimeout", reason: "must be positive, got \(defaultTimeout)")
        }
        if maxBatchesInFlight < 1 {
            throw .invalidConfiguration(
                setting: "maxBatchesInFlight", reason: "must be at least 1, got \(maxBatchesInFlight)")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case maxBatchSize, maxQueueDelaySeconds, queueCapacity, defaultTimeoutSeconds, maxBatchesInFlight
        case dispatchWhenIdle
    }

    /// Reads a configuration whose durations are given in seconds.
    /// - Parameter decoder: the decoder to read from.
    /// - Throws: `DecodingError` when a field is missing or has the wrong type.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxBatchSize = try container.decode(Int.self, forKey: .maxBatchSize)
        maxQueueDelay = .seconds(try container.decode(Double.self, forKey: .maxQueueDelaySeconds))
        queueCapacity = try container.decode(Int.self, forKey: .queueCapacity)
        defaultTimeout = try container.decodeIfPresent(Double.self, forKey: .defaultTimeoutSeconds).map {
            .seconds($0)
        }
        maxBatchesInFlight = try container.decode(Int.self, forKey: .maxBatchesInFlight)
        dispatchWhenIdle = try container.decodeIfPresent(Bool.self, forKey: .dispatchWhenIdle) ?? true
    }

    /// Writes the configuration with its durations in seconds.
    /// - Parameter encoder: the encoder to write to.
    /// - Throws: whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(maxBatchSize, forKey: .maxBatchSize)
        try container.encode(maxQueueDelay.inSeconds, forKey: .maxQueueDelaySeconds)
        try container.encode(queueCapacity, forKey: .queueCapacity)
        try container.encodeIfPresent(defaultTimeout?.inSeconds, forKey: .defaultTimeoutSeconds)
        try container.encode(maxBatchesInFlight, forKey: .maxBatchesInFlight)
        try container.encode(dispatchWhenIdle, forKey: .dispatchWhenIdle)
    }
}

/// What the batcher has done so far, read with ``DynamicBatcher/statistics``.
public struct BatcherStatistics: Sendable, Equatable {
    /// Requests waiting in the queue now (not yet running).
    public var queueLength: Int
    /// Batches running now.
    public var batchesInFlight: Int
    /// Batches started since the batcher was created.
    public var batchesRun: Int
    /// For each batch size, how many batches of that size were run (a histogram of batch sizes).
    public var batchSizeCounts: [Int: Int]
    /// Requests submitted since the batcher was created.
    public var requestsSubmitted: Int
    /// How many requests ended in each outcome; requests still waiting or running are in no outcome yet.
    public var outcomes: [RequestOutcome: Int]

    /// The number of requests that reached an outcome.
    public var requestsAnswered: Int { outcomes.values.reduce(0, +) }
}

/// Something the batcher reports to its observer.
public enum BatcherEvent: Sendable {
    /// A request reached its final outcome (reported exactly once per request).
    case requestConcluded(RequestOutcome)
    /// A batch finished running.
    case batchFinished(BatchReport)
}

/// A summary of one finished batch, handed to the batcher's observer (for example to feed metrics).
public struct BatchReport: Sendable {
    /// The number of items in the batch.
    public var size: Int
    /// For each item, how long it waited in the queue before the batch started.
    public var queueWaits: [Duration]
    /// How long the batch function took.
    public var computeTime: Duration
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
