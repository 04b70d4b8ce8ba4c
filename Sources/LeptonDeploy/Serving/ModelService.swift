import Foundation
import LeptonKernels

/// A model a ``ModelService`` can serve: a batch of requests in, one result per request out, so that a bad request
/// fails alone.
public protocol ServableModel: Sendable {
    /// One request.
    associatedtype Request: Sendable
    /// One answer.
    associatedtype Response: Sendable

    /// Answers a batch; the results are in the order of the requests.
    ///
    /// - Parameter batch: The requests.
    /// - Returns: One answer or error per request.
    func respond(to batch: [Request]) -> [Result<Response, any Error>]
}

/// An answer from a ``ModelService``, with where it came from.
public struct ServedResponse<Response: Sendable>: Sendable {
    /// The model's answer.
    public var response: Response
    /// The version that produced it.
    public var version: ModelVersion
    /// The arm of the rollout that served it.
    public var arm: RouterArm
    /// Time from submission to answer, queueing included.
    public var latency: Duration
}

/// A versioned answer inside the batcher (the version is read once per batch, under the registry's lease).
struct VersionedResponse<Response: Sendable>: Sendable {
    var response: Response
    var version: ModelVersion
}

/// The serving core: a ``ModelRegistry`` of versions, a ``DynamicBatcher`` per rollout arm, and a
/// ``TrafficRouter`` that splits requests between the champion (`production`) and a challenger (`candidate`),
/// runs shadow traffic and rolls the challenger back automatically when it regresses.
///
/// Every batch runs on one version under a registry lease, so promoting a version (a hot swap) drains the
/// batches in flight on the old one. Models compute on an ``InferenceExecutor`` (own threads), never on Swift's
/// cooperative pool, so the batchers' timers and deadlines are not starved by inference. No network code: embed it in any server.
public final class ModelService<Model: ServableModel>: Sendable {
    /// The versions and aliases.
    public let registry: ModelRegistry<Model>
    /// The traffic split and its rollback rules.
    public let router: TrafficRouter
    /// Prometheus metrics of both arms (requests by outcome, latencies, batch sizes).
    public let metrics: ServingMetrics?
    /// The alias of the version serving production.
    public let championAlias: String
    /// The alias of the version being tried.
    public let challengerAlias: String
    private let batchers: [RouterArm: DynamicBatcher<Model.Request, VersionedResponse<Model.Response>>]
    private let agreement: (@Sendable (Model.Response, Model.Response) -> Double)?
    private let isClientError: @Sendable (any Error) -> Bool

    private struct Lifecycle {
        var accepting = true
        var inFlight = 0
        var nextShadowId = 0
        var shadowTasks: [Int: Task<Void, Never>] = [:]
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
        var versions: [RouterArm: String] = [:]
    }

    private let lifecycle = PthreadMutex(Lifecycle())

