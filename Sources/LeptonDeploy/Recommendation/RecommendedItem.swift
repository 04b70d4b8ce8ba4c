/// One item a ``RecommenderPredictor`` recommends, with its score.
public struct RecommendedItem: Sendable, Equatable {
    /// The item's id.
    public let item: String
    /// The score: `μ + b_u + b_i + p_u · q_i` for recommendations, the cosine of the item factors for similar items.
    public let score: Float
}
