import Foundation
import Hummingbird
import LeptonDeploy
import Logging

/// The recommender routes (a Lepton extension of the protocol, `lepton_recommendations`):
///
/// - `POST /v2/models/{name}/recommend` with `{"user": "u1", "k": 10, "exclude": ["i3"], "candidates": ["i1", …],
///   "filter_seen": true, "id": "…", "parameters": {"timeout_ms": 50, "priority": "high"}}` answers
///   `{"model_name", "model_version", "id", "user", "items": [{"item", "score"}]}`, best first;
/// - `POST /v2/models/{name}/similar` with `{"item": "i1", "k": 10}` answers the same shape with `item`;
/// - `POST /v2/models/{name}/clicks` with `{"user", "item", "clicked": true, "request_id": "…"}` logs the interaction.
///
/// Requests go through the model's batcher (top-k requests of one batch share one GEMM). Unknown users and items are
/// 404, a bad `k` or body 400, a full queue 429, a missed deadline 504.
extension InferenceServer {
    /// The largest `k` a request may ask for.
    static let maxRecommendations = 10_000

    struct RecommendBody: Decodable {
        var id: String?
        var user: String
        var k: Int?
        var exclude: [String]?
        var candidates: [String]?
        var filterSeen: Bool?
        var parameters: [String: JSONValue]?

        private enum CodingKeys: String, CodingKey {
            case id, user, k, exclude, candidates, parameters
            case filterSeen = "filter_seen"
        }
    }

    struct SimilarBody: Decodable {
        var id: String?
        var item: String
        var k: Int?
        var parameters: [String: JSONValue]?
    }

    struct ClickBody: Decodable {
        var user: String
        var item: String
        var clicked: Bool
        var requestId: String?

        private enum CodingKeys: String, CodingKey {
            case user, item, clicked
            case requestId = "request_id"
        }
    }

    /// One recommended item in a response.
    struct ItemScore: Encodable {
        var item: String
        var score: Float
    }

    struct RecommendResponse: Encodable {
        var modelName: String
        var modelVersion: String
        var id: String
        var user: String?
        var item: String?
        var items: [ItemScore]

        private enum CodingKeys: String, CodingKey {
            case id, user, item, items
            case modelName = "model_name"
            case modelVersion = "model_version"
        }
    }

    struct ClickResponse: Encodable {
        var recorded: Bool
        var joined: Bool
        var interactions: Int
        var labelled: Int
    }

    /// Adds the recommender routes.
    func addRecommendationRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.post("/v2/models/:name/recommend") { request, context in
            await self.recommend(request, context, similar: false)
        }
        router.post("/v2/models/:name/similar") { request, context in
            await self.recommend(request, context, similar: true)
        }
        router.post("/v2/models/:name/clicks") { request, context in
            await self.handle { try await self.click(request, context) }
        }
    }

    static func checkedK(_ k: Int?) throws(ServeError) -> Int {
        let k = k ?? 10
        guard k >= 1, k <= maxRecommendations else {
            throw .badRequest("k must be in 1...\(maxRecommendations), got \(k)")
        }
        return k
    }

    func recommend(_ request: Request, _ context: some RequestContext, similar: Bool) async -> Response {
        let start = ContinuousClock.now
        metrics.inFlight.add(1)
        defer { metrics.inFlight.add(-1) }
        let name = context.parameters.get("name") ?? ""
        var (id, logger, headers) = requestLogger(request, id: nil, model: name)
        var version = ""
        var modelLabel = "_unknown"
        do {
            let model = try await repository.recommender(name)
            modelLabel = name
            let body = try await JSONBody.read(request, limit: configuration.maxBodyBytes)
            let query: RecommenderRequest
            var user: String?
            var item: String?
            let parameters: [String: JSONValue]?
            if similar {
                let decoded = try JSONBody.decode(SimilarBody.self, from: body)
                if request.headers[ServeHeaders.requestId] == nil, let bodyId = decoded.id, !bodyId.isEmpty {
                    (id, logger, headers) = requestLogger(request, id: bodyId, model: name)
                }
                query = .similar(item: decoded.item, k: try Self.checkedK(decoded.k))
                item = decoded.item
                parameters = decoded.parameters
            } else {
                let decoded = try JSONBody.decode(RecommendBody.self, from: body)
                if request.headers[ServeHeaders.requestId] == nil, let bodyId = decoded.id, !bodyId.isEmpty {
                    (id, logger, headers) = requestLogger(request, id: bodyId, model: name)
                }
                query = .recommend(
                    RecommendationQuery(
                        user: decoded.user, k: try Self.checkedK(decoded.k), excluding: Set(decoded.exclude ?? []),
                        candidates: decoded.candidates.map { Set($0) }, filterSeen: decoded.filterSeen ?? true))
                user = decoded.user
                parameters = decoded.parameters
            }
            let options = try Self.options(request, parameters: parameters)
            let served = try await model.respond(
                query, key: options.key ?? user, priority: options.priority, deadline: options.deadline)
            version = served.version.id
            if let user {
                do {
                    try model.logRecommendations(
                        served.response, user: user, id: id, version: version, latency: ContinuousClock.now - start)
                } catch {
                    logger.warning("recommendations not logged", metadata: ["error": "\(error)"])
                }
            }
            headers[ServeHeaders.modelVersion] = version
            record(modelLabel, version, "success", start)
            return JSONBody.response(
                RecommendResponse(
                    modelName: name, modelVersion: version, id: id, user: user, item: item,
                    items: served.response.map { ItemScore(item: $0.item, score: $0.score) }),
                headers: headers)
        } catch {
            let serveError = ServeError.from(error)
            record(modelLabel, version, serveError.outcome, start)
            logger.info(
                "recommendation refused",
                metadata: ["status": "\(serveError.status.code)", "error": "\(serveError.message)"])
            return JSONBody.error(serveError, headers: headers)
        }
    }

    func click(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let model = try await repository.recommender(name)
        let body = try await JSONBody.read(request, limit: configuration.maxBodyBytes)
        let click = try JSONBody.decode(ClickBody.self, from: body)
        guard !click.user.isEmpty, !click.item.isEmpty else {
            throw ServeError.badRequest("user and item must not be empty")
        }
        let joined = try await model.recordClick(
            user: click.user, item: click.item, clicked: click.clicked, requestId: click.requestId)
        let coverage = model.interactionLog.labelCoverage
        return JSONBody.response(
            ClickResponse(
                recorded: true, joined: joined, interactions: coverage.predictions, labelled: coverage.labelled))
    }

    /// The metadata of a recommender: its request fields as named inputs, its answer as outputs.
    func recommenderMetadata(_ name: String, version: String?) async throws -> Response {
        let model = try await repository.recommender(name)
        let versions = await model.versionIds
        if let version, !versions.contains(version) {
            throw ServeError.notFound("model '\(name)' has no version '\(version)'")
        }
        return JSONBody.response(
            ModelMetadata(
                name: name, versions: version.map { [$0] } ?? versions, platform: "lepton_recommender",
                inputs: [
                    TensorMetadata(name: "user", datatype: "BYTES", shape: [1]),
                    TensorMetadata(name: "k", datatype: "INT32", shape: [1]),
                ],
                outputs: [
                    TensorMetadata(name: "items", datatype: "BYTES", shape: [-1]),
                    TensorMetadata(name: "scores", datatype: "FP32", shape: [-1]),
                ]))
    }
}
