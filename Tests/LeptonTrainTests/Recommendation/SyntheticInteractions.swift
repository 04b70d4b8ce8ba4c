import LeptonData

/// The tests' short names for LeptonData's seeded synthetic recommendation data.
enum SyntheticInteractions {
    /// Explicit 1…5 ratings; see ``SyntheticRecommendationData/ratings(users:items:factorCount:seed:)``.
    static func ratings(users: Int = 250, items: Int = 150, d: Int = 4, seed: UInt64 = 7) throws -> InteractionMatrix {
        try SyntheticRecommendationData.ratings(users: users, items: items, factorCount: d, seed: seed)
    }

    /// Implicit interactions, 20 per user; see
    /// ``SyntheticRecommendationData/implicit(users:items:factorCount:perUser:seed:)``.
    static func implicit(users: Int = 300, items: Int = 200, d: Int = 4, seed: UInt64 = 11) throws
        -> InteractionMatrix
    {
        try SyntheticRecommendationData.implicit(users: users, items: items, factorCount: d, seed: seed)
    }
}
