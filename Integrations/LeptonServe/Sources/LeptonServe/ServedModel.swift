import Foundation
import LeptonDeploy

/// One loaded model: its versions in a ``ModelRegistry``, served through a ``ModelService`` (dynamic batching per
/// rollout arm, traffic routing, rollback), its own serving metrics and its prediction log for feedback.
///
/// Aliases: `production` is the champion, `candidate` the challenger of a rollout, and every version is also
/// reachable under `version:<id>` for version-pinned requests.
public final class ServedModel: Sendable {
    /// The model's name in the repository.
    public let name: String
    /// The serving core.
    public let service: ModelService<Predictor>
    /// The metrics of this model (rendered with a `model` label on `/metrics`).
    public let metricsRegistry: MetricsRegistry
    /// Predictions by request id, for feedback.
    public let predictionLog: PredictionLog
    /// The batchers of version-pinned requests, one per version, created on first use.
    public let pinned: PinnedVersionBatchers<Predictor>
    private let executor: InferenceExecutor
    private let schemas = PthreadMutex<[String: ModelSchema]>([:])

    /// The registry of versions.
    public var registry: ModelRegistry<Predictor> { service.registry }

    /// Creates an empty model (no version yet).
    /// - Parameters:
    ///   - name: the model's name.
    ///   - configuration: the server settings (batching, prediction log).
    ///   - executor: where models compute.
    /// - Throws: ``ServingError`` for bad batching settings, ``PredictionLogError`` for an unusable log directory.
    public init(name: String, configuration: ServerConfiguration, executor: InferenceExecutor = .shared) throws {
        self.name = name
        self.executor = executor
        metricsRegistry = MetricsRegistry()
        let metrics = ServingMetrics(registry: metricsRegistry, arms: true)
        service = try ModelService(
            registry: ModelRegistry(), router: TrafficRouter(), batching: configuration.batching, metrics: metrics,
            agreement: { champion, challenger in champion.label == challenger.label ? 1 : 0 },
            isClientError: { $0 is PredictionError }, executor: executor)
        pinned = try PinnedVersionBatchers(
            registry: service.registry, alias: { Self.versionAlias($0) }, configuration: configuration.batching,
            metrics: metricsRegistry, capacity: configuration.maxPinnedBatchers, executor: executor)
        var logConfiguration = PredictionLogConfiguration()
        logConfiguration.capacity = configuration.predictionLogCapacity
        predictionLog = try PredictionLog(
            directory: configuration.predictionLogDirectory?.appendingPathComponent(name, isDirectory: true),
            configuration: logConfiguration)
    }

    /// The alias under which one version is reachable.
    /// - Parameter versionId: the version id.
    /// - Returns: `version:<id>`.
    public static func versionAlias(_ versionId: String) -> String { "version:\(versionId)" }

    /// Registers and warms up a version unless it is already registered.
    /// - Parameters:
    ///   - predictor: the version's predictor (not warmed up yet).
    ///   - version: its description.
    /// - Returns: whether the version was new.
    /// - Throws: ``RegistryError/warmUpFailed(version:reason:)``.
    @discardableResult
    public func add(_ predictor: Predictor, version: ModelVersion) async throws -> Bool {
        if schemas.withLock({ $0[version.id] != nil }) { return false }
        try await registry.register(predictor, version: version) { predictor in
            var copy = predictor
            try copy.warmUp()
        }
        try await registry.promote(version.id, to: Self.versionAlias(version.id))
        schemas.withLock { $0[version.id] = predictor.schema }
        return true
    }

    /// The ids of the loaded versions, oldest first.
    public var versionIds: [String] {
        get async {
            let known = schemas.withLock { $0 }
            return await registry.versions.map(\.id).filter { known[$0] != nil }
        }
    }

    /// The schema of a version, or of the production version.
    /// - Parameter versionId: the version, or `nil` for production.
    /// - Returns: the schema.
    /// - Throws: ``ServeError`` 404 for an unknown version, 503 when nothing is in production.
    public func schema(version versionId: String?) async throws(ServeError) -> ModelSchema {
        let id: String
        if let versionId {
            id = versionId
        } else {
            do {
                id = try await registry.resolve(service.championAlias).id
            } catch {
                throw .unavailable("model '\(name)' has no version in production")
            }
        }
        guard let schema = schemas.withLock({ $0[id] }) else {
            throw .notFound("model '\(name)' has no version '\(id)'")
        }
        return schema
    }

