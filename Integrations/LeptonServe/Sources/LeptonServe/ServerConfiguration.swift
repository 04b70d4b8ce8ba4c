import Foundation
import LeptonDeploy

/// The settings of a Lepton inference server: batching knobs (Triton-style), request limits and the repository.
public struct ServerConfiguration: Sendable {
    /// The directory of `.lepton` bundles: `NAME.lepton` is model `NAME`; `NAME/*.lepton` are versions of `NAME`.
    public var modelRepository: URL
    /// The largest number of rows run in one model call.
    public var maxBatchSize: Int
    /// How long the oldest waiting row may wait for a batch to fill.
    public var maxQueueDelay: Duration
    /// The largest number of waiting rows per model and arm; beyond it requests get 429 with `Retry-After`.
    public var maxQueueSize: Int
    /// The deadline of requests that set none (`nil`: no deadline); a request past it gets 504.
    public var defaultTimeout: Duration?
    /// The largest accepted request body in bytes; larger bodies get 413.
    public var maxBodyBytes: Int
    /// The most rows one inference request may carry.
    public var maxRowsPerRequest: Int
    /// Where to persist each model's prediction log (`<dir>/<model>/`), or `nil` to keep it in memory.
    public var predictionLogDirectory: URL?
    /// How many predictions each model's log keeps in memory for feedback.
    public var predictionLogCapacity: Int
    /// Whether to load every model of the repository at start-up (otherwise only through the load endpoint).
    public var loadAllAtStartup: Bool
    /// How long readiness reports false before the server stops accepting connections on SIGTERM.
    public var drainDelay: Duration
    /// Whether a partial batch starts at once when the model is idle (otherwise it waits `maxQueueDelay`).
    public var dispatchWhenIdle: Bool = true
    /// The most version-pinned batchers kept per model (least recently used evicted beyond it).
    public var maxPinnedBatchers: Int = 16

    /// Creates a configuration.
    /// - Parameters:
    ///   - modelRepository: the bundle directory.
    ///   - maxBatchSize: rows per model call (at least 1).
    ///   - maxQueueDelay: the batching delay.
    ///   - maxQueueSize: waiting rows per model and arm before 429.
    ///   - defaultTimeout: the deadline of requests without one.
    ///   - maxBodyBytes: the request body limit.
    ///   - maxRowsPerRequest: rows per request.
    ///   - predictionLogDirectory: where prediction logs are persisted.
    ///   - predictionLogCapacity: predictions kept in memory per model.
    ///   - loadAllAtStartup: whether to load the whole repository at start-up.
    ///   - drainDelay: how long readiness is false before connections close on SIGTERM.
    public init(
        modelRepository: URL, maxBatchSize: Int = 32, maxQueueDelay: Duration = .milliseconds(2),
        maxQueueSize: Int = 1024, defaultTimeout: Duration? = nil, maxBodyBytes: Int = 8 << 20,
        maxRowsPerRequest: Int = 1024, predictionLogDirectory: URL? = nil, predictionLogCapacity: Int = 100_000,
        loadAllAtStartup: Bool = true, drainDelay: Duration = .zero
    ) {
        self.modelRepository = modelRepository
        self.maxBatchSize = maxBatchSize
        self.maxQueueDelay = maxQueueDelay
        self.maxQueueSize = maxQueueSize
        self.defaultTimeout = defaultTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxRowsPerRequest = maxRowsPerRequest
        self.predictionLogDirectory = predictionLogDirectory
        self.predictionLogCapacity = predictionLogCapacity
        self.loadAllAtStartup = loadAllAtStartup
        self.drainDelay = drainDelay
    }

    /// The batcher settings of every model.
    public var batching: DynamicBatcherConfiguration {
        DynamicBatcherConfiguration(
            maxBatchSize: maxBatchSize, maxQueueDelay: maxQueueDelay, queueCapacity: maxQueueSize,
            defaultTimeout: defaultTimeout, dispatchWhenIdle: dispatchWhenIdle)
    }

    /// Checks every setting.
    /// - Throws: ``ServeError`` (400) naming the first bad setting.
    public func validate() throws {
        try batching.validate()
        guard maxPinnedBatchers >= 1 else { throw ServeError.badRequest("max pinned batchers must be at least 1") }
        guard maxBodyBytes >= 1 else { throw ServeError.badRequest("max body bytes must be at least 1") }
        guard maxRowsPerRequest >= 1 else { throw ServeError.badRequest("max rows per request must be at least 1") }
        guard predictionLogCapacity >= 1 else {
            throw ServeError.badRequest("prediction log capacity must be at least 1")
        }
    }
}
