import Foundation
import Lepton

/// `recsys`: fits one recommender on a training CSV (`userId,movieId,rating`) `--repeats` times, timing each fit,
/// and scores the last fit on a test CSV with the same columns. Explicit models (`baseline`, `svd`,
/// `explicit-als`) report RMSE, predicting for users or items missing from training as Surprise does (the global
/// mean plus whichever biases are known; the factor term only when both are known), clipped to 0.5…5. Implicit
/// models (`als`, `bpr`, `knn`) report precision, recall, nDCG and MAP at `--k` over the training users with test
/// items (seen items filtered; test items outside the training catalogue count as relevant but cannot be hit), and
/// write their lists to `--lists FILE` as `{user: [items]}` when asked.
///
///   lepton-classical recsys --train train.csv --test test.csv --model svd --set factors=100 --threads 1 --repeats 3
func runRecommender(_ arguments: ClassicalArguments) throws {
    let name = try arguments.string("model")
    ComputeThreads.count = try arguments.integer("threads", default: 1)
    let repeats = max(1, try arguments.integer("repeats", default: 1))
    let k = try arguments.integer("k", default: 10)
    let explicit = ["baseline", "svd", "explicit-als"].contains(name)
    let train = try InteractionMatrix(
        csv: URL(fileURLWithPath: try arguments.string("train")), userColumn: "userId", itemColumn: "movieId",
        ratingColumn: "rating", ratingScale: explicit ? 0.5...5 : nil)
    var settings: [String: Double] = [:]
    for setting in arguments.settings { settings[setting.key] = try number(setting) }
    func setting(_ key: String, _ fallback: Double) -> Double { settings.removeValue(forKey: key) ?? fallback }
    let fit: () throws -> any ItemScoringRecommender
    switch name {
    case "baseline":
        let configuration = BaselineOnlyRecommender.Configuration(
            epochs: Int(setting("epochs", 10)), userRegularization: setting("reg_u", 15),
            itemRegularization: setting("reg_i", 10))
        fit = { try BaselineOnlyRecommender(fitting: train, configuration: configuration) }
    case "svd":
        let configuration = MatrixFactorizationRecommender.Configuration(
            factorCount: Int(setting("factors", 100)), epochs: Int(setting("epochs", 20)),
            learningRate: setting("lr", 0.005), regularization: setting("reg", 0.02), seed: UInt64(setting("seed", 0)))
        fit = { try MatrixFactorizationRecommender(fitting: train, configuration: configuration) }
    case "explicit-als":
        let configuration = ExplicitALSRecommender.Configuration(
            factorCount: Int(setting("factors", 20)), regularization: setting("reg", 0.1),
            iterations: Int(setting("iterations", 15)), seed: UInt64(setting("seed", 0)))
        fit = { try ExplicitALSRecommender(fitting: train, configuration: configuration) }
    case "als":
        let configuration = ImplicitALSRecommender.Configuration(
            factorCount: Int(setting("factors", 100)), regularization: setting("reg", 0.01),
            alpha: setting("alpha", 1), iterations: Int(setting("iterations", 15)), seed: UInt64(setting("seed", 0)))
        fit = { try ImplicitALSRecommender(fitting: train, configuration: configuration) }
    case "bpr":
        let configuration = BPRRecommender.Configuration(
            factorCount: Int(setting("factors", 100)), learningRate: setting("lr", 0.01),
            regularization: setting("reg", 0.01), iterations: Int(setting("iterations", 100)),
            seed: UInt64(setting("seed", 0)),
            negativeSampling: setting("uniform_negatives", 0) != 0 ? .uniform : .popularity)
        fit = { try BPRRecommender(fitting: train, configuration: configuration) }
    case "knn":
        let configuration = ItemKNNRecommender.Configuration(
            neighborCount: Int(setting("neighbors", 50)), shrinkage: setting("shrinkage", 10))
        fit = { try ItemKNNRecommender(fitting: train, configuration: configuration) }
    default:
        throw ClassicalArguments.Problem.unknownEstimator(name)
    }
    if let unused = settings.keys.sorted().first {
        throw ClassicalArguments.Problem.unknownSetting(estimator: name, key: unused)
    }
    var seconds: [Double] = []
    var model: (any ItemScoringRecommender)?
    for _ in 0..<repeats {
        let started = DispatchTime.now().uptimeNanoseconds
        model = try fit()
        seconds.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }
    let sorted = seconds.sorted()
    var report: [String: Any] = [
        "command": "recsys", "model": name, "threads": ComputeThreads.count, "fit_seconds": seconds,
        "median_fit_seconds": sorted[sorted.count / 2], "train_interactions": train.interactionCount,
    ]
    let test = try Table(
        csv: URL(fileURLWithPath: try arguments.string("test")),
        options: CSVReadOptions(columnTypes: ["userId": .text, "movieId": .text]))
    let users = try test.column("userId")
    let items = try test.column("movieId")
    let ratings = try test.numbers("rating")
    if explicit, let factors = (model as? any LatentFactorRecommender)?.factors {
        var predicted: [Double] = []
        var actual: [Double] = []
        for row in 0..<test.rowCount {
            let u = users[row].string.flatMap { factors.users.index(of: $0) }
            let i = items[row].string.flatMap { factors.items.index(of: $0) }
            var estimate = Double(factors.globalMean)
            if let u { estimate += Double(factors.userBiases[u]) }
            if let i { estimate += Double(factors.itemBiases[i]) }
            if let u, let i {
                let d = factors.factorCount
                for f in 0..<d {
                    estimate += Double(factors.userFactors[u * d + f]) * Double(factors.itemFactors[i * d + f])
                }
            }
            predicted.append(min(max(estimate, 0.5), 5))
            actual.append(ratings[row] ?? .nan)
        }
        report["rmse"] = try RatingMetrics.rmse(predicted: predicted, actual: actual)
        report["mae"] = try RatingMetrics.mae(predicted: predicted, actual: actual)
        report["test_ratings"] = actual.count
    } else if let model {
        var relevantByUser: [String: Set<String>] = [:]
        for row in 0..<test.rowCount {
            guard let user = users[row].string, let item = items[row].string, train.users.index(of: user) != nil
            else { continue }
            relevantByUser[user, default: []].insert(item)
        }
        let evaluated = relevantByUser.keys.sorted()
        let started = DispatchTime.now().uptimeNanoseconds
        let lists = try model.recommend(users: evaluated, k: k).map { $0.map(\.item) }
        let recommendSeconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let relevant = evaluated.map { relevantByUser[$0]! }
        report["users"] = evaluated.count
        report["recommend_seconds"] = recommendSeconds
        report["precision_at_k"] = try RankingMetrics.precision(at: k, recommended: lists, relevant: relevant)
        report["recall_at_k"] = try RankingMetrics.recall(at: k, recommended: lists, relevant: relevant)
        report["ndcg_at_k"] = try RankingMetrics.ndcg(at: k, recommended: lists, relevant: relevant)
        report["map_at_k"] = try RankingMetrics.meanAveragePrecision(at: k, recommended: lists, relevant: relevant)
        report["k"] = k
        let path = arguments.string("lists", default: "")
        if !path.isEmpty {
            let object = Dictionary(uniqueKeysWithValues: zip(evaluated, lists))
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }
    try emit(report)
}
