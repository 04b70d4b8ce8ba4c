import Foundation
import Hummingbird
import HummingbirdTesting
import Lepton
import LeptonServe
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Version-pinned inference (`/v2/models/{name}/versions/{version}/infer`) goes through a per-version batcher:
/// rows of concurrent requests share a batch, a full queue answers 429, a missed deadline 504, and unloading the
/// model answers the pinned requests still waiting.
///
/// The server never dispatches a partial batch early (`dispatchWhenIdle` off, a 60 s queue delay), so a batch runs
/// only when 8 rows wait, a deadline passes or the model is unloaded: the outcomes below do not depend on timing.
@Suite struct PinnedBatchingTests {
    static let ages: [Double] = [23, 41, 67, 35, 52, 29, 60, 44]
    static let purposes = ["car", "business", "car", "education", "car", "business", "car", "education"]

    static func server(maxQueueSize: Int = 64) async throws -> InferenceServer {
        var configuration = ServerConfiguration(
            modelRepository: try ServeFixtures.repository(), maxBatchSize: 8, maxQueueDelay: .seconds(60),
            maxQueueSize: maxQueueSize)
        configuration.dispatchWhenIdle = false
        let server = InferenceServer(configuration: configuration)
        await server.repository.loadAll()
        return server
    }

    /// A credit request for rows `range` of the fixed rows, with optional parameters.
    static func body(_ range: Range<Int>, parameters: [String: Any]? = nil) -> Data {
        let n = range.count
        var object: [String: Any] = [
            "inputs": [
                ["name": "age", "shape": [n], "datatype": "FP32", "data": Array(ages[range])],
                ["name": "income", "shape": [n], "datatype": "FP32", "data": range.map { Double(20 + 7 * $0) }],
                ["name": "purpose", "shape": [n], "datatype": "BYTES", "data": Array(purposes[range])],
                ["name": "owns_home", "shape": [n], "datatype": "BOOL", "data": range.map { $0 % 2 == 0 }],
            ]
        ]
        if let parameters { object["parameters"] = parameters }
        return (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    }

    static func record(_ index: Int) -> [String: FeatureValue] {
        [
            "age": .number(ages[index]), "income": .number(Double(20 + 7 * index)),
            "purpose": .string(purposes[index]), "owns_home": .number(index % 2 == 0 ? 1 : 0),
        ]
    }

    /// An HTTP answer.
    struct Reply: Sendable {
        var status: Int
        var retryAfter: String?
        var data: Data
        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }
    }

    /// Posts a body and returns the status, the `Retry-After` header and the body.
    static func post(_ url: URL, _ body: Data) async throws -> Reply {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.timeoutInterval = 120
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return Reply(
            status: http?.statusCode ?? 0, retryAfter: http?.value(forHTTPHeaderField: "Retry-After"), data: data)
    }

