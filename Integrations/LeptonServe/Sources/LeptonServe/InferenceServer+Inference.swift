import Foundation
import Hummingbird
import LeptonData
import LeptonDeploy
import Logging

/// The inference route: decoding, per-request options, batching through the model, the answer, metrics and the
/// prediction log.
extension InferenceServer {
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
    func requestLogger(_ request: Request, id bodyId: String?, model: String) -> (String, Logger, HTTPFields) {
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

    func infer(_ request: Request, _ context: some RequestContext) async -> Response {
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
            let (header, binary) = try BinaryTensorCodec.split(
                body, headerLength: request.headers[BinaryTensorCodec.headerLengthField])
            var inferRequest = try JSONBody.decode(InferRequest.self, from: header)
            try BinaryTensorCodec.attach(binary, to: &inferRequest)
            if request.headers[ServeHeaders.requestId] == nil, let bodyId = inferRequest.id, !bodyId.isEmpty {
                (id, logger, headers) = requestLogger(request, id: bodyId, model: name)
            }
            logger.debug("request accepted")
            let schema = try await model.schema(version: pinned)
            let requested = try InferenceCodec.checkRequestedOutputs(inferRequest.outputs, schema: schema)
            let binaryOutputs = try BinaryTensorCodec.binaryOutputs(
                of: inferRequest, all: requested ?? InferenceCodec.outputNames(for: schema))
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
            var response = InferResponse(
                modelName: name, modelVersion: version, id: id, parameters: parameters,
                outputs: InferenceCodec.outputs(answers.map(\.prediction), schema: schema, requested: requested))
            headers[ServeHeaders.modelVersion] = version
            record(modelLabel, version, "success", start)
            logger.debug("inference answered", metadata: ["version": "\(version)", "rows": "\(rows.count)"])
            if !binaryOutputs.isEmpty {
                let binaryPart = BinaryTensorCodec.moveToBinary(&response, names: binaryOutputs)
                return JSONBody.binaryResponse(response, binary: binaryPart, headers: headers)
            }
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

    func record(_ model: String, _ version: String, _ outcome: String, _ start: ContinuousClock.Instant) {
        metrics.requests.increment(labels: ["model": model, "version": version, "outcome": outcome])
        metrics.latency.observe(ContinuousClock.now - start, labels: ["model": model])
    }

    /// Logs each answered row in the model's prediction log: the id itself for one row, `id#i` for row i of many.
    func logPredictions(
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
}
