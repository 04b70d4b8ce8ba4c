import LeptonData

/// A fitted recommender that can score every catalogue item for a user; ranking (top-k with seen items filtered and
/// candidate restrictions) and fold-in of a new user are provided for every conformer by
/// `ItemScoringRecommender+Ranking.swift`. ``LatentFactorRecommender`` refines it with a GEMM path for batches.
public protocol ItemScoringRecommender: Sendable {
    /// The interactions the model was fitted on: the users it knows, the catalogue (`training.items`) and the items
    /// each user has already seen.
    var training: InteractionMatrix { get }
    /// The model's own name, for messages.
    static var modelName: String { get }

    /// The score of every catalogue item (indexed as `training.items`) for a known user; higher is better.
    ///
    /// - Parameter user: A dense user index in `0..<training.userCount`.
    /// - Throws: ``RecommenderError/userWithoutInteractions(_:)`` when the model cannot score a user without history.
    func itemScores(forUser user: Int) throws -> [Float]

    /// The score of every catalogue item for a user who is not in the model, from a few interactions (fold-in).
    ///
    /// - Parameters:
    ///   - items: Dense item indices, distinct and ascending.
    ///   - values: Ratings or strengths aligned with `items`.
    func itemScores(forNewUserItems items: [Int], values: [Double]) throws -> [Float]

    /// Top-k lists by dense indices (a customisation point: latent-factor models score a block of users by one
    /// GEMM; the default scores each user with ``itemScores(forUser:)``). `recommend(users:k:filterSeen:candidates:)`
    /// checks the ids and calls this.
    ///
    /// - Parameters:
    ///   - userIndices: Dense user indices.
    ///   - k: How many items per user, at least 1.
    ///   - filterSeen: Whether to leave out each user's training items.
    ///   - candidateIndices: When given, the only items ranked (distinct, ascending dense indices).
    /// - Returns: One list per user, in the order given.
    /// - Throws: ``RecommenderError``.
    func topK(forUsers userIndices: [Int], k: Int, filterSeen: Bool, candidateIndices: [Int]?) throws
        -> [[Recommendation]]
}