    /// Creates a service.
    ///
    /// - Parameters:
    ///   - registry: The model versions (the champion must be registered and promoted to `championAlias`).
    ///   - router: The traffic split; start it in `.championOnly` mode.
    ///   - batching: The batcher settings, used for each arm.
    ///   - metrics: Where to record serving metrics (created with `arms: true`), or `nil`.
    ///   - championAlias: The production alias.
    ///   - challengerAlias: The alias of the version being tried.
    ///   - agreement: Scores a challenger answer against the champion's on shadow traffic (1 = same); the score
    ///     is the quality the router watches.
    ///   - isClientError: Whether an error is the request's fault (invalid input) rather than the model's; client
    ///     errors do not count against an arm's error rate.
    ///   - executor: Where the models compute (own threads, off Swift's cooperative pool).
    /// - Throws: ``ServingError`` for an invalid batcher configuration or metrics without arm labels.
    public init(
        registry: ModelRegistry<Model>, router: TrafficRouter, batching: DynamicBatcherConfiguration = .init(),
        metrics: ServingMetrics? = nil, championAlias: String = "production", challengerAlias: String = "candidate",
        agreement: (@Sendable (Model.Response, Model.Response) -> Double)? = nil,
        isClientError: @escaping @Sendable (any Error) -> Bool = { _ in false },
        executor: InferenceExecutor = .shared
    ) throws(ServingError) {
        self.registry = registry
        self.router = router
        self.metrics = metrics
        self.championAlias = championAlias
        self.challengerAlias = challengerAlias
        self.agreement = agreement
        self.isClientError = isClientError
        if let metrics, !metrics.arms {
            throw .invalidConfiguration(
                setting: "metrics", reason: "must label the arms: create them with ServingMetrics(registry:arms: true)")
        }
        var batchers: [RouterArm: DynamicBatcher<Model.Request, VersionedResponse<Model.Response>>] = [:]
        for arm in RouterArm.allCases {
            let alias = arm == .champion ? championAlias : challengerAlias
            var observer: (@Sendable (BatcherEvent) -> Void)?
            if let metrics { observer = { event in metrics.observe(event, arm: arm) } }
            batchers[arm] = try DynamicBatcher(
                configuration: batching, observer: observer,
                batchFunction: Self.batchFunction(registry: registry, alias: alias, executor: executor))
        }
        self.batchers = batchers
    }

    /// Runs a batch on the version an alias points to, under the registry's lease.
    private static func batchFunction(registry: ModelRegistry<Model>, alias: String, executor: InferenceExecutor)
        -> DynamicBatcher<Model.Request, VersionedResponse<Model.Response>>.BatchFunction
    {
        { requests in
            do {
                return try await registry.withModel(alias: alias) { model, version in
                    let results = await executor.run { model.respond(to: requests) }
                    return Self.versioned(results, version: version)
                }
            } catch {
                return requests.map { _ in .failure(error) }
            }
        }
    }

    private static func versioned(_ results: [Result<Model.Response, any Error>], version: ModelVersion)
        -> [Result<VersionedResponse<Model.Response>, any Error>]
    {
        results.map { result in result.map { VersionedResponse(response: $0, version: version) } }
    }

    /// Answers one request through the router and the batcher of the chosen arm.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - key: A stable key (user or account id) for sticky A/B routing; `nil` otherwise.
    ///   - priority: The request's queue priority.
    ///   - deadline: When the answer stops being useful; expired requests are not run.
    /// - Returns: The answer with the version, arm and latency.
    /// - Throws: The model's error for this request, or a ``ServingError`` (queue full, deadline exceeded,
    ///   shutting down).
    public func respond(
        to request: Model.Request, key: String? = nil, priority: RequestPriority = .normal,
        deadline: ContinuousClock.Instant? = nil
    ) async throws -> ServedResponse<Model.Response> {
        let accepted = lifecycle.withLock { state in
            guard state.accepting else { return false }
            state.inFlight += 1
            return true
        }
        guard accepted else { throw ServingError.shuttingDown }
        defer { finishOne() }
        let decision = router.route(key: key)
        let clock = ContinuousClock()
        let start = clock.now
        let served: VersionedResponse<Model.Response>
        do {
            served = try await batcher(decision.serve).submit(request, priority: priority, deadline: deadline)
        } catch {
            if Self.countsAgainstModel(error, isClientError: isClientError) {
                router.record(arm: decision.serve, latency: clock.now - start, succeeded: false)
            }
            metrics?.recordRequest(arm: decision.serve, outcome: Self.outcome(of: error), latency: nil)
            throw error
        }
        let latency = clock.now - start
        router.record(arm: decision.serve, latency: latency, succeeded: true)
        if let metrics {
            metrics.recordRequest(arm: decision.serve, outcome: .succeeded, latency: latency)
            let previous = lifecycle.withLock { state in
                let previous = state.versions[decision.serve]
                state.versions[decision.serve] = served.version.id
                return previous
            }
            if previous != served.version.id {
                metrics.setVersion(served.version.id, of: decision.serve, previous: previous)
                if decision.serve == .champion { metrics.setModelVersion(served.version) }
            }
        }
        if decision.shadowChallenger { startShadow(request, champion: served.response) }
        return ServedResponse(response: served.response, version: served.version, arm: decision.serve, latency: latency)
    }

