import Foundation
import LeptonDeploy

/// One loaded recommender: its versions (``RecommenderBundle`` files) in a ``ModelRegistry``, served through a
/// ``ModelService`` whose batcher hands every batch of top-k requests to one GEMM-backed
/// ``RecommenderPredictor/recommend(batch:)`` call; its metrics; and its interaction log.
///
/// Monitoring, in the model's registry: `lepton_recommendations_total` (answered top-k and similar-item requests by
/// kind), `lepton_recommended_items_total`, `lepton_recommendation_catalogue_coverage` (the share of the catalogue
/// recommended at least once since load — falling coverage is recommendation drift toward fewer items),
/// `lepton_recommendation_mean_popularity` (the mean share of training users who had seen the recommended items — a
/// rising value is popularity bias) and `lepton_recommendation_clicks_total{clicked}`.
///
/// The interaction log is a ``PredictionLog``: every recommended item is logged as one record with request id
/// `<request id>#<item>` (features `user` and `item`, the score as prediction); a click report joins `clicked` (1 or
/// 0) to it as the ground truth, and a click on an item that was not recommended is logged as a new labelled record.
/// The layout is ``RecommendationFeedback``'s: `PredictionLog.recommendationFeedback` reads the labelled records back
/// as the (user, item, clicked) triples a retrain uses, and `RecommenderChallenge` gates the retrained model.
public final class ServedRecommender: Sendable {
    /// The model's name in the repository.
    public let name: String
    /// The serving core (batching, hot swap, rollout).
    public let service: ModelService<RecommenderPredictor>
    /// The metrics of this model (rendered with a `model` label on `/metrics`).
    public let metricsRegistry: MetricsRegistry
    /// Recommended items and clicks, for retraining.
    public let interactionLog: PredictionLog
    private let recommendations: MetricCounter
    private let recommendedItems: MetricCounter
    private let coverage: MetricGauge
    private let meanPopularity: MetricGauge
    private let clicks: MetricCounter

    private struct Versions {
        var kinds: [String: String] = [:]
        var catalogue: [String: (bundle: RecommenderBundle, popularity: [Double])] = [:]
        var servedItems: Set<String> = []
        var popularitySum = 0.0
        var itemsServed = 0
    }

    private let versions = PthreadMutex(Versions())

    /// The registry of versions.
    public var registry: ModelRegistry<RecommenderPredictor> { service.registry }

    /// Creates an empty recommender (no version yet).
    /// - Parameters:
    ///   - name: the model's name.
    ///   - configuration: the server settings (batching, log).
    ///   - executor: where the model computes.
    /// - Throws: ``ServingError`` for bad batching settings, ``PredictionLogError`` for an unusable log directory.
    public init(name: String, configuration: ServerConfiguration, executor: InferenceExecutor = .shared) throws {
        self.name = name
        metricsRegistry = MetricsRegistry()
        let metrics = ServingMetrics(registry: metricsRegistry, arms: true)
        service = try ModelService(
            registry: ModelRegistry(), router: TrafficRouter(), batching: configuration.batching, metrics: metrics,
            isClientError: { $0 is RecommenderPredictorError }, executor: executor)
        recommendations = metricsRegistry.counter(
            "lepton_recommendations_total", help: "Answered recommendation requests by kind.", labelNames: ["kind"])
        recommendedItems = metricsRegistry.counter(
            "lepton_recommended_items_total", help: "Items returned by recommendation requests.")
        coverage = metricsRegistry.gauge(
            "lepton_recommendation_catalogue_coverage",
            help: "Share of the catalogue recommended at least once since the model was loaded.")
        meanPopularity = metricsRegistry.gauge(
            "lepton_recommendation_mean_popularity",
            help: "Mean share of training users who had seen each recommended item.")
        clicks = metricsRegistry.counter(
            "lepton_recommendation_clicks_total", help: "Reported clicks by outcome.", labelNames: ["clicked"])
        var logConfiguration = PredictionLogConfiguration()
        logConfiguration.capacity = configuration.predictionLogCapacity
        interactionLog = try PredictionLog(
            directory: configuration.predictionLogDirectory?.appendingPathComponent(name, isDirectory: true),
            configuration: logConfiguration)
    }

    /// Registers a version unless it is already registered.
    /// - Parameters:
    ///   - predictor: the version's predictor.
    ///   - version: its description.
    /// - Returns: whether the version was new.
    /// - Throws: ``RegistryError``.
    @discardableResult
    public func add(_ predictor: RecommenderPredictor, version: ModelVersion) async throws -> Bool {
        if versions.withLock({ $0.kinds[version.id] != nil }) { return false }
        try await registry.register(predictor, version: version)
        let bundle = predictor.bundle
        var popularity = [Double](repeating: 0, count: bundle.items.count)
        for item in bundle.seenItems { popularity[Int(item)] += 1 }
        let users = Double(max(bundle.users.count, 1))
        for index in popularity.indices { popularity[index] /= users }
        versions.withLock {
            $0.kinds[version.id] = bundle.manifest.modelKind
            $0.catalogue[version.id] = (bundle, popularity)
        }
        return true
    }

