import Foundation
import LeptonData
import Testing

@testable import LeptonTrain

@Suite("Content-based (TF-IDF by hand) and hybrid blend (weight by validation nDCG)")
struct ContentAndHybridTests {
    private func tiny() throws -> (InteractionMatrix, ItemFeatures) {
        let matrix = try InteractionMatrix(
            interactions: [("u1", "a"), ("u2", "b"), ("u2", "c"), ("u3", "c")].map {
                Interaction(user: $0.0, item: $0.1)
            })
        let features = try ItemFeatures(
            items: ["a", "b", "c"], texts: ["Action Space", "action|comedy", "Romance Comedy"])
        return (matrix, features)
    }

    @Test("scores are cosines of smoothed TF-IDF vectors, computed by hand")
    func tfidfByHand() throws {
        let (matrix, features) = try tiny()
        let model = try ContentBasedRecommender(fitting: matrix, features: features)
        // n = 3 descriptions; df(action) = df(comedy) = 2, df(space) = df(romance) = 1.
        let common = log(4.0 / 3) + 1
        let rare = log(4.0 / 2) + 1
        // v_a ∝ (action: common, space: rare), v_b ∝ (action, comedy: common), v_c ∝ (comedy: common, romance: rare).
        let cosine = common / (2.0.squareRoot() * (common * common + rare * rare).squareRoot())
        let top = try model.recommend(user: "u1", k: 2)
        #expect(top.map(\.item) == ["b", "c"])
        #expect(abs(Double(top[0].score) - cosine) < 1e-6)
        #expect(top[1].score == 0)
        // u2 liked b and c: profile v_b + v_c; a's score is (v_a · (v_b + v_c)) / ‖v_b + v_c‖, v_a · v_c = 0.
        let profileNorm = (2 + 2 * cosine).squareRoot()
        let scoreA = try model.recommend(user: "u2", k: 1)[0]
        #expect(scoreA.item == "a")
        #expect(abs(Double(scoreA.score) - cosine / profileNorm) < 1e-6)
        #expect(try model.reasons(user: "u2", item: "a").map(\.item) == ["b"])
        #expect(try model.similarItems(to: "c", k: 2).map(\.item) == ["b", "a"])
        let folded = try model.recommend(forNewUser: ["c": 1], k: 1)
        #expect(folded.map(\.item) == ["b"])
        #expect(abs(Double(folded[0].score) - cosine) < 1e-6)
    }

    @Test("content model: Codable, crafted vectors refused, typed errors, partialFit")
    func contentErrors() throws {
        let (matrix, features) = try tiny()
        let model = try ContentBasedRecommender(fitting: matrix, features: features)
        let data = try JSONEncoder().encode(model)
        #expect(try JSONDecoder().decode(ContentBasedRecommender.self, from: data) == model)
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var vectors = object["itemVectors"] as! [String: Any]
        vectors["offsets"] = [0, 1]
        object["itemVectors"] = vectors
        let crafted = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: RecommenderError.self) { try JSONDecoder().decode(ContentBasedRecommender.self, from: crafted) }
        #expect(throws: InteractionError.duplicateItemFeatures(item: "a")) {
            try ItemFeatures(items: ["a", "a"], texts: ["x", "y"])
        }
        #expect(throws: RecommenderError.unknownItem("zz")) { try model.recommend(forNewUser: ["zz": 1], k: 1) }
        let updated = try model.partialFit([Interaction(user: "u9", item: "b")])
        #expect(try updated.recommend(user: "u9", k: 1).map(\.item) == ["a"])
    }

    @Test("hybrid: weight 1 and 0 reproduce each model's ranking; the weight search reports their nDCG")
    func hybridBlend() throws {
        let data = try SyntheticRecommendationData.ratings(users: 120, items: 80, seed: 5)
        let features = try SyntheticRecommendationData.itemFeatures(users: 120, items: 80, seed: 5)
        let split = try data.randomSplitPerUser(testFraction: 0.25, seed: 4)
        let knn = try ItemKNNRecommender(fitting: split.train, configuration: .init(neighborCount: 20, shrinkage: 2))
        let content = try ContentBasedRecommender(fitting: split.train, features: features)
        var relevant: [Set<String>] = []
        var users: [String] = []
        for u in 0..<split.test.userCount where !split.test.items(ofUser: u).isEmpty {
            users.append(split.test.users.id(at: u))
            relevant.append(Set(split.test.items(ofUser: u).map { split.test.items.id(at: Int($0)) }))
        }
        func ndcg(_ model: some ItemScoringRecommender) throws -> Double {
            try RankingMetrics.ndcg(
                at: 10, recommended: model.recommend(users: users, k: 10).map { $0.map(\.item) }, relevant: relevant)
        }
        let selection = try HybridRecommender.selectWeight(
            first: knn, second: content, validation: split.test, k: 10, grid: [0, 0.5, 1])
        #expect(abs(selection.ndcgByWeight[2].ndcg - (try ndcg(knn))) < 1e-12)
        #expect(abs(selection.ndcgByWeight[0].ndcg - (try ndcg(content))) < 1e-12)
        #expect(selection.weight == selection.ndcgByWeight.max { $0.ndcg < $1.ndcg }!.weight)
        let onlyFirst = try HybridRecommender(first: knn, second: content, weight: 1)
        #expect(
            try onlyFirst.recommend(user: "u3", k: 10).map(\.item) == knn.recommend(user: "u3", k: 10).map(\.item))
        let chosen = try HybridRecommender(first: knn, second: content, validation: split.test, grid: [0, 0.5, 1])
        #expect(chosen.weight == selection.weight)
        let decoded = try JSONDecoder().decode(
            HybridRecommender<ItemKNNRecommender, ContentBasedRecommender>.self, from: JSONEncoder().encode(chosen))
        #expect(decoded == chosen)
        let other = try ItemKNNRecommender(fitting: SyntheticInteractions.implicit(users: 30, items: 40))
        #expect(throws: RecommenderError.self) { try HybridRecommender(first: other, second: content, weight: 0.5) }
        #expect(throws: RecommenderError.invalidParameter(name: "weight", value: 2, expected: "a value in 0...1")) {
            try HybridRecommender(first: knn, second: content, weight: 2)
        }
    }
}
