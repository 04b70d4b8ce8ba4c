import LeptonDeploy

/// The dynamic batchers of version-pinned requests (`/v2/models/{name}/versions/{version}/infer`): one per version,
/// created on the first pinned request for it, with the server's batching knobs, so that pinned traffic is batched
/// and bounded (queue full → 429, deadline → 504) exactly like traffic to the rollout arms.
///
/// At most ``capacity`` batchers exist at once; beyond that the least recently used one is evicted (its waiting
/// requests are flushed and answered; a later request for its version creates a new one). ``shutdown()`` stops
/// accepting, flushes every batcher and waits until every accepted pinned request is answered.
///
/// Metrics, in the model's registry: `lepton_pinned_requests_total{version,outcome}`,
/// `lepton_pinned_batch_size{version}`, `lepton_pinned_queue_wait_seconds{version}` and
/// `lepton_pinned_compute_seconds{version}`.
public final class PinnedVersionBatchers<Model: ServableModel>: Sendable {
    /// The batcher type of one version.
    public typealias Batcher = DynamicBatcher<Model.Request, VersionedAnswer<Model.Response>>

    /// The most batchers kept at once.
    public let capacity: Int
    private let configuration: DynamicBatcherConfiguration
    private let registry: ModelRegistry<Model>
    private let executor: InferenceExecutor
    private let alias: @Sendable (String) -> String
    private let requests: MetricCounter
    private let batchSize: MetricHistogram
    private let queueWait: MetricHistogram
    private let computeTime: MetricHistogram

    private struct Entry {
        var batcher: Batcher
        var lastUse: UInt64
    }

    private struct State {
        var accepting = true
        var inFlight = 0
        var tick: UInt64 = 0
        var batchers: [String: Entry] = [:]
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = PthreadMutex(State())

    /// Creates the (empty) set of pinned batchers of one model.
    /// - Parameters:
    ///   - registry: the model's versions.
    ///   - alias: the registry alias under which a version id is reachable.
    ///   - configuration: the batching knobs of every pinned batcher.
    ///   - metrics: where to register the pinned-traffic metrics.
    ///   - capacity: the most batchers kept at once (at least 1).
    ///   - executor: where the model computes.
    /// - Throws: ``ServingError/invalidConfiguration(setting:reason:)`` for bad knobs or capacity.
    public init(
        registry: ModelRegistry<Model>, alias: @escaping @Sendable (String) -> String,
        configuration: DynamicBatcherConfiguration, metrics: MetricsRegistry, capacity: Int = 16,
        executor: InferenceExecutor = .shared
    ) throws(ServingError) {
        try configuration.validate()
        guard capacity >= 1 else {
            throw .invalidConfiguration(setting: "pinnedBatchers", reason: "must be at least 1, got \(capacity)")
        }
        self.registry = registry
        self.alias = alias
        self.configuration = configuration
        self.capacity = capacity
        self.executor = executor
        requests = metrics.counter(
            "lepton_pinned_requests_total", help: "Version-pinned requests by version and batcher outcome.",
            labelNames: ["version", "outcome"])
        batchSize = metrics.histogram(
            "lepton_pinned_batch_size", help: "Items per batch of version-pinned requests.",
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], labelNames: ["version"])
        let latencyBuckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]
        queueWait = metrics.histogram(
            "lepton_pinned_queue_wait_seconds", help: "Time version-pinned requests waited in their batcher.",
            buckets: latencyBuckets, labelNames: ["version"])
        computeTime = metrics.histogram(
            "lepton_pinned_compute_seconds", help: "Time the model took per batch of version-pinned requests.",
            buckets: latencyBuckets, labelNames: ["version"])
    }

    /// Answers one request on a version through that version's batcher.
    /// - Parameters:
    ///   - request: the request.
    ///   - versionId: the version (must be registered; the caller checks it exists).
    ///   - priority: the queue priority.
    ///   - deadline: when the answer stops being useful.
    /// - Returns: the answer and the version that produced it.
    /// - Throws: ``ServingError`` (queue full, deadline exceeded, shutting down), ``RegistryError``, or the model's
    ///   error for this request.
    public func respond(
        to request: Model.Request, version versionId: String, priority: RequestPriority,
        deadline: ContinuousClock.Instant?
    ) async throws -> VersionedAnswer<Model.Response> {
        let batcher = try acquire(versionId)
        defer { finishOne() }
        return try await batcher.submit(request, priority: priority, deadline: deadline)
    }

    /// The statistics of a version's batcher, or `nil` when it has none now.
    /// - Parameter versionId: the version.
    /// - Returns: queue length, batches run, outcomes.
    public func statistics(of versionId: String) async -> BatcherStatistics? {
        guard let batcher = state.withLock({ $0.batchers[versionId]?.batcher }) else { return nil }
        return await batcher.statistics
    }

    /// The versions that have a batcher now.
    public var versions: [String] { state.withLock { $0.batchers.keys.sorted() } }

    /// Stops accepting requests (new ones get ``ServingError/shuttingDown``), flushes every batcher and waits until
    /// every accepted request is answered.
    public func shutdown() async {
        let batchers = state.withLock { state in
            state.accepting = false
            return state.batchers.values.map(\.batcher)
        }
        for batcher in batchers { await batcher.drain() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                if state.inFlight == 0 { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// The batcher of a version (created when missing, evicting the least recently used one beyond capacity), with
    /// the request counted in flight.
    private func acquire(_ versionId: String) throws(ServingError) -> Batcher {
        let (batcher, evicted) = try state.withLock { state throws(ServingError) -> (Batcher, Batcher?) in
            guard state.accepting else { throw .shuttingDown }
            state.tick &+= 1
            state.inFlight += 1
            if var entry = state.batchers[versionId] {
                entry.lastUse = state.tick
                state.batchers[versionId] = entry
                return (entry.batcher, nil)
            }
            var evicted: Batcher?
            if state.batchers.count >= capacity,
                let oldest = state.batchers.min(by: { $0.value.lastUse < $1.value.lastUse })
            {
                evicted = oldest.value.batcher
                state.batchers[oldest.key] = nil
            }
            let batcher: Batcher
            do throws(ServingError) {
                batcher = try makeBatcher(versionId)
            } catch {
                state.inFlight -= 1
                throw error
            }
            state.batchers[versionId] = Entry(batcher: batcher, lastUse: state.tick)
            return (batcher, evicted)
        }
        if let evicted { Task { await evicted.drain() } }
        return batcher
    }

    private func makeBatcher(_ versionId: String) throws(ServingError) -> Batcher {
        let registry = self.registry
        let executor = self.executor
        let alias = self.alias(versionId)
        let labels = ["version": versionId]
        let requests = self.requests
        let batchSize = self.batchSize
        let queueWait = self.queueWait
        let computeTime = self.computeTime
        return try Batcher(
            configuration: configuration,
            observer: { event in
                switch event {
                case .requestConcluded(let outcome):
                    requests.increment(labels: ["version": versionId, "outcome": outcome.rawValue])
                case .batchFinished(let report):
                    batchSize.observe(Double(report.size), labels: labels)
                    computeTime.observe(report.computeTime, labels: labels)
                    for wait in report.queueWaits { queueWait.observe(wait, labels: labels) }
                }
            },
            batchFunction: { inputs in
                do {
                    return try await registry.withModel(alias: alias) { model, version in
                        let results = await executor.run { model.respond(to: inputs) }
                        return results.map { result in
                            result.map { VersionedAnswer(response: $0, version: version) }
                        }
                    }
                } catch {
                    return inputs.map { _ in .failure(error) }
                }
            })
    }

    private func finishOne() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
