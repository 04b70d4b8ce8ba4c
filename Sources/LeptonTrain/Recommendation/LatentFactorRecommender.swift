import LeptonData

/// A fitted recommender whose scores come from ``LatentFactors``; ranking, prediction and fold-in are provided by
/// extensions (see `LatentFactorRecommender+Ranking.swift`).
public protocol LatentFactorRecommender: Sendable {
    /// The fitted parameters.
    var factors: LatentFactors { get }
    /// The interactions the model was fitted on: the items each user has already seen.
    var training: InteractionMatrix { get }
    /// The model's own name, for messages.
    static var modelName: String { get }

    /// Estimates the factors and bias of a user who is not in the model from a few of their interactions, with the
    /// item parameters held fixed (no retraining).
    ///
    /// - Parameters:
    ///   - items: Dense item indices, distinct.
    ///   - values: The ratings or strengths, aligned with `items`.
    /// - Returns: The user's factor vector (``LatentFactors/factorCount`` values) and bias.
    func foldIn(items: [Int], values: [Double]) -> (factors: [Float], bias: Float)
}