    /// Waits until the pinned batcher of `credit-1` has `count` rows waiting.
    static func waitForQueue(_ server: InferenceServer, count: Int) async throws {
        let model = try await server.repository.model("credit")
        for _ in 0..<2000 {
            if await model.pinned.statistics(of: "credit-1")?.queueLength == count { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("the pinned queue never reached \(count) rows")
    }

    static func pinnedURL(_ client: any TestClientProtocol) throws -> URL {
        let port = try #require(client.port)
        return try #require(URL(string: "http://127.0.0.1:\(port)/v2/models/credit/versions/credit-1/infer"))
    }

    @Test func rowsOfConcurrentPinnedRequestsShareOneBatch() async throws {
        let server = try await Self.server()
        let predictor = try Predictor(
            bundle: server.configuration.modelRepository.appendingPathComponent("credit.lepton"))
        let expected = try (0..<8).map { try predictor.predict(record: Self.record($0)) }
        try await ServeFixtures.withLiveServer(server) { client in
            let url = try Self.pinnedURL(client)
            // Neither request can finish alone: a batch needs 8 rows and the queue delay is 60 s.
            async let first = Self.post(url, Self.body(0..<4, parameters: ["timeout_ms": 30_000]))
            async let second = Self.post(url, Self.body(4..<8, parameters: ["timeout_ms": 30_000]))
            let answers = try await [first, second]
            for (index, answer) in answers.enumerated() {
                let object = answer.object
                #expect(answer.status == 200, "\(object)")
                #expect(object["model_version"] as? String == "credit-1")
                let rows = expected[(index * 4)..<(index * 4 + 4)]
                #expect(close(floats(outputData(object, "probabilities")), rows.flatMap { $0.probabilities ?? [] }))
                #expect(outputData(object, "label") as? [String] == rows.map { $0.label ?? "" })
            }
            let model = try await server.repository.model("credit")
            let statistics = try #require(await model.pinned.statistics(of: "credit-1"))
            #expect(statistics.batchSizeCounts == [8: 1])
            #expect(statistics.outcomes[.succeeded] == 8)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(
                    response.text.contains(
                        "lepton_pinned_batch_size_count{model=\"credit\",version=\"credit-1\"} 1"), "\(response.text)")
                #expect(
                    response.text.contains(
                        "lepton_pinned_requests_total{model=\"credit\",version=\"credit-1\",outcome=\"succeeded\"} 8"))
            }
        }
    }

    @Test func aFullPinnedQueueAnswers429AndAMissedDeadline504() async throws {
        let server = try await Self.server(maxQueueSize: 2)
        try await ServeFixtures.withLiveServer(server) { client in
            let url = try Self.pinnedURL(client)
            async let waiting = Self.post(url, Self.body(0..<2, parameters: ["timeout_ms": 4_000]))
            try await Self.waitForQueue(server, count: 2)
            let full = try await Self.post(url, Self.body(2..<3))
            #expect(full.status == 429, "\(full.object)")
            #expect(full.retryAfter == "1")
            #expect((full.object["error"] as? String)?.contains("queue") == true, "\(full.object)")
            let expired = try await waiting
            #expect(expired.status == 504, "\(expired.object)")
            let single = try await Self.post(url, Self.body(3..<4, parameters: ["timeout_ms": 50]))
            #expect(single.status == 504, "\(single.object)")
            let model = try await server.repository.model("credit")
            let statistics = try #require(await model.pinned.statistics(of: "credit-1"))
            #expect(statistics.outcomes[.rejected] == 1)
            #expect(statistics.outcomes[.expired] == 3)
            #expect(statistics.batchesRun == 0)
        }
    }

    @Test func beyondItsCapacityTheLeastRecentlyUsedPinnedBatcherIsEvicted() async throws {
        var configuration = ServerConfiguration(modelRepository: try ServeFixtures.repository(), maxBatchSize: 8)
        configuration.maxPinnedBatchers = 1
        let server = InferenceServer(configuration: configuration)
        await server.repository.loadAll()
        try ManagementTests.writeSecondCreditVersion(into: configuration.modelRepository)
        try await server.repository.load("credit")
        let model = try await server.repository.model("credit")
        try await ServeFixtures.withLiveServer(server) { client in
            let port = try #require(client.port)
            for version in ["credit-1", "credit-2", "credit-1"] {
                let url = try #require(
                    URL(string: "http://127.0.0.1:\(port)/v2/models/credit/versions/\(version)/infer"))
                let answer = try await Self.post(url, Self.body(0..<2))
                #expect(answer.status == 200, "\(answer.object)")
                #expect(answer.object["model_version"] as? String == version)
                #expect(model.pinned.versions == [version])
            }
        }
    }

    @Test func unloadingAnswersThePinnedRequestsStillWaiting() async throws {
        let server = try await Self.server()
        let predictor = try Predictor(
            bundle: server.configuration.modelRepository.appendingPathComponent("credit.lepton"))
        let expected = try (0..<3).map { try predictor.predict(record: Self.record($0)) }
        try await ServeFixtures.withLiveServer(server) { client in
            let url = try Self.pinnedURL(client)
            async let waiting = Self.post(url, Self.body(0..<3))
            try await Self.waitForQueue(server, count: 3)
            try await client.execute(uri: "/v2/repository/models/credit/unload", method: .post) { response in
                #expect(response.status == .ok)
            }
            let answered = try await waiting
            #expect(answered.status == 200, "\(answered.object)")
            #expect(outputData(answered.object, "label") as? [String] == expected.map { $0.label ?? "" })
            #expect(try await Self.post(url, Self.body(0..<1)).status == 404)
        }
    }
}
