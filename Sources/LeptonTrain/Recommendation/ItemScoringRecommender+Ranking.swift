import LeptonData

extension ItemScoringRecommender {
    /// The `k` best-scored items for one user.
    ///
    /// - Parameters:
    ///   - user: A user id seen in training.
    ///   - k: How many items, at least 1; fewer come back when fewer items are eligible.
    ///   - filterSeen: Whether to leave out the items the user interacted with in training (the default).
    ///   - candidates: When given, only these items are ranked (in stock, allowed categories…).
    /// - Returns: The items, best first; equal scores are ordered by item index.
    /// - Throws: ``RecommenderError`` for an unknown user or candidate item, a user without interactions (for models
    ///   that need them), or `k < 1`.
    public func recommend(user: String, k: Int, filterSeen: Bool = true, candidates: [String]? = nil) throws
        -> [Recommendation]
    {
        try recommend(users: [user], k: k, filterSeen: filterSeen, candidates: candidates)[0]
    }

    /// The `k` best-scored items for each of several users (latent-factor models score them by GEMM in blocks).
    ///
    /// - Parameters:
    ///   - users: User ids seen in training.
    ///   - k: How many items per user, at least 1.
    ///   - filterSeen: Whether to leave out each user's training items (the default).
    ///   - candidates: When given, only these items are ranked.
    /// - Returns: One list per user, in the order of `users`.
    /// - Throws: ``RecommenderError``.
    public func recommend(users: [String], k: Int, filterSeen: Bool = true, candidates: [String]? = nil) throws
        -> [[Recommendation]]
    {
        try RecommenderValidation.atLeast(k, 1, "k")
        return try topK(
            forUsers: users.map { try RecommenderValidation.userIndex($0, in: training) }, k: k,
            filterSeen: filterSeen, candidateIndices: RecommenderValidation.candidateIndices(candidates, in: training))
    }

    /// Top-k lists from ``itemScores(forUser:)``, one user at a time.
    ///
    /// - Parameters:
    ///   - userIndices: Dense user indices.
    ///   - k: How many items per user, at least 1.
    ///   - filterSeen: Whether to leave out each user's training items.
    ///   - candidateIndices: When given, the only items ranked (distinct, ascending dense indices).
    /// - Returns: One list per user.
    /// - Throws: ``RecommenderError``.
    public func topK(forUsers userIndices: [Int], k: Int, filterSeen: Bool, candidateIndices: [Int]?) throws
        -> [[Recommendation]]
    {
        try RecommenderValidation.atLeast(k, 1, "k")
        return try userIndices.map { u in
            let scores = try itemScores(forUser: u)
            let seen = filterSeen ? training.items(ofUser: u) : []
            return scores.withUnsafeBufferPointer {
                TopKSelection.select(
                    k: k, row: $0.baseAddress!, offset: 0, seen: seen, candidates: candidateIndices,
                    items: training.items)
            }
        }
    }

    /// The `k` best-scored items for a user who is not in the model, from a few of their interactions (fold-in;
    /// nothing is retrained).
    ///
    /// - Parameters:
    ///   - interactions: Ratings or strengths by item id.
    ///   - k: How many items, at least 1.
    ///   - filterSeen: Whether to leave out the items in `interactions` (the default).
    ///   - candidates: When given, only these items are ranked.
    /// - Returns: The items, best first.
    /// - Throws: ``RecommenderError`` for no interactions, an unknown item, a non-finite or out-of-scale value, or
    ///   `k < 1`.
    public func recommend(
        forNewUser interactions: [String: Double], k: Int, filterSeen: Bool = true, candidates: [String]? = nil
    ) throws -> [Recommendation] {
        try RecommenderValidation.atLeast(k, 1, "k")
        let pairs = try RecommenderValidation.foldInPairs(interactions, in: training)
        let candidateIndices = try RecommenderValidation.candidateIndices(candidates, in: training)
        let scores = try itemScores(forNewUserItems: pairs.map(\.item), values: pairs.map(\.value))
        let seen = filterSeen ? pairs.map { Int32($0.item) } : []
        return scores.withUnsafeBufferPointer {
            TopKSelection.select(
                k: k, row: $0.baseAddress!, offset: 0, seen: seen[...], candidates: candidateIndices,
                items: training.items)
        }
    }
}
