import Foundation

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
/// batches in flight on the old one. No network code: embed it in any server.
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

    /// Creates a service.
    ///
    /// - Parameters:
    ///   - registry: The model versions (the champion must be registered and promoted to `championAlias`).
    ///   - router: The traffic split; start it in `.championOnly` mode.
    ///   - batching: The batcher settings, used for each arm.
    ///   - metrics: Where to record serving metrics, or `nil`.
    ///   - championAlias: The production alias.
    ///   - challengerAlias: The alias of the version being tried.
    ///   - agreement: Scores a challenger answer against the champion's on shadow traffic (1 = same); the score
    ///     is the quality the router watches.
    ///   - isClientError: Whether an error is the request's fault (invalid input) rather than the model's; client
    ///     errors do not count against an arm's error rate.
    /// - Throws: ``ServingError`` for an invalid batcher configuration.
    public init(
        registry: ModelRegistry<Model>, router: TrafficRouter, batching: DynamicBatcherConfiguration = .init(),
        metrics: ServingMetrics? = nil, championAlias: String = "production", challengerAlias: String = "candidate",
        agreement: (@Sendable (Model.Response, Model.Response) -> Double)? = nil,
        isClientError: @escaping @Sendable (any Error) -> Bool = { _ in false }
    ) throws(ServingError) {
        self.registry = registry
        self.router = router
        self.metrics = metrics
        self.championAlias = championAlias
        self.challengerAlias = challengerAlias
        self.agreement = agreement
        self.isClientError = isClientError
        var batchers: [RouterArm: DynamicBatcher<Model.Request, VersionedResponse<Model.Response>>] = [:]
        var observer: (@Sendable (BatcherEvent) -> Void)?
        if let metrics { observer = { event in metrics.observe(event) } }
        for arm in RouterArm.allCases {
            let alias = arm == .champion ? championAlias : challengerAlias
            batchers[arm] = try DynamicBatcher(
                configuration: batching, observer: observer,
                batchFunction: Self.batchFunction(registry: registry, alias: alias))
        }
        self.batchers = batchers
    }

    /// Runs a batch on the version an alias points to, under the registry's lease.
    private static func batchFunction(registry: ModelRegistry<Model>, alias: String)
        -> DynamicBatcher<Model.Request, VersionedResponse<Model.Response>>.BatchFunction
    {
        { requests in
            do {
                return try await registry.withModel(alias: alias) { model, version in
                    Self.versioned(model.respond(to: requests), version: version)
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
    /// - Throws: The model's error for this request, or a ``ServingError`` (queue full, deadline exceeded).
    public func respond(
        to request: Model.Request, key: String? = nil, priority: RequestPriority = .normal,
        deadline: ContinuousClock.Instant? = nil
    ) async throws -> ServedResponse<Model.Response> {
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
            throw error
        }
        let latency = clock.now - start
        router.record(arm: decision.serve, latency: latency, succeeded: true)
        if decision.shadowChallenger {
            let champion = served.response
            let challengerBatcher = batcher(.challenger)
            let router = self.router
            let agreement = self.agreement
            let isClientError = self.isClientError
            Task.detached {
                let shadowStart = clock.now
                do {
                    let shadow = try await challengerBatcher.submit(request, priority: .low)
                    let quality = agreement?(champion, shadow.response)
                    router.record(arm: .challenger, latency: clock.now - shadowStart, succeeded: true, quality: quality)
                } catch {
                    if Self.countsAgainstModel(error, isClientError: isClientError) {
                        router.record(arm: .challenger, latency: clock.now - shadowStart, succeeded: false)
                    }
                }
            }
        }
        return ServedResponse(response: served.response, version: served.version, arm: decision.serve, latency: latency)
    }

    /// Whether a failed request counts against its arm's error rate: only the model's own failures do. Client
    /// errors (invalid input) and load errors — a full queue, a missed deadline, a cancelled caller — say nothing
    /// about the model, and counting them would roll a challenger back for lack of capacity.
    static func countsAgainstModel(_ error: any Error, isClientError: (any Error) -> Bool) -> Bool {
        if error is CancellationError { return false }
        if let serving = error as? ServingError {
            switch serving {
            case .queueFull, .deadlineExceeded: return false
            case .batchResultCountMismatch, .invalidConfiguration: return true
            }
        }
        return !isClientError(error)
    }

    /// Waits until every queued and running request of both arms is answered.
    public func drain() async {
        for arm in RouterArm.allCases { await batcher(arm).drain() }
    }

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
