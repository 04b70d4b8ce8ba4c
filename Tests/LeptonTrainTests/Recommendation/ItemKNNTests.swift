import Foundation
import LeptonData
import LeptonKernels
import Testing

@testable import LeptonTrain

@Suite("Item kNN: shrunk cosine by hand, top-k neighbours, reasons, fold-in, typed errors")
struct ItemKNNTests {
    /// u1 {a, b}, u2 {a, b, c}, u3 {b, c}: norms √2, √3, √2; co-counts ab 2, ac 1, bc 2.
    private func tiny() throws -> InteractionMatrix {
        try InteractionMatrix(
            interactions: [("u1", "a"), ("u1", "b"), ("u2", "a"), ("u2", "b"), ("u2", "c"), ("u3", "b"), ("u3", "c")]
                .map { Interaction(user: $0.0, item: $0.1) })
    }

    @Test("similarities are dot / (‖i‖‖j‖ + h), computed by hand")
    func shrunkCosineByHand() throws {
        let model = try ItemKNNRecommender(fitting: tiny(), configuration: .init(neighborCount: 5, shrinkage: 1))
        let ab = 2 / (6.0.squareRoot() + 1)
        let ac = 1 / (2.0 + 1)
        #expect(abs(Double(try model.similarity(of: "a", to: "b")) - ab) < 1e-6)
        #expect(abs(Double(try model.similarity(of: "b", to: "c")) - ab) < 1e-6)
        #expect(abs(Double(try model.similarity(of: "a", to: "c")) - ac) < 1e-6)
        #expect(try model.similarity(of: "c", to: "a") == model.similarity(of: "a", to: "c"))
        // Without shrinkage it is the plain cosine.
        let plain = try ItemKNNRecommender(fitting: tiny(), configuration: .init(shrinkage: 0))
        #expect(abs(Double(try plain.similarity(of: "a", to: "c")) - 0.5) < 1e-6)
        // u1 has seen a and b; c scores sim(a, c) + sim(b, c), and b explains more of it than a.
        let top = try model.recommend(user: "u1", k: 5)
        #expect(top.map(\.item) == ["c"])
        #expect(abs(Double(top[0].score) - (ac + ab)) < 1e-6)
        let reasons = try model.reasons(user: "u1", item: "c")
        #expect(reasons.map(\.item) == ["b", "a"])
        #expect(abs(Double(reasons[0].contribution) - ab) < 1e-6)
        // A new user who liked a: b first (ab > ac).
        let folded = try model.recommend(forNewUser: ["a": 1], k: 2)
        #expect(folded.map(\.item) == ["b", "c"])
        #expect(abs(Double(folded[1].score) - ac) < 1e-6)
        #expect(try model.similarItems(to: "a", k: 1).map(\.item) == ["b"])
    }

    @Test("only the k most similar neighbours are kept, ties to the lower index")
    func topNeighbours() throws {
        let model = try ItemKNNRecommender(fitting: tiny(), configuration: .init(neighborCount: 1, shrinkage: 1))
        // b's neighbours a and c tie at 2/(√6+1): a (index 0) is kept.
        #expect(try model.similarItems(to: "b", k: 5).map(\.item) == ["a"])
        #expect(try model.similarity(of: "b", to: "c") == 0)
        #expect(try model.similarity(of: "a", to: "c") == 0)
    }

    @Test("on latent-factor interactions kNN beats the popularity ranking; thread-count independent; Codable")
    func beatsPopularity() throws {
        let split = try SyntheticInteractions.implicit().randomSplitPerUser(testFraction: 0.2, seed: 2)
        let train = split.train
        let counts = (0..<train.itemCount).map { train.columnOffsets[$0 + 1] - train.columnOffsets[$0] }
        let byPopularity = (0..<train.itemCount).sorted { (counts[$0], -$0) > (counts[$1], -$1) }
        var popular: [[String]] = []
        var lists: [[String]] = []
        var relevant: [Set<String>] = []
        let model = try ItemKNNRecommender(fitting: train, configuration: .init(neighborCount: 30, shrinkage: 5))
        for u in 0..<split.test.userCount where !split.test.items(ofUser: u).isEmpty {
            let seen = Set(train.items(ofUser: u).map(Int.init))
            popular.append(byPopularity.filter { !seen.contains($0) }.prefix(10).map { train.items.id(at: $0) })
            lists.append(try model.recommend(user: train.users.id(at: u), k: 10).map(\.item))
            relevant.append(Set(split.test.items(ofUser: u).map { train.items.id(at: Int($0)) }))
        }
        let knn = try RankingMetrics.ndcg(at: 10, recommended: lists, relevant: relevant)
        let popularity = try RankingMetrics.ndcg(at: 10, recommended: popular, relevant: relevant)
        #expect(knn > 1.5 * popularity, "kNN \(knn) vs popularity \(popularity)")
        let one = try ItemKNNRecommender(
            fitting: train, configuration: model.configuration, pool: ThreadPool(threadCount: 1))
        let two = try ItemKNNRecommender(
            fitting: train, configuration: model.configuration, pool: ThreadPool(threadCount: 2))
        #expect(one == two && one == model)
        let data = try JSONEncoder().encode(model)
        #expect(try JSONDecoder().decode(ItemKNNRecommender.self, from: data) == model)
        // A crafted file whose neighbour points outside the catalogue is refused with a typed error.
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var neighbors = object["neighbors"] as! [String: Any]
        var columns = neighbors["columns"] as! [Int]
        columns[0] = 10_000
        neighbors["columns"] = columns
        object["neighbors"] = neighbors
        let crafted = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: RecommenderError.self) { try JSONDecoder().decode(ItemKNNRecommender.self, from: crafted) }
    }

    @Test("bad input: unknown ids, a user without training interactions, bad hyperparameters; partialFit")
    func errors() throws {
        let timed = try InteractionMatrix(interactions: [
            Interaction(user: "old", item: "a", timestamp: 1), Interaction(user: "old", item: "b", timestamp: 2),
            Interaction(user: "late", item: "a", timestamp: 9),
        ])
        let split = try timed.temporalSplit(cutoff: 5)
        let model = try ItemKNNRecommender(fitting: split.train)
        #expect(throws: RecommenderError.userWithoutInteractions("late")) { try model.recommend(user: "late", k: 1) }
        #expect(throws: RecommenderError.unknownUser("x")) { try model.recommend(user: "x", k: 1) }
        #expect(throws: RecommenderError.unknownItem("z")) { try model.similarItems(to: "z", k: 1) }
        #expect(throws: RecommenderError.emptyFoldIn) { try model.recommend(forNewUser: [:], k: 1) }
        #expect(throws: RecommenderError.invalidParameter(name: "shrinkage", value: -1, expected: "a finite value ≥ 0"))
        {
            try ItemKNNRecommender(fitting: split.train, configuration: .init(shrinkage: -1))
        }
        let updated = try model.partialFit([Interaction(user: "late", item: "b", timestamp: 10)])
        #expect(try updated.recommend(user: "late", k: 1).map(\.item) == ["a"])
    }
}
