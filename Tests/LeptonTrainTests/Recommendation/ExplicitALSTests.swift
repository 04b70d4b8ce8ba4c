import Foundation
import LeptonData
import LeptonKernels
import Testing

@testable import LeptonTrain

@Suite("Explicit ALS: exact low-rank recovery, fold-in = user step, partialFit, typed errors")
struct ExplicitALSTests {
    /// A fully observed 7×6 matrix `3 + b_u + b_i + P Qᵀ` with rank-2 P, Q (no rating scale, so nothing is clipped).
    private func lowRank() throws -> (InteractionMatrix, [[Double]]) {
        let p: [[Double]] = [[1, 0.5], [-0.5, 1], [0.3, -0.2], [0.8, 0.8], [-1, 0.1], [0.2, 0.9], [0.6, -0.7]]
        let q: [[Double]] = [[0.9, 0.1], [-0.3, 0.7], [0.5, 0.5], [0.1, -0.8], [-0.6, -0.2], [0.4, 0.3]]
        let bu: [Double] = [0.2, -0.1, 0.3, 0, -0.4, 0.1, 0.05]
        let bi: [Double] = [0.1, 0.3, -0.2, 0, 0.25, -0.15]
        var truth: [[Double]] = []
        var interactions: [Interaction] = []
        for u in 0..<p.count {
            var row: [Double] = []
            for i in 0..<q.count {
                let r = 3 + bu[u] + bi[i] + p[u][0] * q[i][0] + p[u][1] * q[i][1]
                row.append(r)
                interactions.append(Interaction(user: "u\(u)", item: "i\(i)", value: r))
            }
            truth.append(row)
        }
        return (try InteractionMatrix(interactions: interactions), truth)
    }

    @Test("ALS with 2 factors and tiny λ recovers an exactly rank-2 (plus biases) matrix")
    func recoversLowRank() throws {
        let (matrix, truth) = try lowRank()
        let model = try ExplicitALSRecommender(
            fitting: matrix,
            configuration: .init(
                factorCount: 2, regularization: 1e-7, weightedRegularization: false, iterations: 300, seed: 1))
        var worst = 0.0
        for u in 0..<truth.count {
            for i in 0..<truth[u].count {
                worst = max(worst, abs(try model.predict(user: "u\(u)", item: "i\(i)") - truth[u][i]))
            }
        }
        #expect(worst < 2e-3, "largest reconstruction error \(worst)")
        // With one factor the same matrix cannot be reproduced: the error is real, not a tolerance artefact.
        let rankOne = try ExplicitALSRecommender(
            fitting: matrix,
            configuration: .init(
                factorCount: 1, regularization: 1e-7, weightedRegularization: false, iterations: 300, seed: 1))
        var rankOneWorst = 0.0
        for u in 0..<truth.count {
            for i in 0..<truth[u].count {
                rankOneWorst = max(rankOneWorst, abs(try rankOne.predict(user: "u\(u)", item: "i\(i)") - truth[u][i]))
            }
        }
        #expect(rankOneWorst > 0.05)
    }

