import Foundation
import Hummingbird
import HummingbirdTesting
import Lepton
import LeptonServe
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Hot swaps (load of a newer bundle, promote, rollback) while several connections send requests: no request may
/// get a 5xx, and every answer comes from one of the two versions.
@Suite struct HotSwapUnderLoadTests {
    @Test func hotSwapsUnderLoadAnswerEveryRequest() async throws {
        let server = try await ServeFixtures.server()
        try ManagementTests.writeSecondCreditVersion(into: server.configuration.modelRepository)
        let body = Data(ManagementTests.creditRow.readableBytesView)
        try await ServeFixtures.withLiveServer(server) { client in
            let port = try #require(client.port)
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/v2/models/credit/infer"))
            let outcomes = try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var seen: [(Int, String)] = []
                        for _ in 0..<60 {
                            var request = URLRequest(url: url)
                            request.httpMethod = "POST"
                            request.httpBody = body
                            let (data, response) = try await URLSession.shared.data(for: request)
                            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
                            seen.append((status, object?["model_version"] as? String ?? ""))
                        }
                        return seen
                    }
                }
                // Swap while the requests run: load the newer bundle, then roll back and promote in turn.
                try await client.execute(uri: "/v2/repository/models/credit/load", method: .post) { response in
                    #expect(response.status == .ok)
                }
                for _ in 0..<5 {
                    try await client.execute(uri: "/v2/models/credit/rollback", method: .post) { response in
                        #expect(response.status == .ok)
                    }
                    try await client.execute(
                        uri: "/v2/models/credit/rollout", method: .post,
                        body: jsonBody(["version": "credit-2", "mode": "canary", "percent": 50])
                    ) { response in
                        #expect(response.status == .ok)
                    }
                    try await client.execute(uri: "/v2/models/credit/promote", method: .post) { response in
                        #expect(response.status == .ok)
                    }
                }
                var all: [(Int, String)] = []
                for try await seen in group { all += seen }
                return all
            }
            #expect(outcomes.count == 480)
            #expect(outcomes.allSatisfy { $0.0 == 200 }, "statuses: \(Set(outcomes.map(\.0)))")
            #expect(Set(outcomes.map(\.1)).isSubset(of: ["credit-1", "credit-2"]))
        }
    }
}
