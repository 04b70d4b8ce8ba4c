import LeptonData

/// A weighted blend of two recommenders fitted on the same interactions:
/// `s_ui = w · z(first)_ui + (1 − w) · z(second)_ui`, where `z` standardises each model's scores for the user over
/// the catalogue (`(s − mean) / standard deviation`; a constant row becomes 0), so that the weight compares
/// rankings rather than score scales. The weight is given, or chosen by
/// ``selectWeight(first:second:validation:k:grid:)``: the grid value with the best validation nDCG@k (seen items
/// filtered; the first best on ties).
public struct HybridRecommender<First: ItemScoringRecommender & Codable, Second: ItemScoringRecommender & Codable>:
    ItemScoringRecommender, Codable
{
    /// The validation outcome of a weight search.
    public struct WeightSelection: Sendable, Equatable {
        /// The chosen weight of the first model.
        public let weight: Double
        /// Every weight tried with its validation nDCG@k, in grid order.
        public let ndcgByWeight: [(weight: Double, ndcg: Double)]

        /// Two selections are equal when they chose the same weight from the same scores.
        public static func == (lhs: WeightSelection, rhs: WeightSelection) -> Bool {
            lhs.weight == rhs.weight && lhs.ndcgByWeight.map(\.weight) == rhs.ndcgByWeight.map(\.weight)
                && lhs.ndcgByWeight.map(\.ndcg) == rhs.ndcgByWeight.map(\.ndcg)
        }
    }

    /// The model's name in messages.
    public static var modelName: String { "Hybrid(\(First.modelName), \(Second.modelName))" }
    /// The first model.
    public let first: First
    /// The second model.
    public let second: Second
    /// The weight of the first model, in [0, 1].
    public let weight: Double

    /// The interactions both models were fitted on.
    public var training: InteractionMatrix { first.training }

    private enum CodingKeys: String, CodingKey { case first, second, weight }

    /// A blend with a given weight.
    /// - Parameters:
    ///   - first: A fitted model.
    ///   - second: A fitted model with the same users and items.
    ///   - weight: The first model's weight, in [0, 1].
    /// - Throws: ``RecommenderError/incompatibleModels(_:)`` or ``RecommenderError/invalidParameter(name:value:expected:)``.
    public init(first: First, second: Second, weight: Double) throws {
        guard weight >= 0, weight <= 1 else {
            throw RecommenderError.invalidParameter(name: "weight", value: weight, expected: "a value in 0...1")
        }
        try Self.checkCompatible(first.training, second.training, what: "the two models")
        self.first = first
        self.second = second
        self.weight = weight
    }

    /// A blend whose weight is chosen on `validation` by ``selectWeight(first:second:validation:k:grid:)``.
    /// - Parameters:
    ///   - first: A fitted model.
    ///   - second: A fitted model with the same users and items.
    ///   - validation: Held-out interactions with the models' id maps (a split of the same data).
    ///   - k: The nDCG cut-off.
    ///   - grid: The weights to try.
    /// - Throws: ``RecommenderError``, ``RecommendationMetricError/noEvaluableUsers``.
    public init(
        first: First, second: Second, validation: InteractionMatrix, k: Int = 10,
        grid: [Double] = stride(from: 0, through: 1, by: 0.1).map { $0 }
    ) throws {
        let selection = try Self.selectWeight(first: first, second: second, validation: validation, k: k, grid: grid)
        try self.init(first: first, second: second, weight: selection.weight)
    }

    /// Decodes both models and the weight, and checks that they fit together.
    /// - Parameter decoder: The decoder.
    /// - Throws: ``RecommenderError/corruptModel(_:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let first = try container.decode(First.self, forKey: .first)
        let second = try container.decode(Second.self, forKey: .second)
        let weight = try container.decode(Double.self, forKey: .weight)
        do {
            try self.init(first: first, second: second, weight: weight)
        } catch let error as RecommenderError {
            throw RecommenderError.corruptModel(error.description)
        }
    }

    /// Encodes both models and the weight.
    /// - Parameter encoder: The encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(first, forKey: .first)
        try container.encode(second, forKey: .second)
        try container.encode(weight, forKey: .weight)
    }

    private static func checkCompatible(_ a: InteractionMatrix, _ b: InteractionMatrix, what: String) throws {
        guard a.users == b.users, a.items == b.items else {
            throw RecommenderError.incompatibleModels("\(what) do not share the same user and item ids")
        }
    }

    /// `row` standardised over its entries.
    static func standardized(_ row: [Float]) -> [Float] {
        guard !row.isEmpty else { return row }
        let mean = row.reduce(0.0) { $0 + Double($1) } / Double(row.count)
        let variance = row.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(row.count)
        guard variance > 0, variance.isFinite else { return row.map { _ in 0 } }
        let scale = 1 / variance.squareRoot()
        return row.map { Float((Double($0) - mean) * scale) }
    }

    private static func blend(_ a: [Float], _ b: [Float], weight: Double) -> [Float] {
        let w = Float(weight)
        return zip(standardized(a), standardized(b)).map { w * $0 + (1 - w) * $1 }
    }

    /// Chooses the first model's weight by validation nDCG@k: for every user with validation items (and training
    /// interactions, so that both models can score them), the top-k of the blend with seen items filtered against
    /// the validation items as the relevant set.
    ///
    /// - Parameters:
    ///   - first: A fitted model.
    ///   - second: A fitted model with the same users and items.
    ///   - validation: Held-out interactions with the models' id maps.
    ///   - k: The nDCG cut-off, at least 1.
    ///   - grid: The weights to try, each in [0, 1], at least one.
    /// - Returns: The best weight (the first on ties) and every weight's nDCG.
    /// - Throws: ``RecommenderError``, ``RecommendationMetricError/noEvaluableUsers``.
    public static func selectWeight(
        first: First, second: Second, validation: InteractionMatrix, k: Int = 10,
        grid: [Double] = stride(from: 0, through: 1, by: 0.1).map { $0 }
    ) throws -> WeightSelection {
        try RecommenderValidation.atLeast(k, 1, "k")
        guard !grid.isEmpty else {
            throw RecommenderError.invalidParameter(name: "grid.count", value: 0, expected: "at least 1")
        }
        if let bad = grid.first(where: { !($0 >= 0 && $0 <= 1) }) {
            throw RecommenderError.invalidParameter(name: "grid weight", value: bad, expected: "a value in 0...1")
        }
        let training = first.training
        try checkCompatible(training, second.training, what: "the two models")
        try checkCompatible(training, validation, what: "the models and the validation interactions")
        var rows: [(first: [Float], second: [Float], user: Int)] = []
        var relevant: [Set<Int>] = []
        for u in 0..<validation.userCount
        where !validation.items(ofUser: u).isEmpty && !training.items(ofUser: u).isEmpty {
            rows.append(
                (standardized(try first.itemScores(forUser: u)), standardized(try second.itemScores(forUser: u)), u))
            relevant.append(Set(validation.items(ofUser: u).map { Int($0) }))
        }
        var results: [(weight: Double, ndcg: Double)] = []
        for weight in grid {
            let w = Float(weight)
            let lists = rows.map { row -> [Int] in
                let blended = zip(row.first, row.second).map { w * $0 + (1 - w) * $1 }
                return blended.withUnsafeBufferPointer {
                    TopKSelection.select(
                        k: k, row: $0.baseAddress!, offset: 0, seen: training.items(ofUser: row.user), candidates: nil,
                        items: training.items
                    ).map(\.itemIndex)
                }
            }
            results.append((weight, try RankingMetrics.ndcg(at: k, recommended: lists, relevant: relevant)))
        }
        let best = results.reduce(results[0]) { $1.ndcg > $0.ndcg ? $1 : $0 }
        return WeightSelection(weight: best.weight, ndcgByWeight: results)
    }

    /// The blended scores for a known user.
    /// - Parameter user: A dense user index.
    /// - Throws: The models' errors.
    public func itemScores(forUser user: Int) throws -> [Float] {
        Self.blend(try first.itemScores(forUser: user), try second.itemScores(forUser: user), weight: weight)
    }

    /// The blended fold-in scores for a new user.
    /// - Parameters:
    ///   - items: Dense item indices.
    ///   - values: Ratings or strengths aligned with `items`.
    /// - Throws: The models' errors.
    public func itemScores(forNewUserItems items: [Int], values: [Double]) throws -> [Float] {
        Self.blend(
            try first.itemScores(forNewUserItems: items, values: values),
            try second.itemScores(forNewUserItems: items, values: values), weight: weight)
    }
}

extension HybridRecommender: Equatable where First: Equatable, Second: Equatable {
    /// Equal when both models and the weight are equal.
    public static func == (lhs: HybridRecommender, rhs: HybridRecommender) -> Bool {
        lhs.first == rhs.first && lhs.second == rhs.second && lhs.weight == rhs.weight
    }
}
