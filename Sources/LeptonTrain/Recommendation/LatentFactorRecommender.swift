import LeptonData

/// A fitted recommender whose scores come from ``LatentFactors``; ranking, prediction and fold-in are provided by
/// extensions (see `LatentFactorRecommender+Ranking.swift`), which score batches of users by GEMM.
public protocol LatentFactorRecommender: ItemScoringRecommender {
    /// The fitted parameters.
    var factors: LatentFactors { get }

    /// Estimates the factors and bias of a user who is not in the model from a few of their interactions, with the
    /// item parameters held fixed (no retraining).
    ///
    /// - Parameters:
    ///   - items: Dense item indices, distinct.
    ///   - values: The ratings or strengths, aligned with `items`.
    /// - Returns: The user's factor vector (``LatentFactors/factorCount`` values) and bias.
    func foldIn(items: [Int], values: [Double]) -> (factors: [Float], bias: Float)
}
