import Foundation
import Hummingbird
import LeptonDeploy
import Logging
import Synchronization

/// The Open Inference Protocol (KServe v2) over HTTP for a repository of Lepton bundles.
///
/// Mount its routes in your own Hummingbird app with ``addRoutes(to:)``, or run it with ``LeptonServeApp``:
///
/// ```swift
/// let server = InferenceServer(configuration: ServerConfiguration(modelRepository: url))
/// await server.repository.loadAll()
/// let router = Router()
/// server.addRoutes(to: router)
/// ```
public final class InferenceServer: Sendable {
    /// The settings.
    public let configuration: ServerConfiguration
    /// The models.
    public let repository: ModelRepository
    /// The server-level metrics.
    public let metrics = ServerMetrics()
    /// The logger; every request logs with its `request_id` (and `traceparent` when sent).
    public let logger: Logger
    private let draining = Atomic<Bool>(false)

    /// Creates a server (no model loaded yet: call `repository.loadAll()` or the load endpoint).
    /// - Parameters:
    ///   - configuration: the settings.
    ///   - logger: the logger.
    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "lepton.serve")) {
        self.configuration = configuration
        self.logger = logger
        repository = ModelRepository(configuration: configuration, logger: logger)
    }

    /// Marks the server as draining: readiness reports false from now on (requests are still answered).
    public func beginDraining() { draining.store(true, ordering: .sequentiallyConsistent) }

    /// Whether the server is draining.
    public var isDraining: Bool { draining.load(ordering: .sequentiallyConsistent) }

    /// Whether the server is ready: not draining, and every loaded model ready.
    public var isReady: Bool {
        get async {
            if isDraining { return false }
            return await repository.allReady
        }
    }

    /// Adds every route (health, metadata, inference, records, repository, rollout, feedback, `/metrics`) and a
    /// middleware that answers unknown paths and other errors as `{"error": "…"}`.
    /// - Parameter router: the router to add them to.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.add(middleware: JSONErrorMiddleware<Context>())
        router.get("/v2/health/live") { _, _ in JSONBody.response(["live": true]) }
        router.get("/v2/health/ready") { _, _ in
            let ready = await self.isReady
            return JSONBody.response(["ready": ready], status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/v2") { _, _ in
            JSONBody.response(
                ServerMetadata(
                    name: "lepton", version: ServerMetadata.serverVersion,
                    extensions: [
                        "binary_tensor_data", "model_repository", "lepton_rollout", "lepton_records", "lepton_feedback",
                        "lepton_recommendations",
                    ]))
        }
        router.get("/metrics") { _, _ in
            let models = await self.repository.loadedModels.map { (name: $0.name, registry: $0.metricsRegistry) }
            let recommenders = await self.repository.loadedRecommenders.map {
                (name: $0.name, registry: $0.metricsRegistry)
            }
            let text = self.metrics.render(registries: (models + recommenders).sorted { $0.name < $1.name })
            return Response(
                status: .ok, headers: [.contentType: MetricsRegistry.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        for versioned in [false, true] {
            let base = versioned ? "/v2/models/:name/versions/:version" : "/v2/models/:name"
            router.get(RouterPath(base)) { _, context in
                await self.handle { try await self.metadata(context) }
            }
            router.get(RouterPath(base + "/ready")) { _, context in
                await self.handle { try await self.modelReady(context) }
            }
            router.post(RouterPath(base + "/infer")) { request, context in
                await self.infer(request, context)
            }
        }
        addRecommendationRoutes(to: router)
        router.post("/v2/models/:name/records") { request, context in await self.records(request, context) }
        router.post("/v2/models/:name/feedback") { request, context in
            await self.handle { try await self.feedback(request, context) }
        }
        router.get("/v2/models/:name/rollout") { _, context in
            await self.handle { try await self.rolloutStatus(context) }
        }
        router.post("/v2/models/:name/rollout") { request, context in
            await self.handle { try await self.startRollout(request, context) }
        }
        router.post("/v2/models/:name/promote") { _, context in
            await self.handle { try await self.promote(context) }
        }
        router.post("/v2/models/:name/rollback") { _, context in
            await self.handle { try await self.rollback(context) }
        }
        router.post("/v2/repository/index") { request, _ in
            await self.handle { try await self.repositoryIndex(request) }
        }
        router.post("/v2/repository/models/:name/load") { _, context in
            await self.handle {
                let name = try Self.parameter("name", context)
                try await self.repository.load(name)
                return JSONBody.response(["name": name, "state": ModelState.ready.rawValue])
            }
        }
        router.post("/v2/repository/models/:name/unload") { _, context in
            await self.handle {
                let name = try Self.parameter("name", context)
                try await self.repository.unload(name)
                return JSONBody.response(["name": name, "state": ModelState.unavailable.rawValue])
            }
        }
    }

    /// Runs a handler and answers its error as JSON.
    func handle(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return JSONBody.error(ServeError.from(error))
        }
    }

    static func parameter(_ name: String, _ context: some RequestContext) throws(ServeError) -> String {
        guard let value = context.parameters.get(name), !value.isEmpty else {
            throw .badRequest("the path has no \(name)")
        }
        return value
    }

    // MARK: Metadata and readiness

    private func metadata(_ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let version = context.parameters.get("version")
        if await repository.isRecommender(name) { return try await recommenderMetadata(name, version: version) }
        let model = try await repository.model(name)
        let schema = try await model.schema(version: version)
        let versions = await model.versionIds
        return JSONBody.response(
            ModelMetadata(
                name: name, versions: version.map { [$0] } ?? versions, platform: "lepton",
                inputs: InferenceCodec.inputMetadata(for: schema), outputs: InferenceCodec.outputMetadata(for: schema)))
    }

    private func modelReady(_ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let version = context.parameters.get("version")
        if await repository.isRecommender(name) {
            let versions = try await repository.recommender(name).versionIds
            if let version, !versions.contains(version) {
                throw ServeError.notFound("model '\(name)' has no version '\(version)'")
            }
        } else {
            let model = try await repository.model(name)
            if let version { _ = try await model.schema(version: version) }
        }
        let modelReady = await repository.isReady(name, version: version)
        let ready = !isDraining && modelReady
        return JSONBody.response(
            ModelReadyResponse(name: name, ready: ready), status: ready ? .ok : .serviceUnavailable)
    }

    // MARK: Repository

    struct IndexRequest: Decodable {
        var ready: Bool?
    }

    private func repositoryIndex(_ request: Request) async throws -> Response {
        let body = try await JSONBody.read(request, limit: configuration.maxBodyBytes)
        let readyOnly = body.isEmpty ? false : (try JSONBody.decode(IndexRequest.self, from: body).ready ?? false)
        return JSONBody.response(await repository.index(readyOnly: readyOnly))
    }
}
