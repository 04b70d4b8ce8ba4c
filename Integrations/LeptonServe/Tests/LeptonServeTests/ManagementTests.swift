import Foundation
import Hummingbird
import HummingbirdTesting
import Lepton
import LeptonServe
import Testing

/// Repository, hot swap, rollout, feedback and metrics endpoints over real HTTP on loopback.
@Suite struct ManagementTests {
    static var creditRow: ByteBuffer { jsonBody(creditObject) }

    static var creditObject: [String: Any] {
        [
            "inputs": [
                ["name": "age", "shape": [1], "datatype": "FP32", "data": [41]],
                ["name": "income", "shape": [1], "datatype": "FP32", "data": [52]],
                ["name": "purpose", "shape": [1], "datatype": "BYTES", "data": ["car"]],
                ["name": "owns_home", "shape": [1], "datatype": "BOOL", "data": [true]],
            ]
        ]
    }

    /// Writes a newer credit version over the flat file.
    static func writeSecondCreditVersion(into directory: URL) throws {
        try ExampleBundles.creditBundle(
            version: "credit-2", seed: 99, createdAt: Date(timeIntervalSince1970: 1_765_000_000)
        ).write(to: directory.appendingPathComponent("credit.lepton"))
    }

    @Test func repositoryIndexUnloadLoadAndHotSwap() async throws {
        let server = try await ServeFixtures.server()
        let directory = server.configuration.modelRepository
        try await ServeFixtures.withLiveServer(server) { client in
            try await client.execute(uri: "/v2/repository/index", method: .post) { response in
                #expect(response.status == .ok)
                let entries = response.array.compactMap { $0 as? [String: Any] }
                #expect(entries.map { $0["name"] as? String ?? "" } == ["credit", "digits-cnn"])
                #expect(entries.allSatisfy { $0["state"] as? String == "READY" })
            }
            try await client.execute(uri: "/v2/repository/models/credit/unload", method: .post) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v2/repository/index", method: .post, body: jsonBody(["ready": true])) {
                response in
                #expect(response.array.compactMap { ($0 as? [String: Any])?["name"] as? String } == ["digits-cnn"])
            }
            try await client.execute(uri: "/v2/models/credit/infer", method: .post, body: Self.creditRow) {
                response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v2/models/credit/ready", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v2/repository/models/credit/unload", method: .post) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v2/repository/models/credit/load", method: .post) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v2/repository/models/missing/load", method: .post) { response in
                #expect(response.status == .notFound)
                #expect(response.errorMessage.contains("missing"))
            }
            // Hot swap: a newer bundle replaces the file; loading again promotes it, the old version stays pinned.
            try Self.writeSecondCreditVersion(into: directory)
            try await client.execute(uri: "/v2/repository/models/credit/load", method: .post) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v2/models/credit/infer", method: .post, body: Self.creditRow) {
                response in
                #expect(response.status == .ok)
                #expect(response.object["model_version"] as? String == "credit-2")
            }
            try await client.execute(uri: "/v2/models/credit", method: .get) { response in
                #expect(response.object["versions"] as? [String] == ["credit-1", "credit-2"])
            }
            try await client.execute(
                uri: "/v2/models/credit/versions/credit-1/infer", method: .post, body: Self.creditRow
            ) { response in
                #expect(response.object["model_version"] as? String == "credit-1")
            }
            // A broken bundle does not replace the serving model.
            try Data("not a bundle".utf8).write(to: directory.appendingPathComponent("credit.lepton"))
            try await client.execute(uri: "/v2/repository/models/credit/load", method: .post) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/v2/models/credit/infer", method: .post, body: Self.creditRow) {
                response in
                #expect(response.status == .ok)
                #expect(response.object["model_version"] as? String == "credit-2")
            }
        }
    }

    @Test func aBrokenBundleIsReportedWithoutHoldingTheServerUnready() async throws {
        let directory = try ServeFixtures.repository()
        try Data("not a bundle".utf8).write(to: directory.appendingPathComponent("broken.lepton"))
        let server = InferenceServer(configuration: ServerConfiguration(modelRepository: directory))
        await server.repository.loadAll()
        try await ServeFixtures.withLiveServer(server) { client in
            try await client.execute(uri: "/v2/health/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v2/repository/index", method: .post) { response in
                let entries = response.array.compactMap { $0 as? [String: Any] }
                let broken = entries.first { $0["name"] as? String == "broken" }
                #expect(broken?["state"] as? String == "UNAVAILABLE")
                #expect((broken?["reason"] as? String)?.contains("broken") == true)
            }
            try await client.execute(uri: "/v2/models/broken/ready", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func rolloutPromoteRollbackAndStickyAB() async throws {
        let server = try await ServeFixtures.server()
        try Self.writeSecondCreditVersion(into: server.configuration.modelRepository)
        try await server.repository.load("credit")
        @Sendable func infer(_ client: any TestClientProtocol, key: String? = nil) async throws -> (String, String?) {
            var headers: HTTPFields = [:]
            if let key { headers[ServeHeaders.routingKey] = key }
            return try await client.execute(
                uri: "/v2/models/credit/infer", method: .post, headers: headers, body: Self.creditRow
            ) { response in
                let parameters = response.object["parameters"] as? [String: Any]
                return (response.object["model_version"] as? String ?? "", parameters?["rollout_arm"] as? String)
            }
        }
        try await ServeFixtures.withLiveServer(server) { client in
            #expect(try await infer(client).0 == "credit-2")
            // No rollout running: rollback returns production to the previous version.
            try await client.execute(uri: "/v2/models/credit/rollback", method: .post) { response in
                #expect(response.status == .ok)
                #expect(response.object["production"] as? String == "credit-1")
            }
            #expect(try await infer(client).0 == "credit-1")
            // A 100% canary sends everything to the challenger.
            try await client.execute(
                uri: "/v2/models/credit/rollout", method: .post,
                body: jsonBody(["version": "credit-2", "mode": "canary", "percent": 100])
            ) { response in
                #expect(response.status == .ok)
                #expect(response.object["mode"] as? String == "canary")
                #expect(response.object["candidate"] as? String == "credit-2")
            }
            let canary = try await infer(client)
            #expect(canary.0 == "credit-2")
            #expect(canary.1 == "challenger")
            // Sticky A/B: one key always sees the same version.
            try await client.execute(
                uri: "/v2/models/credit/rollout", method: .post,
                body: jsonBody(["version": "credit-2", "mode": "ab", "percent": 50, "salt": "s"])
            ) { response in
                #expect(response.status == .ok)
            }
            for key in ["user-1", "user-2", "user-3"] {
                let first = try await infer(client, key: key).0
                for _ in 0..<5 { #expect(try await infer(client, key: key).0 == first) }
            }
            try await client.execute(uri: "/v2/models/credit/rollout", method: .get) { response in
                #expect(response.object["mode"] as? String == "ab")
            }
            // Promote the challenger: production serves it, the rollout ends.
            try await client.execute(uri: "/v2/models/credit/promote", method: .post) { response in
                #expect(response.status == .ok)
                #expect(response.object["production"] as? String == "credit-2")
                #expect(response.object["mode"] as? String == "off")
            }
            #expect(try await infer(client, key: "user-1").0 == "credit-2")
            // Errors.
            try await client.execute(
                uri: "/v2/models/credit/rollout", method: .post,
                body: jsonBody(["version": "credit-7", "mode": "canary"])
            ) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(
                uri: "/v2/models/credit/rollout", method: .post,
                body: jsonBody(["version": "credit-2", "mode": "half"])
            ) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(
                uri: "/v2/models/credit/rollout", method: .post,
                body: jsonBody(["version": "credit-2", "mode": "canary", "percent": 150])
            ) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(
                uri: "/v2/models/credit/rollout", method: .post, body: jsonBody(["mode": "canary"])
            ) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/v2/models/digits-cnn/promote", method: .post) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v2/models/digits-cnn/rollback", method: .post) { response in
                #expect(response.status == .conflict)
            }
        }
    }

    @Test func feedbackJoinsTheLabelToTheLoggedPrediction() async throws {
        let server = try await ServeFixtures.server()
        var object = Self.creditObject
        object["id"] = "req-42"
        let body = jsonBody(object)
        try await ServeFixtures.withLiveServer(server) { client in
            try await client.execute(uri: "/v2/models/credit/infer", method: .post, body: body) { response in
                #expect(response.status == .ok)
                #expect(response.object["id"] as? String == "req-42")
            }
            try await client.execute(
                uri: "/v2/models/credit/feedback", method: .post, body: jsonBody(["id": "req-42", "label": "good"])
            ) { response in
                #expect(response.status == .ok)
                #expect(response.object["labelled"] as? Int == 1)
            }
            try await client.execute(
                uri: "/v2/models/credit/feedback", method: .post, body: jsonBody(["id": "req-0", "label": "good"])
            ) { response in
                #expect(response.status == .notFound)
                #expect(response.errorMessage.contains("req-0"))
            }
            try await client.execute(
                uri: "/v2/models/credit/feedback", method: .post, body: jsonBody(["label": "good"])
            ) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(
                uri: "/v2/models/credit/feedback", method: .post, body: jsonBody(["id": "req-42", "label": [1]])
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
        let model = try await server.repository.model("credit")
        let record = try #require(model.predictionLog.record(requestId: "req-42"))
        #expect(record.groundTruth == .string("good"))
        #expect(record.modelVersion == "credit-1")
        #expect(record.features["age"] == .number(41))
    }

    @Test func metricsExposeRequestsLatencyBatchesAndInFlight() async throws {
        let server = try await ServeFixtures.server()
        try await ServeFixtures.withLiveServer(server) { client in
            for _ in 0..<3 {
                try await client.execute(
                    uri: "/v2/models/credit/infer", method: .post, body: Self.creditRow
                ) { _ in }
            }
            try await client.execute(uri: "/v2/models/credit/infer", method: .post, body: textBody("{")) { _ in }
            try await client.execute(uri: "/v2/models/x1/infer", method: .post, body: textBody("{")) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = response.text
                #expect(
                    text.contains(
                        #"lepton_inference_requests_total{model="credit",version="credit-1",outcome="success"} 3"#))
                #expect(
                    text.contains(
                        #"lepton_inference_requests_total{model="credit",version="",outcome="client_error"} 1"#))
                #expect(text.contains(#"lepton_queue_wait_seconds_bucket{model="credit",arm="champion""#))
                #expect(text.contains(#"lepton_compute_seconds_count{model="credit",arm="champion"} "#))
                #expect(text.contains(#"lepton_batch_size_bucket{model="credit",arm="champion""#))
                #expect(text.contains("lepton_in_flight_requests 0"))
                #expect(text.contains("# TYPE lepton_batch_size histogram"))
                #expect(
                    text.contains(
                        #"lepton_inference_requests_total{model="_unknown",version="",outcome="client_error"} 1"#))
                #expect(!text.contains("x1"))
                // Every family is declared once.
                let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE") }
                #expect(Set(types).count == types.count)
            }
        }
    }
}
