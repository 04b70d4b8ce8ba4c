import Foundation
import LeptonData
import LeptonTensor
import Testing

@testable import LeptonTrain

@Suite("BPR negative sampling: popularity-proportional sampler, backward-compatible configuration")
struct BPRSamplingTests {
    @Test("popularity negatives still learn a ranking better than popularity; old configurations decode as uniform")
    func popularityNegatives() throws {
        let split = try SyntheticInteractions.implicit().randomSplitPerUser(testFraction: 0.2, seed: 2)
        let train = split.train
        let counts = (0..<train.itemCount).map { train.columnOffsets[$0 + 1] - train.columnOffsets[$0] }
        let byPopularity = (0..<train.itemCount).sorted { (counts[$0], -$0) > (counts[$1], -$1) }
        let model = try BPRRecommender(
            fitting: train,
            configuration: .init(
                factorCount: 16, learningRate: 0.05, iterations: 60, seed: 4, negativeSampling: .popularity))
        var popular: [[String]] = []
        var lists: [[String]] = []
        var relevant: [Set<String>] = []
        for u in 0..<split.test.userCount where !split.test.items(ofUser: u).isEmpty {
            let seen = Set(train.items(ofUser: u).map(Int.init))
            popular.append(byPopularity.filter { !seen.contains($0) }.prefix(10).map { train.items.id(at: $0) })
            lists.append(try model.recommend(user: train.users.id(at: u), k: 10).map(\.item))
            relevant.append(Set(split.test.items(ofUser: u).map { train.items.id(at: Int($0)) }))
        }
        let bpr = try RankingMetrics.ndcg(at: 10, recommended: lists, relevant: relevant)
        let popularity = try RankingMetrics.ndcg(at: 10, recommended: popular, relevant: relevant)
        #expect(bpr > 1.5 * popularity, "BPR \(bpr) vs popularity \(popularity)")
        let uniform = try BPRRecommender(
            fitting: train,
            configuration: .init(
                factorCount: 16, learningRate: 0.05, iterations: 60, seed: 4, negativeSampling: .uniform))
        #expect(uniform.factors != model.factors)
        // Popularity sampling is the default, as in implicit.
        let byDefault = try BPRRecommender(
            fitting: train, configuration: .init(factorCount: 16, learningRate: 0.05, iterations: 60, seed: 4))
        #expect(byDefault.factors == model.factors)
        let old = #"{"factorCount":8,"learningRate":0.01,"regularization":0.01,"iterations":5,"seed":1}"#
        let decoded = try JSONDecoder().decode(BPRRecommender.Configuration.self, from: Data(old.utf8))
        #expect(
            decoded == BPRRecommender.Configuration(factorCount: 8, iterations: 5, seed: 1, negativeSampling: .uniform))
    }

    @Test("the branch-free membership test agrees with a set on sorted rows of every length")
    func membership() {
        var generator = RandomGenerator(seed: 12)
        for length in 0..<40 {
            let row = Set((0..<length).map { _ in Int32(generator.next() % 60) }).sorted()
            let members = Set(row)
            row.withUnsafeBufferPointer { sorted in
                for item in -2..<64 {
                    #expect(BPRRecommender.contains(sorted, item) == members.contains(Int32(item)), "\(row) \(item)")
                }
            }
        }
    }
}
