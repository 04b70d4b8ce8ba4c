/// One recommended item and its score.
public struct Recommendation: Sendable, Equatable {
    /// The item's id.
    public let item: String
    /// The item's dense index.
    public let itemIndex: Int
    /// The model's score (for explicit models, the predicted rating before clipping).
    public let score: Float
}
