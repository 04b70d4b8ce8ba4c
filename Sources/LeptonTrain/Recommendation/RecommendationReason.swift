/// Why an item was recommended: one item the user interacted with and how much it contributed to the score.
public struct RecommendationReason: Sendable, Equatable {
    /// The id of the item the user interacted with.
    public let item: String
    /// Its contribution to the recommended item's score (a similarity times the user's interaction weight).
    public let contribution: Float
}