    @Test("the user step is the ridge solve: fold-in of a training user's ratings reproduces its parameters")
    func foldInEqualsUserStep() throws {
        let split = try SyntheticInteractions.ratings(users: 80, items: 60).randomSplitPerUser(
            testFraction: 0.2, seed: 3)
        let model = try ExplicitALSRecommender(
            fitting: split.train, configuration: .init(factorCount: 5, regularization: 0.1, iterations: 5, seed: 2))
        let d = model.factors.factorCount
        for u in [0, 17, 42] {
            let items = model.training.items(ofUser: u).map { Int($0) }
            let values = Array(model.training.values(ofUser: u))
            let (vector, bias) = model.foldIn(items: items, values: values)
            #expect(abs(bias - model.factors.userBiases[u]) < 1e-4)
            for f in 0..<d { #expect(abs(vector[f] - model.factors.userFactors[u * d + f]) < 1e-4) }
        }
        // And the ridge solution has a zero gradient: Σ e·[1, q_i] = λ_u·[b, x] with e the residuals.
        let u = 5
        let items = model.training.items(ofUser: u).map { Int($0) }
        let values = Array(model.training.values(ofUser: u))
        let (x, b) = model.foldIn(items: items, values: values)
        let lambda = 0.1 * Double(items.count)
        var gradient = [Double](repeating: 0, count: d + 1)
        for (i, r) in zip(items, values) {
            var prediction = Double(model.factors.globalMean) + Double(b) + Double(model.factors.itemBiases[i])
            for f in 0..<d { prediction += Double(x[f]) * Double(model.factors.itemFactors[i * d + f]) }
            let e = r - prediction
            gradient[0] += e
            for f in 0..<d { gradient[f + 1] += e * Double(model.factors.itemFactors[i * d + f]) }
        }
        #expect(abs(gradient[0] - lambda * Double(b)) < 1e-3)
        for f in 0..<d { #expect(abs(gradient[f + 1] - lambda * Double(x[f])) < 1e-3) }
    }

    @Test("held-out RMSE beats the baseline; the fit is seeded, thread-count independent and Codable")
    func beatsBaseline() throws {
        let split = try SyntheticInteractions.ratings().randomSplitPerUser(testFraction: 0.2, seed: 1)
        let configuration = ExplicitALSRecommender.Configuration(factorCount: 8, regularization: 0.05, seed: 3)
        let als = try ExplicitALSRecommender(fitting: split.train, configuration: configuration)
        let baseline = try BaselineOnlyRecommender(fitting: split.train)
        func rmse(_ model: some LatentFactorRecommender) throws -> Double {
            var predicted: [Double] = []
            var actual: [Double] = []
            for u in 0..<split.test.userCount {
                for (i, r) in zip(split.test.items(ofUser: u), split.test.values(ofUser: u)) {
                    predicted.append(
                        try model.predict(user: split.test.users.id(at: u), item: split.test.items.id(at: Int(i))))
                    actual.append(r)
                }
            }
            return try RatingMetrics.rmse(predicted: predicted, actual: actual)
        }
        let alsRMSE = try rmse(als)
        let baselineRMSE = try rmse(baseline)
        #expect(alsRMSE < 0.75 * baselineRMSE, "ALS \(alsRMSE) vs baseline \(baselineRMSE)")
        let one = try ExplicitALSRecommender(
            fitting: split.train, configuration: configuration, pool: ThreadPool(threadCount: 1))
        let two = try ExplicitALSRecommender(
            fitting: split.train, configuration: configuration, pool: ThreadPool(threadCount: 2))
        #expect(one == two && one == als)
        let decoded = try JSONDecoder().decode(ExplicitALSRecommender.self, from: JSONEncoder().encode(als))
        #expect(decoded == als)
    }

    @Test("partialFit adds a new user and new ratings; bad updates get typed errors")
    func partialFit() throws {
        let ratings = try SyntheticInteractions.ratings(users: 60, items: 50)
        let model = try ExplicitALSRecommender(
            fitting: ratings, configuration: .init(factorCount: 4, iterations: 5, seed: 1))
        let updated = try model.partialFit([
            Interaction(user: "newcomer", item: "i0", value: 5), Interaction(user: "newcomer", item: "i3", value: 1),
            Interaction(user: "u1", item: "i49", value: 4),
        ])
        #expect(updated.training.userCount == ratings.userCount + 1)
        #expect(updated.training.value(user: ratings.userCount, item: try ratings.itemIndex(of: "i0")) == 5)
        #expect(updated.factors.users.index(of: "newcomer") == ratings.userCount)
        // An untouched user keeps its parameters.
        #expect(updated.factors.userBiases[7] == model.factors.userBiases[7])
        // The newcomer's prediction follows their ratings.
        #expect(try updated.predict(user: "newcomer", item: "i0") > updated.predict(user: "newcomer", item: "i3"))
        #expect(throws: RecommenderError.unknownItem("nope")) {
            try model.partialFit([Interaction(user: "u1", item: "nope", value: 3)])
        }
        #expect(throws: RecommenderError.ratingOutOfScale(item: "i1", rating: 7, scale: 1...5)) {
            try model.partialFit([Interaction(user: "u1", item: "i1", value: 7)])
        }
        #expect(throws: RecommenderError.emptyFoldIn) { try model.partialFit([]) }
        #expect(throws: RecommenderError.ratingOutOfScale(item: "i2", rating: 0, scale: 1...5)) {
            try model.recommend(forNewUser: ["i2": 0], k: 3)
        }
        #expect(throws: RecommenderError.unknownUser("ghost")) { try model.recommend(user: "ghost", k: 3) }
        #expect(throws: RecommenderError.invalidParameter(name: "factorCount", value: 0, expected: "at least 1")) {
            try ExplicitALSRecommender(fitting: ratings, configuration: .init(factorCount: 0))
        }
    }
}
