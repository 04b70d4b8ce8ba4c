import Foundation
import Hummingbird
import HummingbirdTesting
import Lepton
import LeptonServe
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Recommender bundles in the model repository: the batch top-k API against a brute-force ranking, and the
/// `/recommend`, `/similar` and `/clicks` routes over real HTTP on loopback.
@Suite struct RecommenderServingTests {
    static let users = (0..<12).map { "u\($0)" }
    static let items = (0..<20).map { "i\($0)" }
    static let d = 3

    /// A deterministic recommender: 12 users, 20 items, 3 factors, each user has seen 3 items.
    static func bundle(version: String = "recs-1", seed: UInt64 = 0x9E37_79B9_7F4A_7C15) throws -> RecommenderBundle {
        var state = seed
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int((state >> 33) % 2001) - 1000) / 1000
        }
        var interactions: [Interaction] = []
        for (u, user) in users.enumerated() {
            for j in 0..<3 { interactions.append(Interaction(user: user, item: items[(u * 7 + j * 5) % 20], value: 4)) }
        }
        // Every item occurs at least once so that the item map holds the whole catalogue.
        for (i, item) in items.enumerated() where !interactions.contains(where: { $0.item == item }) {
            interactions.append(Interaction(user: users[i % users.count], item: item, value: 3))
        }
        let training = try InteractionMatrix(interactions: interactions)
        let userCount = training.users.count
        let itemCount = training.items.count
        return try RecommenderBundle(
            name: "recs", version: version, modelKind: "ExplicitALS", training: training, factorCount: d,
            userFactors: (0..<(userCount * d)).map { _ in next() },
            itemFactors: (0..<(itemCount * d)).map { _ in next() },
            userBiases: (0..<userCount).map { _ in next() / 4 }, itemBiases: (0..<itemCount).map { _ in next() / 4 },
            globalMean: 3.5)
    }

    /// The top-k by brute force in Double: every eligible item scored `μ + b_u + b_i + p_u · q_i`, sorted.
    static func bruteForce(
        _ bundle: RecommenderBundle, user: String, k: Int, excluding: Set<String> = [],
        candidates: Set<String>? = nil, filterSeen: Bool = true
    ) -> [String] {
        guard let u = bundle.users.index(of: user) else { return [] }
        let seen = Set(bundle.seenItems[bundle.seenOffsets[u]..<bundle.seenOffsets[u + 1]].map { Int($0) })
        var scored: [(Double, Int)] = []
        for i in 0..<bundle.items.count {
            let id = bundle.items.id(at: i)
            if excluding.contains(id) || (filterSeen && seen.contains(i)) { continue }
            if let candidates, !candidates.contains(id) { continue }
            var score = Double(bundle.manifest.globalMean) + Double(bundle.userBiases[u]) + Double(bundle.itemBiases[i])
            for f in 0..<d { score += Double(bundle.userFactors[u * d + f]) * Double(bundle.itemFactors[i * d + f]) }
            scored.append((score, i))
        }
        return scored.sorted { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.prefix(k).map {
            bundle.items.id(at: $0.1)
        }
    }

    static func single(_ predictor: RecommenderPredictor, _ query: RecommendationQuery)
        -> Result<[RecommendedItem], RecommenderPredictorError>
    {
        do {
            return .success(
                try predictor.recommend(
                    user: query.user, k: query.k, excluding: query.excluding, candidates: query.candidates,
                    filterSeen: query.filterSeen))
        } catch {
            return .failure(error)
        }
    }

    @Test func batchTopKEqualsSingleTopKAndBruteForce() throws {
        let bundle = try Self.bundle()
        let predictor = RecommenderPredictor(bundle: bundle)
        var queries: [RecommendationQuery] = []
        for (index, user) in Self.users.enumerated() {
            queries.append(RecommendationQuery(user: user, k: 5))
            queries.append(
                RecommendationQuery(
                    user: user, k: 4, excluding: ["i\(index)", "i\(index + 1)"],
                    candidates: Set(Self.items.filter { $0.count == 2 || $0.hasSuffix("1") }),
                    filterSeen: index % 2 == 0))
        }
        queries.append(RecommendationQuery(user: "nobody", k: 3))
        queries.append(RecommendationQuery(user: "u1", k: 0))
        queries.append(RecommendationQuery(user: "u2", k: 50))
        let batch = predictor.recommend(batch: queries)
        #expect(batch.count == queries.count)
        for (query, result) in zip(queries, batch) {
            switch (result, Self.single(predictor, query)) {
            case (.success(let fromBatch), .success(let single)):
                #expect(fromBatch.map(\.item) == single.map(\.item), "\(query)")
                #expect(close(fromBatch.map(\.score), single.map(\.score)) || single.isEmpty, "\(query)")
                let truth = Self.bruteForce(
                    bundle, user: query.user, k: query.k, excluding: query.excluding, candidates: query.candidates,
                    filterSeen: query.filterSeen)
                #expect(fromBatch.map(\.item) == truth, "\(query)")
            case (.failure(let batchError), .failure(let singleError)):
                #expect(batchError == singleError, "\(query)")
            default:
                Issue.record("batch and single disagree on \(query): \(result)")
            }
        }
        #expect((try? batch[batch.count - 3].get()) == nil)
        #expect(try batch[batch.count - 1].get().count == 20 - 3)
    }

    /// A server over the example repository plus `recs.lepton`.
    static func server(maxBatchSize: Int = 8, eager: Bool = true) async throws -> InferenceServer {
        let directory = try ServeFixtures.repository()
        try bundle().write(to: directory.appendingPathComponent("recs.lepton"))
        var configuration = ServerConfiguration(
            modelRepository: directory, maxBatchSize: maxBatchSize,
            maxQueueDelay: eager ? .milliseconds(2) : .seconds(60))
        configuration.dispatchWhenIdle = eager
        let server = InferenceServer(configuration: configuration)
        await server.repository.loadAll()
        return server
    }

    static func items(_ object: [String: Any]) -> [String] {
        (object["items"] as? [[String: Any]] ?? []).compactMap { $0["item"] as? String }
    }

    @Test func recommendSimilarMetadataIndexErrorsAndMetricsOverHTTP() async throws {
        let server = try await Self.server()
        let bundle = try Self.bundle()
        let predictor = RecommenderPredictor(bundle: bundle)
        try await ServeFixtures.withLiveServer(server) { client in
            try await client.execute(uri: "/v2/repository/index", method: .post) { response in
                let entries = response.array.compactMap { $0 as? [String: Any] }
                let recs = entries.first { $0["name"] as? String == "recs" }
                #expect(recs?["kind"] as? String == "recommender")
                #expect(recs?["model_kind"] as? String == "ExplicitALS")
                #expect(recs?["state"] as? String == "READY")
                #expect(entries.first { $0["name"] as? String == "credit" }?["kind"] as? String == "predictor")
            }
            try await client.execute(uri: "/v2/models/recs", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.object["platform"] as? String == "lepton_recommender")
                #expect(response.object["versions"] as? [String] == ["recs-1"])
            }
            try await client.execute(uri: "/v2/models/recs/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
            for user in ["u0", "u5", "u11"] {
                let body = jsonBody(["user": user, "k": 4])
                try await client.execute(uri: "/v2/models/recs/recommend", method: .post, body: body) { response in
                    #expect(response.status == .ok, "\(response.text)")
                    #expect(response.object["model_version"] as? String == "recs-1")
                    #expect(Self.items(response.object) == Self.bruteForce(bundle, user: user, k: 4))
                    let scores = floats((response.object["items"] as? [[String: Any]] ?? []).compactMap { $0["score"] })
                    let expected = try predictor.recommend(user: user, k: 4).map(\.score)
                    #expect(close(scores, expected))
                }
            }
            let restricted: [String: Any] = [
                "user": "u3", "k": 3, "exclude": ["i0", "i2"], "candidates": ["i0", "i1", "i2", "i4", "i9", "i13"],
                "filter_seen": false,
            ]
            try await client.execute(uri: "/v2/models/recs/recommend", method: .post, body: jsonBody(restricted)) {
                response in
                #expect(response.status == .ok)
                #expect(
                    Self.items(response.object)
                        == Self.bruteForce(
                            bundle, user: "u3", k: 3, excluding: ["i0", "i2"],
                            candidates: ["i0", "i1", "i2", "i4", "i9", "i13"], filterSeen: false))
            }
            let similar = try await client.execute(
                uri: "/v2/models/recs/similar", method: .post, body: jsonBody(["item": "i7", "k": 5]))
            #expect(similar.status == .ok)
            #expect(Self.items(similar.object) == (try predictor.similarItems(to: "i7", k: 5)).map(\.item))
            let failures: [(String, Any, HTTPResponse.Status, String)] = [
                ("recommend", ["user": "stranger", "k": 3], .notFound, "stranger"),
                ("similar", ["item": "i99", "k": 3], .notFound, "i99"),
                ("recommend", ["user": "u1", "k": 0], .badRequest, "k"),
                ("recommend", ["user": "u1", "k": 10_001], .badRequest, "k"),
                ("recommend", ["k": 3], .badRequest, "user"),
                ("recommend", ["user": "u1", "k": "ten"], .badRequest, "k"),
            ]
            for (route, body, status, word) in failures {
                let response = try await client.execute(
                    uri: "/v2/models/recs/\(route)", method: .post, body: jsonBody(body))
                #expect(response.status == status, "\(route) \(body): \(response.text)")
                #expect(response.errorMessage.contains(word), "\(response.errorMessage)")
            }
            try await client.execute(uri: "/v2/models/credit/recommend", method: .post, body: jsonBody(["user": "u1"]))
            { response in
                #expect(response.status == .badRequest)
                #expect(response.errorMessage.contains("not a recommender"))
            }
            try await client.execute(uri: "/v2/models/nope/recommend", method: .post, body: jsonBody(["user": "u1"])) {
                response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v2/models/recs/infer", method: .post, body: ManagementTests.creditRow) {
                response in
                #expect(response.status == .badRequest)
                #expect(response.errorMessage.contains("recommend"))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = response.text
                #expect(text.contains("lepton_recommendations_total{model=\"recs\",kind=\"recommend\"} 4"), "\(text)")
                #expect(text.contains("lepton_recommendations_total{model=\"recs\",kind=\"similar\"} 1"))
                #expect(text.contains("lepton_recommendation_catalogue_coverage{model=\"recs\"}"))
                #expect(
                    text.contains(
                        "lepton_inference_requests_total{model=\"recs\",version=\"recs-1\",outcome=\"success\"} 5"))
            }
        }
    }

    @Test func loadingANewerBundleHotSwapsTheRecommender() async throws {
        let server = try await Self.server()
        let newer = try Self.bundle(version: "recs-2", seed: 42)
        try newer.write(to: server.configuration.modelRepository.appendingPathComponent("recs.lepton"))
        try await ServeFixtures.withLiveServer(server) { client in
            let load = try await client.execute(uri: "/v2/repository/models/recs/load", method: .post)
            #expect(load.status == .ok, "\(load.text)")
            let metadata = try await client.execute(uri: "/v2/models/recs", method: .get)
            #expect(metadata.object["versions"] as? [String] == ["recs-1", "recs-2"])
            let answer = try await client.execute(
                uri: "/v2/models/recs/recommend", method: .post, body: jsonBody(["user": "u4", "k": 5]))
            #expect(answer.status == .ok)
            #expect(answer.object["model_version"] as? String == "recs-2")
            #expect(Self.items(answer.object) == Self.bruteForce(newer, user: "u4", k: 5))
            #expect(Self.bruteForce(newer, user: "u4", k: 5) != Self.bruteForce(try Self.bundle(), user: "u4", k: 5))
            let index = try await client.execute(uri: "/v2/repository/index", method: .post)
            let recs = index.array.compactMap { $0 as? [String: Any] }.first { $0["name"] as? String == "recs" }
            #expect(recs?["version"] as? String == "recs-2")
        }
    }

    @Test func concurrentTopKRequestsShareOneBatch() async throws {
        let server = try await Self.server(maxBatchSize: 4, eager: false)
        let bundle = try Self.bundle()
        try await ServeFixtures.withLiveServer(server) { client in
            let port = try #require(client.port)
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/v2/models/recs/recommend"))
            // A batch runs only when 4 requests wait (60 s queue delay, no idle dispatch).
            let users = ["u1", "u2", "u3", "u4"]
            let answers = try await withThrowingTaskGroup(of: (String, Int, Data).self) { group in
                for user in users {
                    group.addTask {
                        var request = URLRequest(url: url)
                        request.httpMethod = "POST"
                        request.timeoutInterval = 120
                        request.httpBody = try JSONSerialization.data(
                            withJSONObject: ["user": user, "k": 3, "parameters": ["timeout_ms": 30_000]])
                        let (data, response) = try await URLSession.shared.data(for: request)
                        return (user, (response as? HTTPURLResponse)?.statusCode ?? 0, data)
                    }
                }
                var all: [(String, Int, Data)] = []
                for try await answer in group { all.append(answer) }
                return all
            }
            for (user, status, data) in answers {
                #expect(status == 200)
                let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
                #expect(Self.items(object) == Self.bruteForce(bundle, user: user, k: 3), "\(user)")
            }
            let model = try await server.repository.recommender("recs")
            let statistics = await model.service.statistics(of: .champion)
            #expect(statistics.batchSizeCounts == [4: 1])
        }
    }

    @Test func clicksJoinTheRecommendationOrAreLoggedAsNewInteractions() async throws {
        let server = try await Self.server()
        try await ServeFixtures.withLiveServer(server) { client in
            let recommended = try await client.execute(
                uri: "/v2/models/recs/recommend", method: .post, body: jsonBody(["user": "u2", "k": 3, "id": "req-7"]))
            #expect(recommended.status == .ok)
            #expect(recommended.object["id"] as? String == "req-7")
            let shown = Self.items(recommended.object)
            try #require(shown.count == 3)
            let first = try #require(shown.first)
            let clicks: [([String: Any], HTTPResponse.Status, Bool?)] = [
                (["user": "u2", "item": first, "clicked": true, "request_id": "req-7"], .ok, true),
                (["user": "u2", "item": shown[1], "clicked": false, "request_id": "req-7"], .ok, true),
                (["user": "new-user", "item": "i3", "clicked": true], .ok, false),
                (["user": "u9", "item": first, "clicked": true, "request_id": "req-7"], .badRequest, nil),
                (["user": "u2", "item": first], .badRequest, nil),
                (["user": "", "item": first, "clicked": true], .badRequest, nil),
            ]
            for (body, status, joined) in clicks {
                let response = try await client.execute(
                    uri: "/v2/models/recs/clicks", method: .post, body: jsonBody(body))
                #expect(response.status == status, "\(body): \(response.text)")
                if let joined { #expect(response.object["joined"] as? Bool == joined) }
            }
            let log = try await server.repository.recommender("recs").interactionLog
            #expect(log.record(requestId: "req-7#\(first)")?.groundTruth == .number(1))
            #expect(log.record(requestId: "req-7#\(shown[1])")?.groundTruth == .number(0))
            #expect(log.record(requestId: "req-7#\(shown[2])")?.groundTruth == nil)
            let organic = log.records.filter { $0.features["user"] == .string("new-user") }
            #expect(organic.count == 1)
            #expect(organic.first?.features["item"] == .string("i3"))
            #expect(organic.first?.groundTruth == .number(1))
            #expect(log.labelCoverage.labelled == 3)
        }
    }
}
