import Foundation
import Hummingbird
import HummingbirdTesting
import Lepton
import LeptonServe

/// A fresh model repository with the example bundles, and servers over it.
enum ServeFixtures {
    /// A new directory holding `credit.lepton` and `digits-cnn.lepton`.
    static func repository() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lepton-serve-\(UUID().uuidString)")
        try ExampleBundles.write(to: url)
        return url
    }

    /// A server over a new example repository with every model loaded.
    static func server(
        maxBodyBytes: Int = 1 << 20, maxQueueSize: Int = 1024, maxRowsPerRequest: Int = 64
    ) async throws -> InferenceServer {
        let configuration = ServerConfiguration(
            modelRepository: try repository(), maxBatchSize: 8, maxQueueSize: maxQueueSize,
            maxBodyBytes: maxBodyBytes, maxRowsPerRequest: maxRowsPerRequest)
        let server = InferenceServer(configuration: configuration)
        await server.repository.loadAll()
        return server
    }

    /// Runs `body` against the server on a loopback port.
    static func withLiveServer<Value: Sendable>(
        _ server: InferenceServer, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let app = LeptonServeApp.makeApplication(server: server, port: 0)
        return try await app.test(.live) { client in try await body(client) }
    }

    /// A deterministic 8×8×1 image in [0, 1].
    static func image(_ seed: Int) -> [Float] {
        (0..<64).map { Float((($0 * 37 + seed * 11) % 64)) / 63 }
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var object: [String: Any] {
        let data = Data(body.readableBytesView)
        return ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
    }

    /// The body as a JSON array.
    var array: [Any] {
        let data = Data(body.readableBytesView)
        return ((try? JSONSerialization.jsonObject(with: data)) as? [Any]) ?? []
    }

    /// The body as text.
    var text: String { String(buffer: body) }

    /// The `error` message of an error body.
    var errorMessage: String { object["error"] as? String ?? "" }
}

/// A JSON body.
func jsonBody(_ object: Any) -> ByteBuffer {
    let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    return ByteBuffer(bytes: data)
}

/// A JSON body from text.
func textBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

/// The `data` of a named output of an inference response.
func outputData(_ response: [String: Any], _ name: String) -> [Any] {
    let outputs = response["outputs"] as? [[String: Any]] ?? []
    return outputs.first { $0["name"] as? String == name }?["data"] as? [Any] ?? []
}

/// The `shape` of a named output.
func outputShape(_ response: [String: Any], _ name: String) -> [Int] {
    let outputs = response["outputs"] as? [[String: Any]] ?? []
    return outputs.first { $0["name"] as? String == name }?["shape"] as? [Int] ?? []
}

/// Numbers from JSON.
func floats(_ values: [Any]) -> [Float] { values.compactMap { ($0 as? NSNumber)?.floatValue } }

/// Whether two float arrays agree to a relative tolerance (NaN never agrees).
func close(_ lhs: [Float], _ rhs: [Float], tolerance: Float = 1e-5) -> Bool {
    guard lhs.count == rhs.count, !lhs.isEmpty else { return false }
    return zip(lhs, rhs).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}