    /// Whether production (or one version) can serve.
    /// - Parameter versionId: the version, or `nil` for production.
    /// - Returns: `true` when ready.
    public func isReady(version versionId: String?) async -> Bool {
        if let versionId {
            guard schemas.withLock({ $0[versionId] != nil }) else { return false }
            return await registry.isReady(Self.versionAlias(versionId))
        }
        return await registry.isReady(service.championAlias)
    }

    /// One answered row.
    public struct Answer: Sendable {
        /// The prediction.
        public var prediction: Prediction
        /// The version that answered.
        public var version: String
        /// The rollout arm that answered (`nil` for version-pinned requests).
        public var arm: RouterArm?

        /// Creates an answer.
        /// - Parameters:
        ///   - prediction: the prediction.
        ///   - version: the version that answered.
        ///   - arm: the rollout arm, `nil` when pinned.
        public init(prediction: Prediction, version: String, arm: RouterArm? = nil) {
            self.prediction = prediction
            self.version = version
            self.arm = arm
        }
    }

    /// Answers rows: through the rollout router and the arm's batcher, or through the pinned version's batcher.
    /// - Parameters:
    ///   - rows: the rows.
    ///   - versionId: a pinned version, or `nil` to serve through the rollout.
    ///   - key: the sticky A/B key.
    ///   - priority: queue priority.
    ///   - deadline: when the answer stops being useful.
    /// - Returns: one answer per row.
    /// - Throws: the first row's error (``PredictionError`` prefixed with the row when there are several rows),
    ///   ``ServingError`` or ``RegistryError``.
    public func answer(
        _ rows: [PredictionRequest], version versionId: String?, key: String?, priority: RequestPriority,
        deadline: ContinuousClock.Instant?
    ) async throws -> [Answer] {
        if let versionId {
            return try await answerPinned(rows, versionId, priority: priority, deadline: deadline)
        }
        if rows.count == 1 {
            let served = try await service.respond(to: rows[0], key: key, priority: priority, deadline: deadline)
            return [Answer(prediction: served.response, version: served.version.id, arm: served.arm)]
        }
        let service = self.service
        return try await withThrowingTaskGroup(of: (Int, Result<Answer, any Error>).self) { group in
            for (index, row) in rows.enumerated() {
                group.addTask {
                    do {
                        let served = try await service.respond(
                            to: row, key: key, priority: priority, deadline: deadline)
                        return (
                            index,
                            .success(Answer(prediction: served.response, version: served.version.id, arm: served.arm))
                        )
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var answers = [Result<Answer, any Error>?](repeating: nil, count: rows.count)
            for try await (index, result) in group { answers[index] = result }
            return try answers.enumerated().map { index, result in
                try Self.rowResult(result ?? .failure(CancellationError()), index, rows.count)
            }
        }
    }

    /// Answers rows on one version through that version's batcher (each row is one batcher item, so rows of
    /// concurrent pinned requests share batches).
    private func answerPinned(
        _ rows: [PredictionRequest], _ versionId: String, priority: RequestPriority, deadline: ContinuousClock.Instant?
    ) async throws -> [Answer] {
        let pinned = self.pinned
        if rows.count == 1 {
            let served = try await pinned.respond(
                to: rows[0], version: versionId, priority: priority, deadline: deadline)
            return [Answer(prediction: served.response, version: served.version.id, arm: nil)]
        }
        return try await withThrowingTaskGroup(of: (Int, Result<Answer, any Error>).self) { group in
            for (index, row) in rows.enumerated() {
                group.addTask {
                    do {
                        let served = try await pinned.respond(
                            to: row, version: versionId, priority: priority, deadline: deadline)
                        return (index, .success(Answer(prediction: served.response, version: served.version.id)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var answers = [Result<Answer, any Error>?](repeating: nil, count: rows.count)
            for try await (index, result) in group { answers[index] = result }
            return try answers.enumerated().map { index, result in
                try Self.rowResult(result ?? .failure(CancellationError()), index, rows.count)
            }
        }
    }

    private static func rowResult(_ result: Result<Answer, any Error>, _ index: Int, _ count: Int) throws -> Answer {
        switch result {
        case .success(let answer): return answer
        case .failure(let error as PredictionError) where count > 1:
            throw ServeError.badRequest("row \(index): \(error.description)")
        case .failure(let error): throw error
        }
    }

    /// Stops accepting requests and waits for the accepted ones.
    public func shutdown() async {
        await service.shutdown()
        await pinned.shutdown()
    }
}
