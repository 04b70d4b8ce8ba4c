/// One request to a served recommender.
public enum RecommenderRequest: Sendable, Equatable {
    /// The top-k items for a user.
    case recommend(RecommendationQuery)
    /// The `k` items most similar to an item.
    case similar(item: String, k: Int)
}
