import Foundation
import LeptonData
import LeptonKernels
import Testing

@testable import LeptonTrain

@Suite("Recommenders: baseline, biased MF, implicit ALS, BPR; ranking, fold-in, errors")
struct RecommenderTests {
    private func heldOutRMSE(_ model: some LatentFactorRecommender, _ test: InteractionMatrix) throws -> Double {
        var predicted: [Double] = []
        var actual: [Double] = []
        for u in 0..<test.userCount {
            for (i, r) in zip(test.items(ofUser: u), test.values(ofUser: u)) {
                predicted.append(try model.predict(user: test.users.id(at: u), item: test.items.id(at: Int(i))))
                actual.append(r)
            }
        }
        return try RatingMetrics.rmse(predicted: predicted, actual: actual)
    }

    /// Lists and relevant sets for the users with held-out items.
    private func rankingInputs(_ lists: (String) throws -> [String], _ test: InteractionMatrix) rethrows
        -> ([[String]], [Set<String>])
    {
        var recommended: [[String]] = []
        var relevant: [Set<String>] = []
        for u in 0..<test.userCount where !test.items(ofUser: u).isEmpty {
            recommended.append(try lists(test.users.id(at: u)))
            relevant.append(Set(test.items(ofUser: u).map { test.items.id(at: Int($0)) }))
        }
        return (recommended, relevant)
    }

