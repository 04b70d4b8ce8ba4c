import Foundation
import Hummingbird
import LeptonData
import LeptonDeploy
import Logging

/// The feedback route: joins a label to a logged prediction.
extension InferenceServer {
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

    func feedback(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let name = try Self.parameter("name", context)
        let body = try await JSONBody.read(request, limit: configuration.maxBodyBytes)
        let feedback = try JSONBody.decode(FeedbackRequest.self, from: body)
        let label: FeatureValue
        switch feedback.label {
        case .string(let text): label = .string(text)
        case .integer(let integer): label = .number(Double(integer))
        case .unsignedInteger(let integer): label = .number(Double(integer))
        case .number(let number): label = .number(number)
        case .bool(let flag): label = .number(flag ? 1 : 0)
        default: throw ServeError.badRequest("label must be a string, number or boolean")
        }
        let model = try await repository.model(name)
        try model.predictionLog.recordFeedback(requestId: feedback.id, label: label)
        let coverage = model.predictionLog.labelCoverage
        return JSONBody.response(
            FeedbackResponse(
                id: feedback.id, recorded: true, predictions: coverage.predictions, labelled: coverage.labelled))
    }
}
