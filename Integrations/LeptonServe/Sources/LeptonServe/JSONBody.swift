import Foundation
import HTTPTypes
import Hummingbird
import LeptonDeploy

/// Header names the server reads and writes.
public enum ServeHeaders {
    /// The request id (`X-Request-ID`), read from the request or generated, echoed in the response.
    public static let requestId = HTTPField.Name("x-request-id")!
    /// The W3C trace context, passed through to logs and echoed in the response.
    public static let traceparent = HTTPField.Name("traceparent")!
    /// A per-request deadline in milliseconds (`X-Lepton-Timeout-Ms`).
    public static let timeout = HTTPField.Name("x-lepton-timeout-ms")!
    /// The queue priority: `low`, `normal` or `high` (`X-Lepton-Priority`).
    public static let priority = HTTPField.Name("x-lepton-priority")!
    /// The sticky A/B key, for example a user id (`X-Lepton-Routing-Key`).
    public static let routingKey = HTTPField.Name("x-lepton-routing-key")!
    /// The version that answered (`X-Lepton-Model-Version`).
    public static let modelVersion = HTTPField.Name("x-lepton-model-version")!
    /// `Retry-After`, in seconds.
    public static let retryAfter = HTTPField.Name("retry-after")!
}

/// JSON responses and request bodies.
enum JSONBody {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// A JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        -> Response
    {
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            return self.error(ServeError(.internalServerError, "cannot encode the response: \(error)"))
        }
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A JSON header followed by binary tensor data, with `Inference-Header-Content-Length` (the binary tensor data
    /// extension).
    static func binaryResponse(_ value: some Encodable, binary: Data, headers: HTTPFields = [:]) -> Response {
        let header: Data
        do {
            header = try encoder.encode(value)
        } catch {
            return self.error(ServeError(.internalServerError, "cannot encode the response: \(error)"))
        }
        var fields = headers
        fields[.contentType] = "application/octet-stream"
        fields[BinaryTensorCodec.headerLengthField] = String(header.count)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(header.count + binary.count)
        buffer.writeBytes(header)
        buffer.writeBytes(binary)
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: buffer))
    }

    /// An error as `{"error": "…"}` with its status and `Retry-After`.
    static func error(_ error: ServeError, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        if let retryAfter = error.retryAfterSeconds { fields[ServeHeaders.retryAfter] = String(retryAfter) }
        return response(["error": error.message], status: error.status, headers: fields)
    }

    /// Reads the whole body up to `limit` bytes.
    /// - Throws: ``ServeError`` 413 when the body (or its declared length) is larger.
    static func read(_ request: Request, limit: Int) async throws(ServeError) -> Data {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw ServeError(.contentTooLarge, "the request body has \(declared) bytes; the limit is \(limit)")
        }
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            throw ServeError(.contentTooLarge, "the request body is larger than the limit of \(limit) bytes")
        }
    }

    /// Decodes a JSON body.
    /// - Throws: ``ServeError`` 400 naming where the JSON is wrong.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(ServeError) -> T {
        guard !data.isEmpty else { throw .badRequest("the request body is empty; a JSON object is expected") }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw .badRequest("invalid request JSON: \(describe(error))")
        } catch {
            throw .badRequest("invalid request JSON: \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(context.debugDescription) at \(path(context.codingPath))"
        case .dataCorrupted(let context): return "\(context.debugDescription) at \(path(context.codingPath))"
        @unknown default: return String(describing: error)
        }
    }
}

/// Answers every error that escapes a route — unknown paths, wrong methods — as `{"error": "…"}`.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let message = error.body ?? "\(error.status.code) \(error.status.reasonPhrase): \(request.uri.path)"
            return JSONBody.error(ServeError(error.status, message))
        } catch {
            return JSONBody.error(ServeError.from(error))
        }
    }
}
