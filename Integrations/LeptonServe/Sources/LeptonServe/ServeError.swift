import Hummingbird
import LeptonDeploy

/// Why the server refused or could not answer a request; every case maps to one HTTP status and a JSON body
/// `{"error": "…"}` naming what was wrong.
public struct ServeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status to answer with.
    public var status: HTTPResponse.Status
    /// The sentence returned in the `error` field.
    public var message: String
    /// Seconds after which the client may retry (sent as `Retry-After`), for overload and draining answers.
    public var retryAfterSeconds: Int?

    /// Creates an error.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - message: what was wrong.
    ///   - retryAfterSeconds: the `Retry-After` value, if any.
    public init(_ status: HTTPResponse.Status, _ message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The message.
    public var description: String { message }

    /// A malformed request (400).
    /// - Parameter message: what was wrong.
    /// - Returns: the error.
    public static func badRequest(_ message: String) -> ServeError { ServeError(.badRequest, message) }

    /// An unknown model or version (404).
    /// - Parameter message: what was not found.
    /// - Returns: the error.
    public static func notFound(_ message: String) -> ServeError { ServeError(.notFound, message) }

    /// A model that exists but cannot serve now (503, retry after one second).
    /// - Parameter message: why.
    /// - Returns: the error.
    public static func unavailable(_ message: String) -> ServeError {
        ServeError(.serviceUnavailable, message, retryAfterSeconds: 1)
    }

    /// Maps an error thrown while serving to an HTTP answer: bad input is the client's fault (400), an unknown user or
    /// item of a recommender is 404, a full queue is
    /// 429, shutting down or a model not ready is 503, a missed deadline is 504, anything else 500.
    /// - Parameter error: the error.
    /// - Returns: the HTTP error.
    public static func from(_ error: any Error) -> ServeError {
        switch error {
        case let serve as ServeError: return serve
        case let prediction as PredictionError: return .badRequest(prediction.description)
        case let recommender as RecommenderPredictorError:
            switch recommender {
            case .unknownUser, .unknownItem: return .notFound(recommender.description)
            case .invalidK, .noItemFactors: return .badRequest(recommender.description)
            }
        case let serving as ServingError:
            switch serving {
            case .queueFull: return ServeError(.tooManyRequests, serving.description, retryAfterSeconds: 1)
            case .shuttingDown: return ServeError(.serviceUnavailable, serving.description, retryAfterSeconds: 1)
            case .deadlineExceeded: return ServeError(.gatewayTimeout, serving.description)
            case .invalidConfiguration: return .badRequest(serving.description)
            case .batchResultCountMismatch: return ServeError(.internalServerError, serving.description)
            }
        case let registry as RegistryError:
            switch registry {
            case .unknownVersion, .unknownAlias: return .notFound(registry.description)
            case .notReady, .warmUpFailed: return .unavailable(registry.description)
            case .duplicateVersion, .noPreviousVersion, .versionInUse:
                return ServeError(.conflict, registry.description)
            }
        case let log as PredictionLogError:
            if case .unknownRequestId = log { return .notFound(log.description) }
            return ServeError(.internalServerError, log.description)
        case is CancellationError:
            return ServeError(.serviceUnavailable, "the request was cancelled", retryAfterSeconds: 1)
        default:
            return ServeError(.internalServerError, String(describing: error))
        }
    }

    /// The outcome label of this error in the request metrics.
    var outcome: String {
        switch status.code {
        case 429: return "rejected"
        case 503: return "unavailable"
        case 504: return "timeout"
        case 400..<500: return "client_error"
        default: return "error"
        }
    }
}