    /// The ids of the loaded versions, oldest first.
    public var versionIds: [String] {
        get async {
            let known = versions.withLock { $0.kinds }
            return await registry.versions.map(\.id).filter { known[$0] != nil }
        }
    }

    /// The model kind of a version (for example `ExplicitALS`), or of production.
    /// - Parameter versionId: the version, or `nil` for production.
    /// - Returns: the kind, `nil` when unknown.
    public func modelKind(version versionId: String?) async -> String? {
        var id = versionId
        if id == nil { id = try? await registry.resolve(service.championAlias).id }
        guard let id else { return nil }
        return versions.withLock { $0.kinds[id] }
    }

    /// Whether production (or one version) can serve.
    /// - Parameter versionId: the version, or `nil` for production.
    /// - Returns: `true` when ready.
    public func isReady(version versionId: String?) async -> Bool {
        guard let versionId else { return await registry.isReady(service.championAlias) }
        guard versions.withLock({ $0.kinds[versionId] != nil }) else { return false }
        return await registry.versions.contains { $0.id == versionId }
    }

    /// Answers one request through the rollout router and the arm's batcher, and updates the monitoring.
    /// - Parameters:
    ///   - request: top-k for a user or similar items.
    ///   - key: the sticky A/B key.
    ///   - priority: queue priority.
    ///   - deadline: when the answer stops being useful.
    /// - Returns: the answer with its version.
    /// - Throws: ``RecommenderPredictorError`` for unknown ids or a bad `k`, ``ServingError`` for overload.
    public func respond(
        _ request: RecommenderRequest, key: String?, priority: RequestPriority, deadline: ContinuousClock.Instant?
    ) async throws -> ServedResponse<[RecommendedItem]> {
        let served = try await service.respond(to: request, key: key, priority: priority, deadline: deadline)
        let kind: String
        if case .recommend = request { kind = "recommend" } else { kind = "similar" }
        recommendations.increment(labels: ["kind": kind])
        recommendedItems.increment(by: Double(served.response.count))
        let (share, mean) = versions.withLock { state -> (Double, Double) in
            guard let catalogue = state.catalogue[served.version.id] else { return (0, 0) }
            for item in served.response {
                state.servedItems.insert(item.item)
                if let index = catalogue.bundle.items.index(of: item.item) {
                    state.popularitySum += catalogue.popularity[index]
                }
            }
            state.itemsServed += served.response.count
            let share = Double(state.servedItems.count) / Double(max(catalogue.bundle.items.count, 1))
            return (min(share, 1), state.itemsServed == 0 ? 0 : state.popularitySum / Double(state.itemsServed))
        }
        coverage.set(share)
        meanPopularity.set(mean)
        return served
    }

    /// Logs the recommended items of one answered top-k request (one record per item, `<id>#<item>`).
    /// - Parameters:
    ///   - items: the items.
    ///   - user: the user.
    ///   - id: the request id.
    ///   - version: the answering version.
    ///   - latency: the request's latency.
    /// - Throws: ``PredictionLogError`` (a reused request id, or I/O).
    public func logRecommendations(
        _ items: [RecommendedItem], user: String, id: String, version: String, latency: Duration
    ) throws {
        let seconds = Double(latency.components.seconds) + Double(latency.components.attoseconds) * 1e-18
        for item in items {
            try interactionLog.append(
                RecommendationFeedback.impressionRecord(
                    requestId: id, user: user, item: item.item, score: item.score, modelVersion: version,
                    latencySeconds: seconds))
        }
    }

    /// Records whether a user clicked an item: joined to the logged recommendation when `requestId` names one,
    /// logged as a new labelled record otherwise.
    /// - Parameters:
    ///   - user: the user.
    ///   - item: the item.
    ///   - clicked: whether it was clicked (1) or shown and ignored (0).
    ///   - requestId: the id of the recommendation request that showed it, if any.
    /// - Returns: whether the click was joined to a logged recommendation.
    /// - Throws: ``ServeError`` 400 when the logged recommendation was for another user, ``PredictionLogError``.
    @discardableResult
    public func recordClick(user: String, item: String, clicked: Bool, requestId: String?) async throws -> Bool {
        clicks.increment(labels: ["clicked": clicked ? "true" : "false"])
        let label = RecommendationFeedback.label(clicked: clicked)
        if let requestId {
            let joined = RecommendationFeedback.impressionID(requestId: requestId, item: item)
            if let record = interactionLog.record(requestId: joined) {
                guard record.features["user"] == .string(user) else {
                    throw ServeError.badRequest(
                        "request '\(requestId)' recommended '\(item)' to another user, not '\(user)'")
                }
                try interactionLog.recordFeedback(requestId: joined, label: label)
                return true
            }
        }
        let version = (try? await registry.resolve(service.championAlias).id) ?? ""
        try interactionLog.append(
            RecommendationFeedback.clickRecord(
                requestId: "click-\(UUID().uuidString.lowercased())", user: user, item: item, clicked: clicked,
                modelVersion: version))
        return false
    }

    /// Stops accepting requests and waits for the accepted ones.
    public func shutdown() async { await service.shutdown() }
}
