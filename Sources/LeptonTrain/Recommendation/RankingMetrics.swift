import Foundation

/// Quality of top-k recommendation lists against held-out relevant items, as Microsoft Recommenders'
/// `python_evaluation` defines them (relevancy method `top_k`, binary relevance).
///
/// Every function takes, per user `u`, the ranked list `R_u` (best first; only its first `k` entries count) and the
/// set `T_u` of relevant items. As in Microsoft Recommenders, only users with a non-empty list *and* a non-empty
/// relevant set are evaluated; `n` is their number and averages are over them. Users without any hit count as 0.
/// `hits_u = |R_u[..k] ∩ T_u|`. A list should not repeat an item (a repeat would be counted twice).
public enum RankingMetrics {
    /// Precision at k: `(1/n) · Σ_u hits_u / k` (the denominator is `k` even for lists shorter than `k`).
    ///
    /// - Parameters:
    ///   - k: The cut-off, at least 1.
    ///   - recommended: Ranked lists, one per user.
    ///   - relevant: Relevant items, one set per user, aligned with `recommended`.
    /// - Throws: ``RecommendationMetricError``.
    public static func precision<Item: Hashable>(at k: Int, recommended: [[Item]], relevant: [Set<Item>]) throws
        -> Double
    {
        try average(k: k, recommended: recommended, relevant: relevant) { list, truth in
            Double(hits(list, truth)) / Double(k)
        }
    }

    /// Recall at k: `(1/n) · Σ_u hits_u / |T_u|`.
    ///
    /// - Parameters:
    ///   - k: The cut-off, at least 1.
    ///   - recommended: Ranked lists, one per user.
    ///   - relevant: Relevant items, one set per user, aligned with `recommended`.
    /// - Throws: ``RecommendationMetricError``.
    public static func recall<Item: Hashable>(at k: Int, recommended: [[Item]], relevant: [Set<Item>]) throws
        -> Double
    {
        try average(k: k, recommended: recommended, relevant: relevant) { list, truth in
            Double(hits(list, truth)) / Double(truth.count)
        }
    }

    /// Normalised discounted cumulative gain at k with binary relevance:
    /// `(1/n) · Σ_u DCG_u / IDCG_u`, `DCG_u = Σ_{r ≤ k, R_u[r] ∈ T_u} 1 / log₂(1 + r)` (ranks r from 1),
    /// `IDCG_u = Σ_{r=1}^{min(|T_u|, k)} 1 / log₂(1 + r)`. (The base of the logarithm cancels.)
    ///
    /// - Parameters:
    ///   - k: The cut-off, at least 1.
    ///   - recommended: Ranked lists, one per user.
    ///   - relevant: Relevant items, one set per user, aligned with `recommended`.
    /// - Throws: ``RecommendationMetricError``.
    public static func ndcg<Item: Hashable>(at k: Int, recommended: [[Item]], relevant: [Set<Item>]) throws -> Double {
        try average(k: k, recommended: recommended, relevant: relevant) { list, truth in
            var dcg = 0.0
            for (position, item) in list.prefix(k).enumerated() where truth.contains(item) {
                dcg += 1 / log2(Double(position) + 2)
            }
            var ideal = 0.0
            for position in 0..<min(truth.count, k) { ideal += 1 / log2(Double(position) + 2) }
            return dcg / ideal
        }
    }

    /// Mean average precision at k as Microsoft Recommenders' `map_at_k` defines it:
    /// `(1/n) · Σ_u [Σ_{j-th hit, at rank r ≤ k} j / r] / min(|T_u|, k)`.
    ///
    /// - Parameters:
    ///   - k: The cut-off, at least 1.
    ///   - recommended: Ranked lists, one per user.
    ///   - relevant: Relevant items, one set per user, aligned with `recommended`.
    /// - Throws: ``RecommendationMetricError``.
    public static func meanAveragePrecision<Item: Hashable>(
        at k: Int, recommended: [[Item]], relevant: [Set<Item>]
    ) throws -> Double {
        try average(k: k, recommended: recommended, relevant: relevant) { list, truth in
            var hitCount = 0
            var sum = 0.0
            for (position, item) in list.prefix(k).enumerated() where truth.contains(item) {
                hitCount += 1
                sum += Double(hitCount) / Double(position + 1)
            }
            return sum / Double(min(truth.count, k))
        }
    }

