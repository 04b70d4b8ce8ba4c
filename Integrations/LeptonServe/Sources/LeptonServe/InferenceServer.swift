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
                    extensions: ["model_repository", "lepton_rollout", "lepton_records", "lepton_feedback"]))
        }
        router.get("/metrics") { _, _ in
            let text = await self.metrics.render(models: self.repository.loadedModels)
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
    private func handle(_ body: () async throws -> Response) async -> Response {
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
        let model = try await repository.model(name)
        if let version { _ = try await model.schema(version: version) }
        let modelReady = await repository.isReady(name, version: version)
        let ready = !isDraining && modelReady
        return JSONBody.response(
            ModelReadyResponse(name: name, ready: ready), status: ready ? .ok : .serviceUnavailable)
    }

    // MARK: Inference

    /// What a request asked for besides its inputs.
    struct RequestOptions {
        var deadline: ContinuousClock.Instant?
        var priority: RequestPriority = .normal
        var key: String?
    }

    static func options(_ request: Request, parameters: [String: JSONValue]?) throws(ServeError) -> RequestOptions {
        var options = RequestOptions()
        var timeoutMilliseconds: Double?
        if let header = request.headers[ServeHeaders.timeout] {
            guard let value = Double(header) else {
                throw .badRequest("header X-Lepton-Timeout-Ms must be a number of milliseconds, got '\(header)'")
            }
            timeoutMilliseconds = value
        }
        switch parameters?["timeout_ms"] {
        case .integer(let value)?: timeoutMilliseconds = Double(value)
        case .unsignedInteger(let value)?: timeoutMilliseconds = Double(value)
        case .number(let value)?: timeoutMilliseconds = value
        case nil, .null?: break
        default: throw .badRequest("parameter timeout_ms must be a number of milliseconds")
        }
        if let timeoutMilliseconds {
            guard timeoutMilliseconds > 0, timeoutMilliseconds <= 3_600_000 else {
                throw .badRequest("the timeout must be in (0, 3600000] milliseconds, got \(timeoutMilliseconds)")
            }
            options.deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
        }
        var priorityName = request.headers[ServeHeaders.priority]
        if case .string(let value)? = parameters?["priority"] { priorityName = value }
        if let priorityName {
            switch priorityName.lowercased() {
            case "low": options.priority = .low
            case "normal": options.priority = .normal
            case "high": options.priority = .high
            default: throw .badRequest("priority must be low, normal or high, got '\(priorityName)'")
            }
        }
        options.key = request.headers[ServeHeaders.routingKey]
        return options
    }

    /// The request id and a logger carrying it (and the trace context).
    private func requestLogger(_ request: Request, id bodyId: String?, model: String) -> (String, Logger, HTTPFields) {
        let id = request.headers[ServeHeaders.requestId] ?? bodyId ?? UUID().uuidString.lowercased()
        var logger = self.logger
        logger[metadataKey: "request_id"] = "\(id)"
        logger[metadataKey: "model"] = "\(model)"
        var headers: HTTPFields = [ServeHeaders.requestId: id]
        if let traceparent = request.headers[ServeHeaders.traceparent], Self.isValidTraceparent(traceparent) {
            logger[metadataKey: "traceparent"] = "\(traceparent)"
            headers[ServeHeaders.traceparent] = traceparent
        }
        return (id, logger, headers)
    }

    /// Whether a `traceparent` header has the W3C form `vv-<32 hex>-<16 hex>-<2 hex>`.
    static func isValidTraceparent(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4 else { return false }
        let lengths = [2, 32, 16, 2]
        for (part, length) in zip(parts, lengths) {
            guard part.count == length, part.allSatisfy(\.isHexDigit) else { return false }
        }
        return parts[1] != String(repeating: "0", count: 32) && parts[2] != String(repeating: "0", count: 16)
    }

    private func infer(_ request: Request, _ context: some RequestContext) async -> Response {
        let start = ContinuousClock.now
        metrics.inFlight.add(1)
        defer { metrics.inFlight.add(-1) }
        let name = context.parameters.get("name") ?? ""
        let pinned = context.parameters.get("version")
        var (id, logger, headers) = requestLogger(request, id: nil, model: name)
        var version = ""
        var modelLabel = "_unknown"  // bounded label values: only loaded models get their own series
        do {
            let model = try await repository.model(name)
            modelLabel = name
            let body = try await JSONBody.read(request, limit: configuration.maxBodyBytes)
            let inferRequest = try JSONBody.decode(InferRequest.self, from: body)
            if request.headers[ServeHeaders.requestId] == nil, let bodyId = inferRequest.id, !bodyId.isEmpty {
                (id, logger, headers) = requestLogger(request, id: bodyId, model: name)
            }
            logger.debug("request accepted")
            let schema = try await model.schema(version: pinned)
            let requested = try InferenceCodec.checkRequestedOutputs(inferRequest.outputs, schema: schema)
            let rows = try InferenceCodec.rows(
                of: inferRequest, schema: schema, maxRows: configuration.maxRowsPerRequest)
            let options = try Self.options(request, parameters: inferRequest.parameters)
            let answers = try await model.answer(
                rows.map(\.request), version: pinned, key: options.key, priority: options.priority,
                deadline: options.deadline)
            version = answers.first?.version ?? ""
            let latency = ContinuousClock.now - start
            logPredictions(answers, features: rows.map(\.features), id: id, model: model, latency: latency, logger)
            var parameters: [String: JSONValue]?
            if let arm = answers.first?.arm { parameters = ["rollout_arm": .string(arm.rawValue)] }
            let response = InferResponse(
                modelName: name, modelVersion: version, id: id, parameters: parameters,
                outputs: InferenceCodec.outputs(answers.map(\.prediction), schema: schema, requested: requested))
            headers[ServeHeaders.modelVersion] = version
            record(modelLabel, version, "success", start)
            logger.debug("inference answered", metadata: ["version": "\(version)", "rows": "\(rows.count)"])
            return JSONBody.response(response, headers: headers)
        } catch {
            let serveError = ServeError.from(error)
            record(modelLabel, version, serveError.outcome, start)
            logger.info(
                "inference refused",
                metadata: ["status": "\(serveError.status.code)", "error": "\(serveError.message)"])
            return JSONBody.error(serveError, headers: headers)
        }
    }

    private func record(_ model: String, _ version: String, _ outcome: String, _ start: ContinuousClock.Instant) {
        metrics.requests.increment(labels: ["model": model, "version": version, "outcome": outcome])
        metrics.latency.observe(ContinuousClock.now - start, labels: ["model": model])
    }

    /// Logs each answered row in the model's prediction log: the id itself for one row, `id#i` for row i of many.
    private func logPredictions(
        _ answers: [ServedModel.Answer], features: [[String: FeatureValue]], id: String, model: ServedModel,
        latency: Duration, _ logger: Logger
    ) {
        let seconds = Double(latency.components.seconds) + Double(latency.components.attoseconds) * 1e-18
        for (index, answer) in answers.enumerated() {
            let rowId = answers.count == 1 ? id : "\(id)#\(index)"
            let record = PredictionRecord(
                requestId: rowId, modelVersion: answer.version,
                features: index < features.count ? features[index] : [:],
                prediction: answer.prediction.outputs.map(Double.init), predictedLabel: answer.prediction.label,
                latencySeconds: seconds)
            do {
                try model.predictionLog.append(record)
            } catch {
                logger.warning("prediction not logged", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: Records

    /// The JSON-records body: `{"records": [{"column": value, …}, …]}` (or the array alone).
    struct RecordsRequest: Decodable {
        var id: String?
        var records: [[String: JSONValue]]

        init(from decoder: any Decoder) throws {
            if let array = try? decoder.singleValueContainer().decode([[String: JSONValue]].self) {
                records = array
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decodeIfPresent(String.self, forKey: .id)
            records = try container.decode([[String: JSONValue]].self, forKey: .records)
        }

        private enum CodingKeys: String, CodingKey { case id, records }
    }

    /// The JSON-records answer.
    struct RecordsResponse: Encodable {
        var modelName: String
        var modelVersion: String
        var id: String
        var predictions: [Prediction]

        private enum CodingKeys: String, CodingKey {
            case modelName = "model_name"
            case modelVersion = "model_version"
            case id, predictions
        }
    }

    private func records(_ request: Request, _ context: some RequestContext) async -> Response {
        let start = ContinuousClock.now
        metrics.inFlight.add(1)
        defer { metrics.inFlight.add(-1) }
        let name = context.parameters.get("name") ?? ""
        var (id, logger, headers) = requestLogger(request, id: nil, model: name)
        var version = ""
        var modelLabel = "_unknown"  // bounded label values: only loaded models get their own series
        do {
            let model = try await repository.model(name)
            modelLabel = name
            let body = try await JSONBody.read(request, limit: configuration.maxBodyBytes)
            let recordsRequest = try JSONBody.decode(RecordsRequest.self, from: body)
            if request.headers[ServeHeaders.requestId] == nil, let bodyId = recordsRequest.id, !bodyId.isEmpty {
                (id, logger, headers) = requestLogger(request, id: bodyId, model: name)
            }
            let schema = try await model.schema(version: nil)
            guard case .tabular = schema.input else {
                throw ServeError.badRequest("model '\(name)' takes tensors; use /v2/models/\(name)/infer")
            }
            guard !recordsRequest.records.isEmpty else { throw ServeError.badRequest("no records") }
            guard recordsRequest.records.count <= configuration.maxRowsPerRequest else {
                throw ServeError.badRequest(
                    "\(recordsRequest.records.count) records; at most \(configuration.maxRowsPerRequest) per request")
            }
            let features = try recordsRequest.records.enumerated().map { index, record throws(ServeError) in
                try Self.features(of: record, row: index)
            }
            let options = try Self.options(request, parameters: nil)
            let answers = try await model.answer(
                features.map { .record($0) }, version: nil, key: options.key, priority: options.priority,
                deadline: options.deadline)
            version = answers.first?.version ?? ""
            logPredictions(answers, features: features, id: id, model: model, latency: .now - start, logger)
            headers[ServeHeaders.modelVersion] = version
            record(modelLabel, version, "success", start)
            return JSONBody.response(
                RecordsResponse(
                    modelName: name, modelVersion: version, id: id, predictions: answers.map(\.prediction)),
                headers: headers)
        } catch {
            let serveError = ServeError.from(error)
            record(modelLabel, version, serveError.outcome, start)
            logger.info(
                "records refused", metadata: ["status": "\(serveError.status.code)", "error": "\(serveError.message)"])
            return JSONBody.error(serveError, headers: headers)
        }
    }

    static func features(of record: [String: JSONValue], row: Int) throws(ServeError) -> [String: FeatureValue] {
        var features: [String: FeatureValue] = [:]
        for (key, value) in record {
            switch value {
            case .null: features[key] = .missing
            case .bool(let flag): features[key] = .numeric(flag ? 1 : 0)
            case .integer(let integer): features[key] = .numeric(Double(integer))
            case .unsignedInteger(let integer): features[key] = .numeric(Double(integer))
            case .number(let number): features[key] = .numeric(number)
            case .string(let text): features[key] = .categorical(text)
            case .array, .object:
                throw .badRequest("record \(row): field '\(key)' must be a number, string, boolean or null")
            }
        }
        return features
    }

    // MARK: Feedback

    struct FeedbackRequest: Decodable {
        var id: String
        var label: JSONValue

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let id = try container.decodeIfPresent(String.self, forKey: .id) {
                self.id = id
            } else {
                id = try container.decode(String.self, forKey: .requestId)
            }
            label = try container.decode(JSONValue.self, forKey: .label)
        }

        private enum CodingKeys: String, CodingKey {
            case id, label
            case requestId = "request_id"
        }
    }

    private func feedback(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let body = try await JSONBody.read(request, limit: configuration.maxBodyBytes)
        let feedback = try JSONBody.decode(FeedbackRequest.self, from: body)
        let label: FeatureValue
        switch feedback.label {
        case .string(let text): label = .categorical(text)
        case .integer(let integer): label = .numeric(Double(integer))
        case .unsignedInteger(let integer): label = .numeric(Double(integer))
        case .number(let number): label = .numeric(number)
        case .bool(let flag): label = .numeric(flag ? 1 : 0)
        default: throw ServeError.badRequest("label must be a string, number or boolean")
        }
        let model = try await repository.model(name)
        try model.predictionLog.recordFeedback(requestId: feedback.id, label: label)
        let coverage = model.predictionLog.labelCoverage
        return JSONBody.response(
            FeedbackResponse(
                id: feedback.id, recorded: true, predictions: coverage.predictions, labelled: coverage.labelled))
    }

    // MARK: Rollout

    struct RolloutRequest: Decodable {
        var version: String?
        var mode: String
        var percent: Double?
        var salt: String?
    }

    private func rolloutStatus(_ context: some RequestContext) async throws -> Response {
        let model = try await repository.model(try Self.parameter("name", context))
        return JSONBody.response(await RolloutStatus(model))
    }

    private func startRollout(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let model = try await repository.model(name)
        let body = try await JSONBody.read(request, limit: configuration.maxBodyBytes)
        let rollout = try JSONBody.decode(RolloutRequest.self, from: body)
        let percent = rollout.percent ?? 10
        let mode: RoutingMode
        switch rollout.mode {
        case "canary": mode = .canary(challengerPercent: percent)
        case "shadow": mode = .shadow(samplePercent: rollout.percent ?? 100)
        case "ab", "sticky_ab": mode = .stickyAB(challengerPercent: rollout.percent ?? 50, salt: rollout.salt ?? name)
        case "off", "champion_only": mode = .championOnly
        default: throw ServeError.badRequest("mode must be canary, shadow, ab or off, got '\(rollout.mode)'")
        }
        if mode != .championOnly {
            guard let version = rollout.version else {
                throw ServeError.badRequest("a rollout needs the challenger's 'version'")
            }
            _ = try await model.schema(version: version)
            try await model.registry.promote(version, to: model.service.challengerAlias)
        }
        try model.service.router.setMode(mode, reason: "set over HTTP")
        logger.info("rollout changed", metadata: ["model": "\(name)", "mode": "\(rollout.mode)"])
        return JSONBody.response(await RolloutStatus(model))
    }

    private func promote(_ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let model = try await repository.model(name)
        let candidate = try await model.registry.resolve(model.service.challengerAlias)
        try await model.registry.promote(candidate.id, to: model.service.championAlias)
        try model.service.router.setMode(.championOnly, reason: "challenger \(candidate.id) promoted over HTTP")
        logger.info("challenger promoted", metadata: ["model": "\(name)", "version": "\(candidate.id)"])
        return JSONBody.response(await RolloutStatus(model))
    }

    private func rollback(_ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let model = try await repository.model(name)
        if model.service.router.mode != .championOnly {
            try model.service.router.setMode(.championOnly, reason: "rollout rolled back over HTTP")
        } else {
            try await model.registry.rollback(model.service.championAlias)
        }
        logger.info("rolled back", metadata: ["model": "\(name)"])
        return JSONBody.response(await RolloutStatus(model))
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
