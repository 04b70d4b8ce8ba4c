import Foundation
import Testing

@testable import LeptonTrain

@Suite("Recommendation metrics: hand-computed cases and Python reference values")
struct RecommendationMetricsTests {
    private func close(_ actual: Double, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            abs(actual - expected) <= 1e-6 * max(1, abs(expected)), "\(actual) vs \(expected)",
            sourceLocation: sourceLocation)
    }

    @Test("one user by hand; users without relevant items or without a list are left out")
    func handComputed() throws {
        // User 0: list a b c d, relevant {b, d, e}: hits at ranks 2 and 4. User 1 has no relevant items, user 2 no
        // list: both are excluded, as in Microsoft Recommenders.
        let recommended = [["a", "b", "c", "d"], ["x"], []]
        let relevant: [Set<String>] = [["b", "d", "e"], [], ["a"]]
        close(try RankingMetrics.precision(at: 4, recommended: recommended, relevant: relevant), 0.5)
        close(try RankingMetrics.recall(at: 4, recommended: recommended, relevant: relevant), 2.0 / 3.0)
        let dcg = 1 / log2(3.0) + 1 / log2(5.0)
        let idcg = 1 + 1 / log2(3.0) + 1 / log2(4.0)
        close(try RankingMetrics.ndcg(at: 4, recommended: recommended, relevant: relevant), dcg / idcg)
        // MAP@4: (1/2 + 2/4) / min(3, 4).
        close(try RankingMetrics.meanAveragePrecision(at: 4, recommended: recommended, relevant: relevant), 1.0 / 3.0)
        close(try RankingMetrics.hitRate(at: 1, recommended: recommended, relevant: relevant), 0)
        // At k = 2: one hit of two, recall 1/3, MAP (1/2) / min(3, 2).
        close(try RankingMetrics.precision(at: 2, recommended: recommended, relevant: relevant), 0.5)
        close(try RankingMetrics.meanAveragePrecision(at: 2, recommended: recommended, relevant: relevant), 0.25)
        close(try RankingMetrics.catalogCoverage(recommended: recommended, catalogSize: 10), 0.5)
        // Counts a:1, b:3 → N = 4; novelty of [b, b, a] = (2·(−log2 3/4) + (−log2 1/4)) / 3.
        let novelty = try RankingMetrics.novelty(recommended: [["b"], ["b", "a"]], trainingCounts: ["a": 1, "b": 3])
        close(novelty, (2 * -log2(0.75) + 2) / 3)
        close(try RatingMetrics.rmse(predicted: [1, 2, 4], actual: [2, 2, 2]), (5.0 / 3.0).squareRoot())
        close(try RatingMetrics.mae(predicted: [1, 2, 4], actual: [2, 2, 2]), 1)
    }

    @Test("bad input gets typed errors")
    func errors() {
        #expect(throws: RecommendationMetricError.invalidK(0)) {
            try RankingMetrics.precision(at: 0, recommended: [[1]], relevant: [[1]])
        }
        #expect(throws: RecommendationMetricError.countMismatch(what: "relevant sets", expected: 2, actual: 1)) {
            try RankingMetrics.recall(at: 1, recommended: [[1], [2]], relevant: [[1]])
        }
        #expect(throws: RecommendationMetricError.noEvaluableUsers) {
            try RankingMetrics.ndcg(at: 1, recommended: [[1]], relevant: [[]])
        }
        #expect(throws: RecommendationMetricError.itemWithoutHistory("7")) {
            try RankingMetrics.novelty(recommended: [[7]], trainingCounts: [1: 2])
        }
        #expect(throws: RecommendationMetricError.invalidCatalogSize(0)) {
            try RankingMetrics.catalogCoverage(recommended: [[1]], catalogSize: 0)
        }
        #expect(throws: RecommendationMetricError.nonFiniteValue(what: "predicted", index: 1, value: .infinity)) {
            try RatingMetrics.rmse(predicted: [1, .infinity], actual: [1, 1])
        }
        #expect(throws: RecommendationMetricError.emptyInput) { try RatingMetrics.mae(predicted: [], actual: []) }
    }

    /// The data of the Python reference below: 8 users, 30 items,
    /// list_u = [(7u + 11j) mod 30 for j < 12], relevant_u = {(5u + 13j) mod 30 for j < 2·(u mod 5 + 1)},
    /// training count of item i = 1 + (7i mod 10).
    ///
    /// The reference (`python3 metrics_ref.py K` for K = 10 and 3; numpy, scikit-learn 1.9.1), written from
    /// Microsoft Recommenders' definitions:
    // import numpy as np
    // from sklearn.metrics import ndcg_score
    // import sys
    // U, I, K = 8, 30, int(sys.argv[1])
    // rec = [[(u*7 + j*11) % I for j in range(12)] for u in range(U)]
    // rel = [sorted({(u*5 + j*13) % I for j in range((u % 5 + 1) * 2)}) for u in range(U)]
    // # MS Recommenders definitions, binary relevance, top_k
    // def hits(u): return [1 if it in rel[u] else 0 for it in rec[u][:K]]
    // prec = np.mean([sum(hits(u))/K for u in range(U)])
    // recall = np.mean([sum(hits(u))/len(rel[u]) for u in range(U)])
    // def ndcg(u):
    //     h = hits(u); dcg = sum(h[r]/np.log(2+r) for r in range(K)); idcg = sum(1/np.log(2+r) for r in range(min(len(rel[u]),K)))
    //     return dcg/idcg
    // nd = np.mean([ndcg(u) for u in range(U)])
    // def ap(u):
    //     h = hits(u); c = np.cumsum(h); return sum(c[r]/(r+1) for r in range(K) if h[r]) / min(len(rel[u]), K)
    // mapk = np.mean([ap(u) for u in range(U)])
    // hr = np.mean([1.0 if sum(hits(u)) > 0 else 0.0 for u in range(U)])
    // yt = np.zeros((U, I)); ys = np.zeros((U, I))
    // for u in range(U):
    //     for it in rel[u]: yt[u, it] = 1
    //     ys[u] = -np.arange(I) / 1000.0 - 1
    //     for j, it in enumerate(rec[u]): ys[u, it] = 100 - j
    // sk = ndcg_score(yt, ys, k=K)
    // counts = {i: 1 + (i*7 % 10) for i in range(I)}
    // N = sum(counts.values())
    // nov = np.mean([-np.log2(counts[it]/N) for u in range(U) for it in rec[u][:K]])
    // cov = len({it for u in range(U) for it in rec[u][:K]}) / I
    // pred = np.array([1 + (i*37 % 41)/10 for i in range(20)]); act = np.array([1 + (i*13 % 5) for i in range(20)], float)
    // rmse = np.sqrt(np.mean((pred-act)**2)); mae = np.mean(np.abs(pred-act))
    // for name, v in [("precision", prec), ("recall", recall), ("ndcg", nd), ("sklearn_ndcg", sk), ("map", mapk), ("hit", hr), ("novelty", nov), ("coverage", cov), ("rmse", rmse), ("mae", mae)]:
    //     print(f"{name} = {v!r}")
    private var recommended: [[Int]] { (0..<8).map { u in (0..<12).map { j in (u * 7 + j * 11) % 30 } } }
    private var relevant: [Set<Int>] {
        (0..<8).map { u in Set((0..<((u % 5 + 1) * 2)).map { j in (u * 5 + j * 13) % 30 }) }
    }
    private var counts: [Int: Int] { Dictionary(uniqueKeysWithValues: (0..<30).map { ($0, 1 + ($0 * 7 % 10)) }) }

    @Test("agree with numpy implementations of Microsoft Recommenders' definitions and sklearn's ndcg_score to 1e-6")
    func pythonReference() throws {
        // Values printed by the reference above; its sklearn.metrics.ndcg_score(y_true, y_score, k=K) printed the same
        // nDCG as the numpy definition at both K.
        let expected:
            [Int: (
                precision: Double, recall: Double, ndcg: Double, map: Double, hit: Double, novelty: Double,
                coverage: Double
            )] = [
                10: (0.16250000000000003, 0.35, 0.27577561582481025, 0.14516617063492065, 1.0, 5.187216102774121, 1.0),
                3: (
                    0.16666666666666666, 0.12708333333333333, 0.17231347871926, 0.1111111111111111, 0.5,
                    5.245320117399096,
                    0.7333333333333333
                ),
            ]
        for (k, truth) in expected {
            close(try RankingMetrics.precision(at: k, recommended: recommended, relevant: relevant), truth.precision)
            close(try RankingMetrics.recall(at: k, recommended: recommended, relevant: relevant), truth.recall)
            close(try RankingMetrics.ndcg(at: k, recommended: recommended, relevant: relevant), truth.ndcg)
            close(
                try RankingMetrics.meanAveragePrecision(at: k, recommended: recommended, relevant: relevant), truth.map)
            close(try RankingMetrics.hitRate(at: k, recommended: recommended, relevant: relevant), truth.hit)
            let truncated = recommended.map { Array($0.prefix(k)) }
            close(try RankingMetrics.novelty(recommended: truncated, trainingCounts: counts), truth.novelty)
            close(try RankingMetrics.catalogCoverage(recommended: truncated, catalogSize: 30), truth.coverage)
        }
        // pred_i = 1 + (37i mod 41)/10, actual_i = 1 + (13i mod 5), i < 20: np.sqrt(np.mean((pred-act)**2)), np.mean(abs).
        let predicted = (0..<20).map { 1 + Double($0 * 37 % 41) / 10 }
        let actual = (0..<20).map { 1 + Double($0 * 13 % 5) }
        close(try RatingMetrics.rmse(predicted: predicted, actual: actual), 1.5883954167649819)
        close(try RatingMetrics.mae(predicted: predicted, actual: actual), 1.2999999999999998)
    }
}
