import Foundation
import Hummingbird
import LeptonData
import LeptonDeploy
import Logging

/// The JSON-records convenience route of tabular models.
extension InferenceServer {
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

    func records(_ request: Request, _ context: some RequestContext) async -> Response {
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
            case .bool(let flag): features[key] = .number(flag ? 1 : 0)
            case .integer(let integer): features[key] = .number(Double(integer))
            case .unsignedInteger(let integer): features[key] = .number(Double(integer))
            case .number(let number): features[key] = .number(number)
            case .string(let text): features[key] = .string(text)
            case .array, .object:
                throw .badRequest("record \(row): field '\(key)' must be a number, string, boolean or null")
            }
        }
        return features
    }
}
