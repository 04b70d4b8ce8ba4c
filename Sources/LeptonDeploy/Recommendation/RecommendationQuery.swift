/// One top-k request for a ``RecommenderPredictor``: which user, how many items, which to leave out and which may
/// be recommended at all.
public struct RecommendationQuery: Sendable, Equatable {
    /// A user id in the bundle.
    public var user: String
    /// How many items, at least 1.
    public var k: Int
    /// Item ids to leave out as well as the seen ones (unknown ids are ignored).
    public var excluding: Set<String>
    /// When given, only these items may be recommended (unknown ids are ignored).
    public var candidates: Set<String>?
    /// Whether to leave out the items the user interacted with in training.
    public var filterSeen: Bool

    /// Creates a query.
    /// - Parameters:
    ///   - user: A user id in the bundle.
    ///   - k: How many items, at least 1.
    ///   - excluding: Item ids to leave out.
    ///   - candidates: The only items that may be recommended, or `nil` for all.
    ///   - filterSeen: Whether to leave out the seen items (the default).
    public init(
        user: String, k: Int, excluding: Set<String> = [], candidates: Set<String>? = nil, filterSeen: Bool = true
    ) {
        self.user = user
        self.k = k
        self.excluding = excluding
        self.candidates = candidates
        self.filterSeen = filterSeen
    }
}