    /// Runs the challenger on a copy of a request, tracked so that ``drain()`` waits for it.
    private func startShadow(_ request: Model.Request, champion: Model.Response) {
        let clock = ContinuousClock()
        let challengerBatcher = batcher(.challenger)
        let router = self.router
        let agreement = self.agreement
        let isClientError = self.isClientError
        let metrics = self.metrics
        lifecycle.withLock { state in
            let id = state.nextShadowId
            state.nextShadowId += 1
            state.inFlight += 1
            state.shadowTasks[id] = Task.detached { [self] in
                let shadowStart = clock.now
                do {
                    let shadow = try await challengerBatcher.submit(request, priority: .low)
                    let quality = agreement?(champion, shadow.response)
                    router.record(arm: .challenger, latency: clock.now - shadowStart, succeeded: true, quality: quality)
                    metrics?.recordShadowRun(outcome: .succeeded)
                } catch {
                    if Self.countsAgainstModel(error, isClientError: isClientError) {
                        router.record(arm: .challenger, latency: clock.now - shadowStart, succeeded: false)
                    }
                    metrics?.recordShadowRun(outcome: Self.outcome(of: error))
                }
                lifecycle.withLock { _ = $0.shadowTasks.removeValue(forKey: id) }
                finishOne()
            }
        }
    }

    /// Marks one accepted request or shadow run finished and wakes the drainers when nothing is left.
    private func finishOne() {
        let waiters = lifecycle.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How a failed request is counted in the metrics.
    private static func outcome(of error: any Error) -> RequestOutcome {
        if error is CancellationError { return .cancelled }
        switch error as? ServingError {
        case .queueFull?, .shuttingDown?: return .rejected
        case .deadlineExceeded?: return .expired
        default: return .failed
        }
    }

    /// Whether a failed request counts against its arm's error rate: only the model's own failures do. Client
    /// errors (invalid input) and load errors — a full queue, a missed deadline, a cancelled caller — say nothing
    /// about the model, and counting them would roll a challenger back for lack of capacity.
    static func countsAgainstModel(_ error: any Error, isClientError: (any Error) -> Bool) -> Bool {
        if error is CancellationError { return false }
        if let serving = error as? ServingError {
            switch serving {
            case .queueFull, .deadlineExceeded, .shuttingDown: return false
            case .batchResultCountMismatch, .invalidConfiguration: return true
            }
        }
        return !isClientError(error)
    }

    /// Waits until every request accepted so far — and every shadow run it started — is answered. New requests
    /// are still accepted meanwhile (see ``shutdown()`` to stop them).
    public func drain() async {
        for arm in RouterArm.allCases { await batcher(arm).drain() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = lifecycle.withLock { state in
                if state.inFlight == 0 { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    /// Graceful shutdown: stops accepting requests (new ones get ``ServingError/shuttingDown``), then waits until
    /// every accepted request and its shadow run is answered.
    public func shutdown() async {
        lifecycle.withLock { $0.accepting = false }
        await drain()
    }

    /// The number of shadow runs started and not yet finished.
    public var pendingShadowRuns: Int { lifecycle.withLock { $0.shadowTasks.count } }

    /// The batcher statistics of an arm.
    ///
    /// - Parameter arm: The arm.
    /// - Returns: Queue length, batches run, batch sizes, outcomes.
    public func statistics(of arm: RouterArm) async -> BatcherStatistics {
        await batcher(arm).statistics
    }

    private func batcher(_ arm: RouterArm) -> DynamicBatcher<Model.Request, VersionedResponse<Model.Response>> {
        guard let batcher = batchers[arm] else { preconditionFailure("ModelService: no batcher for \(arm)") }
        return batcher
    }
}
