import Foundation
import Lepton

/// One fitted model of the comparison, with what it can be evaluated on.
struct Candidate {
    /// The display name.
    let name: String
    /// The fitted model.
    let model: any ItemScoringRecommender
    /// Seconds to fit it.
    let fitSeconds: Double
}

/// Ranking and rating quality of one model on held-out interactions.
struct Scores {
    var rmse: Double?
    var precision: Double
    var recall: Double
    var ndcg: Double
    var coverage: Double
}

/// The hyperparameters of the example's models, and how to fit them.
enum ModelZoo {
    static let factors = 16

    /// Fits every model on `train`; the hybrid blends implicit ALS and item kNN with weight `hybridWeight`.
    static func fitAll(_ train: InteractionMatrix, features: ItemFeatures?, hybridWeight: Double) throws -> [Candidate]
    {
        var result: [Candidate] = []
        func timed(_ name: String, _ fit: () throws -> any ItemScoringRecommender) rethrows {
            let start = Date()
            let model = try fit()
            result.append(Candidate(name: name, model: model, fitSeconds: Date().timeIntervalSince(start)))
        }
        try timed("BaselineOnly") { try BaselineOnlyRecommender(fitting: train) }
        try timed("MF (SGD)") {
            try MatrixFactorizationRecommender(
                fitting: train, configuration: .init(factorCount: factors, seed: 1))
        }
        try timed("ExplicitALS") {
            try ExplicitALSRecommender(
                fitting: train,
                configuration: .init(factorCount: factors, regularization: 0.1, iterations: 10, seed: 1))
        }
        let implicitConfiguration = ImplicitALSRecommender.Configuration(
            factorCount: factors, regularization: 0.1, alpha: 1, iterations: 10, seed: 1)
        try timed("ImplicitALS") { try ImplicitALSRecommender(fitting: train, configuration: implicitConfiguration) }
        try timed("BPR") {
            try BPRRecommender(
                fitting: train, configuration: .init(factorCount: factors, learningRate: 0.05, iterations: 50, seed: 1))
        }
        let knnConfiguration = ItemKNNRecommender.Configuration(neighborCount: 30, shrinkage: 5)
        try timed("ItemKNN") { try ItemKNNRecommender(fitting: train, configuration: knnConfiguration) }
        if let features {
            try timed("ContentBased") { try ContentBasedRecommender(fitting: train, features: features) }
        }
        try timed(String(format: "Hybrid ALS+kNN w=%.1f", hybridWeight)) {
            try HybridRecommender(
                first: ImplicitALSRecommender(fitting: train, configuration: implicitConfiguration),
                second: ItemKNNRecommender(fitting: train, configuration: knnConfiguration), weight: hybridWeight)
        }
        return result
    }

    /// Top-10 quality of `model` for every user with held-out items (seen items filtered), and RMSE when the model
    /// predicts ratings.
    static func evaluate(_ model: any ItemScoringRecommender, test: InteractionMatrix) throws -> Scores {
        var users: [String] = []
        var relevant: [Set<String>] = []
        for u in 0..<test.userCount where !test.items(ofUser: u).isEmpty {
            users.append(test.users.id(at: u))
            relevant.append(Set(test.items(ofUser: u).map { test.items.id(at: Int($0)) }))
        }
        let lists = try model.recommend(users: users, k: 10).map { $0.map(\.item) }
        var rmse: Double?
        if let explicit = model as? any LatentFactorRecommender, !(model is ImplicitALSRecommender),
            !(model is BPRRecommender)
        {
            var predicted: [Double] = []
            var actual: [Double] = []
            for u in 0..<test.userCount {
                for (i, r) in zip(test.items(ofUser: u), test.values(ofUser: u)) {
                    predicted.append(try explicit.predict(user: test.users.id(at: u), item: test.items.id(at: Int(i))))
                    actual.append(r)
                }
            }
            rmse = try RatingMetrics.rmse(predicted: predicted, actual: actual)
        }
        return Scores(
            rmse: rmse, precision: try RankingMetrics.precision(at: 10, recommended: lists, relevant: relevant),
            recall: try RankingMetrics.recall(at: 10, recommended: lists, relevant: relevant),
            ndcg: try RankingMetrics.ndcg(at: 10, recommended: lists, relevant: relevant),
            coverage: try RankingMetrics.catalogCoverage(recommended: lists, catalogSize: test.itemCount))
    }
}
