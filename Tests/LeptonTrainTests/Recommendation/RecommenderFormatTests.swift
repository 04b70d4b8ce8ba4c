import Foundation
import LeptonData
import Testing

@testable import LeptonTrain

@Suite("Recommender save format: each latent-factor model round-trips, keeps its three keys and reads old files")
struct RecommenderFormatTests {
    /// Five ratings of three users on three items.
    private func ratings() throws -> InteractionMatrix {
        try InteractionMatrix(
            interactions: [("a", "x", 4), ("a", "y", 2), ("b", "y", 5), ("c", "x", 1), ("c", "z", 3)].map {
                Interaction(user: $0.0, item: $0.1, value: $0.2)
            }, ratingScale: 1...5)
    }

    /// Encodes `model`, decodes it back and checks the copy equals it and scores every user identically; checks the
    /// JSON has exactly the keys `configuration`, `factors` and `training`; and checks that the model's file in
    /// Resources/recommenders (its sorted-keys JSON as written before the models shared one storage type) decodes and
    /// re-encodes unchanged.
    private func checkFormat<Model: LatentFactorRecommender & Codable & Equatable>(_ model: Model) throws {
        let data = try JSONEncoder().encode(model)
        let decoded = try JSONDecoder().decode(Model.self, from: data)
        #expect(decoded == model)
        for user in 0..<model.training.userCount {
            #expect(try decoded.itemScores(forUser: user) == model.itemScores(forUser: user))
        }
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["configuration", "factors", "training"])
        let sorted = JSONEncoder()
        sorted.outputFormatting = .sortedKeys
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/recommenders/\(Model.modelName).json")
        let saved = try String(contentsOf: file, encoding: .utf8)
        let old = try JSONDecoder().decode(Model.self, from: Data(saved.utf8))
        #expect(String(decoding: try sorted.encode(old), as: UTF8.self) == saved)
    }

    @Test("baseline")
    func baseline() throws {
        try checkFormat(
            BaselineOnlyRecommender(fitting: ratings(), configuration: .init(epochs: 2)))
    }

    @Test("matrix factorisation")
    func matrixFactorization() throws {
        try checkFormat(
            MatrixFactorizationRecommender(
                fitting: ratings(), configuration: .init(factorCount: 2, epochs: 2, seed: 1)))
    }

    @Test("explicit ALS")
    func explicitALS() throws {
        try checkFormat(
            ExplicitALSRecommender(fitting: ratings(), configuration: .init(factorCount: 2, iterations: 2, seed: 1)))
    }

    @Test("implicit ALS")
    func implicitALS() throws {
        try checkFormat(
            ImplicitALSRecommender(fitting: ratings(), configuration: .init(factorCount: 2, iterations: 2, seed: 1)))
    }

    @Test("BPR")
    func bpr() throws {
        try checkFormat(
            BPRRecommender(fitting: ratings(), configuration: .init(factorCount: 2, iterations: 2, seed: 1)))
    }
}