    /// Hit rate at k: the share of evaluated users with at least one hit, `(1/n) · Σ_u [hits_u > 0]`.
    ///
    /// - Parameters:
    ///   - k: The cut-off, at least 1.
    ///   - recommended: Ranked lists, one per user.
    ///   - relevant: Relevant items, one set per user, aligned with `recommended`.
    /// - Throws: ``RecommendationMetricError``.
    public static func hitRate<Item: Hashable>(at k: Int, recommended: [[Item]], relevant: [Set<Item>]) throws
        -> Double
    {
        try average(k: k, recommended: recommended, relevant: relevant) { list, truth in
            hits(list, truth) > 0 ? 1 : 0
        }
    }

    /// Catalogue coverage, `|∪_u R_u| / catalogSize`: the share of the catalogue that appears in some list
    /// (Microsoft Recommenders' `catalog_coverage` with `catalogSize` the number of distinct training items). Every
    /// entry of every list counts; truncate the lists to k first for coverage at k.
    ///
    /// - Parameters:
    ///   - recommended: The lists.
    ///   - catalogSize: The number of items that could have been recommended.
    /// - Throws: ``RecommendationMetricError/invalidCatalogSize(_:)`` or ``RecommendationMetricError/emptyInput``.
    public static func catalogCoverage<Item: Hashable>(recommended: [[Item]], catalogSize: Int) throws -> Double {
        guard catalogSize > 0 else { throw RecommendationMetricError.invalidCatalogSize(catalogSize) }
        guard !recommended.isEmpty else { throw RecommendationMetricError.emptyInput }
        return Double(Set(recommended.joined()).count) / Double(catalogSize)
    }

    /// Novelty (Castells et al., as Microsoft Recommenders' `novelty`): the mean over every recommended
    /// (user, item) pair of `−log₂(c_i / N)`, where `c_i` is item i's number of training interactions and
    /// `N = Σ_i c_i` is the number of training interactions. Every entry of every list counts.
    ///
    /// Unlike Microsoft Recommenders, which silently lets an item without training interactions add 0 to the sum
    /// while still counting it in the mean, such an item is an error here.
    ///
    /// - Parameters:
    ///   - recommended: The lists.
    ///   - trainingCounts: Training interactions per item.
    /// - Throws: ``RecommendationMetricError/itemWithoutHistory(_:)`` or ``RecommendationMetricError/emptyInput``.
    public static func novelty<Item: Hashable>(recommended: [[Item]], trainingCounts: [Item: Int]) throws -> Double {
        let total = Double(trainingCounts.values.reduce(0, +))
        var sum = 0.0
        var count = 0
        for item in recommended.joined() {
            guard let itemCount = trainingCounts[item], itemCount > 0 else {
                throw RecommendationMetricError.itemWithoutHistory(String(describing: item))
            }
            sum += -log2(Double(itemCount) / total)
            count += 1
        }
        guard count > 0 else { throw RecommendationMetricError.emptyInput }
        return sum / Double(count)
    }

    private static func hits<Item: Hashable>(_ list: ArraySlice<Item>, _ truth: Set<Item>) -> Int {
        list.reduce(0) { $0 + (truth.contains($1) ? 1 : 0) }
    }

    /// The mean of `perUser(R_u[..k], T_u)` over users with a non-empty list and a non-empty relevant set.
    private static func average<Item: Hashable>(
        k: Int, recommended: [[Item]], relevant: [Set<Item>], perUser: (ArraySlice<Item>, Set<Item>) -> Double
    ) throws -> Double {
        guard k >= 1 else { throw RecommendationMetricError.invalidK(k) }
        guard recommended.count == relevant.count else {
            throw RecommendationMetricError.countMismatch(
                what: "relevant sets", expected: recommended.count, actual: relevant.count)
        }
        var sum = 0.0
        var users = 0
        for (list, truth) in zip(recommended, relevant) where !list.isEmpty && !truth.isEmpty {
            sum += perUser(list.prefix(k), truth)
            users += 1
        }
        guard users > 0 else { throw RecommendationMetricError.noEvaluableUsers }
        return sum / Double(users)
    }
}