    @Test("baseline biases match a numpy transcription of Surprise's BaselineOnly ALS")
    func baselineMatchesSurprise() throws {
        let matrix = try InteractionMatrix(
            interactions: [
                ("0", "0", 4), ("0", "1", 5), ("1", "0", 3), ("1", "2", 1), ("1", "1", 2), ("2", "2", 5), ("3", "0", 2),
                ("3", "3", 4),
            ].map { Interaction(user: $0.0, item: $0.1, value: $0.2) }, ratingScale: 1...5)
        let model = try BaselineOnlyRecommender(fitting: matrix)
        // Printed by this numpy transcription of Surprise's baseline_als loop (baseline_only.pyx):
        // import numpy as np
        // # Surprise BaselineOnly, method 'als', defaults n_epochs=10, reg_u=15, reg_i=10 (items first, then users).
        // R = [(0,0,4),(0,1,5),(1,0,3),(1,2,1),(1,1,2),(2,2,5),(3,0,2),(3,3,4)]
        // nu, ni = 4, 4
        // mu = np.mean([r for _,_,r in R]); bu = np.zeros(nu); bi = np.zeros(ni)
        // for _ in range(10):
        //     for i in range(ni):
        //         rs = [(u,r) for u,j,r in R if j == i]; bi[i] = sum(r - mu - bu[u] for u,r in rs) / (10 + len(rs))
        //     for u in range(nu):
        //         rs = [(i,r) for v,i,r in R if v == u]; bu[u] = sum(r - mu - bi[i] for i,r in rs) / (15 + len(rs))
        // print(repr(mu), [repr(x) for x in bu], [repr(x) for x in bi])
        // print([repr(mu + bu[u] + bi[i]) for u, i in [(0, 2), (2, 0), (3, 1)]])
        let userBiases = [0.1473076812369668, -0.2062220803692486, 0.11148574827031807, -0.030597448438078566]
        let itemBiases = [-0.05080678095612615, 0.04657619992769013, -0.03377197232508914, 0.07096340440346169]
        #expect(model.factors.globalMean == 3.25)
        for (fitted, truth) in zip(model.factors.userBiases, userBiases) { #expect(abs(Double(fitted) - truth) < 1e-6) }
        for (fitted, truth) in zip(model.factors.itemBiases, itemBiases) { #expect(abs(Double(fitted) - truth) < 1e-6) }
        for (user, item, truth) in [
            ("0", "2", 3.363535708911878), ("2", "0", 3.310678967314192), ("3", "1", 3.2659787514896115),
        ] {
            #expect(abs(try model.predict(user: user, item: item) - truth) < 1e-6 * truth)
        }
    }

    @Test("on latent-factor ratings, matrix factorisation beats the baseline in held-out RMSE")
    func factorizationBeatsBaseline() throws {
        let split = try SyntheticInteractions.ratings().randomSplitPerUser(testFraction: 0.2, seed: 1)
        let baseline = try BaselineOnlyRecommender(fitting: split.train)
        let mf = try MatrixFactorizationRecommender(
            fitting: split.train, configuration: .init(factorCount: 10, epochs: 60, learningRate: 0.01, seed: 3))
        let baselineRMSE = try heldOutRMSE(baseline, split.test)
        let mfRMSE = try heldOutRMSE(mf, split.test)
        #expect(mfRMSE < 0.7 * baselineRMSE, "MF \(mfRMSE) vs baseline \(baselineRMSE)")
        let again = try MatrixFactorizationRecommender(
            fitting: split.train, configuration: .init(factorCount: 10, epochs: 60, learningRate: 0.01, seed: 3))
        #expect(again == mf)
        let decoded = try JSONDecoder().decode(
            MatrixFactorizationRecommender.self, from: JSONEncoder().encode(mf))
        #expect(decoded == mf)
        let decodedTop = try decoded.recommend(user: "u3", k: 5)
        #expect(try decodedTop == mf.recommend(user: "u3", k: 5))
    }

    @Test("on latent-factor interactions, implicit ALS and BPR beat the popularity ranking in nDCG@10")
    func implicitModelsBeatPopularity() throws {
        let split = try SyntheticInteractions.implicit().randomSplitPerUser(testFraction: 0.2, seed: 2)
        let train = split.train
        // Popularity: items by training count, seen items filtered, ties by index.
        let counts = (0..<train.itemCount).map { train.columnOffsets[$0 + 1] - train.columnOffsets[$0] }
        let byPopularity = (0..<train.itemCount).sorted { (counts[$0], -$0) > (counts[$1], -$1) }
        let (popular, relevant) = try rankingInputs(
            { user in
                let seen = Set(try train.items(ofUser: train.userIndex(of: user)).map(Int.init))
                return byPopularity.filter { !seen.contains($0) }.prefix(10).map { train.items.id(at: $0) }
            }, split.test)
        let popularity = try RankingMetrics.ndcg(at: 10, recommended: popular, relevant: relevant)
        let als = try ImplicitALSRecommender(
            fitting: train, configuration: .init(factorCount: 16, regularization: 0.1, alpha: 5, iterations: 10))
        let bpr = try BPRRecommender(
            fitting: train, configuration: .init(factorCount: 16, learningRate: 0.05, iterations: 60, seed: 4))
        for (name, model) in [("ALS", als as any LatentFactorRecommender), ("BPR", bpr)] {
            let (lists, truth) = try rankingInputs({ try model.recommend(user: $0, k: 10).map(\.item) }, split.test)
            let ndcg = try RankingMetrics.ndcg(at: 10, recommended: lists, relevant: truth)
            #expect(ndcg > 2 * popularity, "\(name) nDCG@10 \(ndcg) vs popularity \(popularity)")
        }
        #expect(try ImplicitALSRecommender(fitting: train, configuration: als.configuration) == als)
        let decoded = try JSONDecoder().decode(BPRRecommender.self, from: JSONEncoder().encode(bpr))
        #expect(decoded == bpr)
    }

    @Test("top-k by GEMM equals brute-force scoring; seen items filtered, candidates respected, batch = single")
    func rankingMatchesBruteForce() throws {
        let matrix = try SyntheticInteractions.implicit(users: 40, items: 60)
        let model = try ImplicitALSRecommender(
            fitting: matrix, configuration: .init(factorCount: 8, regularization: 0.1, iterations: 3))
        let users = matrix.users.ids
        let batch = try model.recommend(users: users, k: 7)
        for (u, id) in users.enumerated() {
            let seen = Set(matrix.items(ofUser: u).map(Int.init))
            let expected = (0..<matrix.itemCount).filter { !seen.contains($0) }
                .map { (item: $0, score: model.factors.score(user: u, item: $0)) }
                .sorted { ($0.score, -$0.item) > ($1.score, -$1.item) }.prefix(7)
            #expect(batch[u].map(\.itemIndex) == expected.map(\.item))
            for (got, truth) in zip(batch[u], expected) {
                #expect(abs(got.score - truth.score) <= 1e-4 * max(1, abs(truth.score)))
            }
            // One user is a 1-row GEMM, the batch a 40-row one: same items, scores equal up to rounding.
            let single = try model.recommend(user: id, k: 7)
            #expect(single.map(\.itemIndex) == batch[u].map(\.itemIndex))
            for (one, many) in zip(single, batch[u]) {
                #expect(abs(one.score - many.score) <= 1e-5 * max(1, abs(many.score)))
            }
        }
        let unfiltered = try model.recommend(user: users[0], k: Int.max, filterSeen: false)
        #expect(unfiltered.count == matrix.itemCount)
        let candidates = ["i0", "i5", "i7", "i9"]
        let restricted = try model.recommend(user: users[1], k: 10, filterSeen: false, candidates: candidates)
        #expect(Set(restricted.map(\.item)) == Set(candidates) && restricted.count == 4)
        #expect(zip(restricted, restricted.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    @Test("fold-in solves the new user's least-squares problem without retraining")
    func foldIn() throws {
        let ratings = try SyntheticInteractions.ratings(users: 60, items: 50)
        let mf = try MatrixFactorizationRecommender(
            fitting: ratings, configuration: .init(factorCount: 5, epochs: 10, regularization: 0.1, seed: 1))
        let given: [String: Double] = ["i0": 5, "i3": 1, "i7": 4, "i12": 2]
        let items = given.keys.map { ratings.items.index(of: $0)! }.sorted()
        let values = items.map { given[ratings.items.id(at: $0)]! }
        let (x, b) = mf.foldIn(items: items, values: values)
        // Gradient of Σ (r − μ − b_i − b − x·q_i)² + λ(b² + |x|²) at the solution is zero.
        let f = mf.factors
        var gradient = [Double](repeating: 0, count: 6)
        for (item, value) in zip(items, values) {
            let q = (0..<5).map { Double(f.itemFactors[item * 5 + $0]) }
            let residual =
                value - Double(f.globalMean) - Double(f.itemBiases[item]) - Double(b)
                - zip(x, q).reduce(0) { $0 + Double($1.0) * $1.1 }
            gradient[0] -= 2 * residual
            for k in 0..<5 { gradient[k + 1] -= 2 * residual * q[k] }
        }
        gradient[0] += 2 * 0.1 * Double(b)
        for k in 0..<5 { gradient[k + 1] += 2 * 0.1 * Double(x[k]) }
        #expect(gradient.allSatisfy { abs($0) < 1e-4 }, "\(gradient)")
        let recommended = try mf.recommend(forNewUser: given, k: 5)
        #expect(recommended.count == 5 && Set(recommended.map(\.item)).isDisjoint(with: given.keys))
        let top = recommended[0]
        let expectedTop =
            Double(f.globalMean + b + f.itemBiases[top.itemIndex])
            + (0..<5).reduce(0.0) { $0 + Double(x[$1] * f.itemFactors[top.itemIndex * 5 + $1]) }
        #expect(abs(Double(top.score) - expectedTop) < 1e-4)
    }

    @Test("bad input gets typed errors, never a trap")
    func errors() throws {
        let matrix = try SyntheticInteractions.implicit(users: 10, items: 30)
        let model = try BPRRecommender(fitting: matrix, configuration: .init(factorCount: 4, iterations: 2))
        #expect(throws: RecommenderError.unknownUser("nobody")) { try model.recommend(user: "nobody", k: 3) }
        #expect(throws: RecommenderError.unknownItem("nothing")) {
            try model.recommend(user: "u0", k: 3, candidates: ["nothing"])
        }
        #expect(throws: RecommenderError.invalidParameter(name: "k", value: 0, expected: "at least 1")) {
            try model.recommend(user: "u0", k: 0)
        }
        #expect(throws: RecommenderError.emptyFoldIn) { try model.recommend(forNewUser: [:], k: 3) }
        do {
            _ = try model.recommend(forNewUser: ["i0": .nan], k: 3)
            Issue.record("a NaN rating was accepted")
        } catch RecommenderError.nonFiniteValue(let what, let value) {
            #expect(what == "rating of item 'i0'" && value.isNaN)
        }
        #expect(
            throws: RecommenderError.invalidParameter(name: "learningRate", value: 0, expected: "a finite value > 0")
        ) {
            try MatrixFactorizationRecommender(fitting: matrix, configuration: .init(learningRate: 0))
        }
        #expect(throws: RecommenderError.diverged(model: "MatrixFactorization", epoch: 0)) {
            try MatrixFactorizationRecommender(
                fitting: matrix, configuration: .init(factorCount: 4, learningRate: 1e6, initStandardDeviation: 10))
        }
        // The test side of leave-one-out when every user has a single interaction is empty.
        let empty = try InteractionMatrix(
            interactions: [
                Interaction(user: "a", item: "x", timestamp: 1), Interaction(user: "b", item: "y", timestamp: 2),
            ]
        ).leaveLastOut().test
        #expect(empty.interactionCount == 0)
        #expect(throws: RecommenderError.emptyTraining) { try BaselineOnlyRecommender(fitting: empty) }
        #expect(throws: RecommenderError.emptyTraining) { try ImplicitALSRecommender(fitting: empty) }
    }

    @Test("implicit ALS: the same factors on one thread and on two; fold-in solves the weighted normal equations")
    func implicitThreadsAndFoldIn() throws {
        let matrix = try SyntheticInteractions.implicit(users: 80, items: 70)
        let configuration = ImplicitALSRecommender.Configuration(
            factorCount: 6, regularization: 0.1, alpha: 3, iterations: 4)
        let one = try ImplicitALSRecommender(
            fitting: matrix, configuration: configuration, pool: ThreadPool(threadCount: 1))
        let two = try ImplicitALSRecommender(
            fitting: matrix, configuration: configuration, pool: ThreadPool(threadCount: 2))
        for (a, b) in zip(one.factors.userFactors, two.factors.userFactors) { #expect(abs(a - b) <= 1e-5) }
        let items = [2, 9, 31]
        let values = [1.0, 2.0, 1.0]
        let (x, _) = one.foldIn(items: items, values: values)
        // Residual of (QᵀQ + λI + Σ α r q qᵀ) x − Σ (1 + α r) q, in Double.
        let d = 6
        let q = one.factors.itemFactors.map(Double.init)
        var residual = [Double](repeating: 0, count: d)
        for item in 0..<matrix.itemCount {
            let dot = (0..<d).reduce(0.0) { $0 + q[item * d + $1] * Double(x[$1]) }
            for k in 0..<d { residual[k] += q[item * d + k] * dot }
        }
        for k in 0..<d { residual[k] += 0.1 * Double(x[k]) }
        for (item, value) in zip(items, values) {
            let dot = (0..<d).reduce(0.0) { $0 + q[item * d + $1] * Double(x[$1]) }
            for k in 0..<d { residual[k] += 3 * value * q[item * d + k] * dot - (1 + 3 * value) * q[item * d + k] }
        }
        #expect(residual.allSatisfy { abs($0) < 1e-4 }, "\(residual)")
    }

    @Test("decoding inconsistent model data throws instead of trapping later")
    func corruptModels() throws {
        let matrix = try SyntheticInteractions.implicit(users: 10, items: 30)
        let model = try BaselineOnlyRecommender(fitting: matrix)
        var json = try #require(String(data: JSONEncoder().encode(model), encoding: .utf8))
        json = json.replacingOccurrences(of: "\"factorCount\":0", with: "\"factorCount\":1")
        #expect(throws: RecommenderError.self) {
            try JSONDecoder().decode(BaselineOnlyRecommender.self, from: Data(json.utf8))
        }
        let other = try BaselineOnlyRecommender(fitting: SyntheticInteractions.implicit(users: 11, items: 30))
        struct Mixed: Encodable {
            let configuration: BaselineOnlyRecommender.Configuration
            let factors: LatentFactors
            let training: InteractionMatrix
        }
        let mixed = try JSONEncoder().encode(
            Mixed(configuration: model.configuration, factors: other.factors, training: model.training))
        #expect(throws: RecommenderError.self) { try JSONDecoder().decode(BaselineOnlyRecommender.self, from: mixed) }
    }
}
