import Foundation
import LeptonTensor

/// Seeded **synthetic** recommendation data for examples and tests (no real people or products): users and items
/// with latent factors, items with a long-tailed popularity, and item "genres" derived from the item factors, so
/// that collaborative and content-based models both have signal to find.
///
/// Every draw comes from `RandomGenerator` seeded by `seed`; equal arguments give equal data on every platform.
/// Latent vectors have components N(0, 1/d); item popularity weights are `1 / (index + 10)`.
public enum SyntheticRecommendationData {
    /// Latent vectors for `count` entities, N(0, 1/d) per component.
    private static func latent(_ count: Int, _ d: Int, _ generator: inout RandomGenerator) -> [[Double]] {
        (0..<count).map { _ in (0..<d).map { _ in generator.nextNormalPair().0 / Double(d).squareRoot() } }
    }

    /// Item weights ∝ 1 / (index + 10): a long tail.
    private static func popularity(_ items: Int) -> [Double] { (0..<items).map { 1 / Double($0 + 10) } }

    /// Draws `count` distinct indices with probability ∝ `weights` (sequential, without replacement).
    private static func draw(_ weights: [Double], _ count: Int, _ generator: inout RandomGenerator) -> [Int] {
        var remaining = weights
        var result: [Int] = []
        for _ in 0..<min(count, weights.count) {
            let total = remaining.reduce(0, +)
            var target = generator.nextUnitDouble() * total
            var chosen = remaining.count - 1
            for (index, weight) in remaining.enumerated() {
                target -= weight
                if target < 0, weight > 0 {
                    chosen = index
                    break
                }
            }
            result.append(chosen)
            remaining[chosen] = 0
        }
        return result
    }

    /// Explicit ratings on the scale 1…5: `3.5 + b_u + b_i + 1.5·(p_u·q_i)·√d + ε`, ε ~ N(0, 0.3²), rounded and
    /// clipped; biases ~ N(0, 0.3²). Each user rates 25–40 distinct items drawn by popularity. Users are `u0`, `u1`…,
    /// items `i0`, `i1`… (item index = popularity rank).
    ///
    /// - Parameters:
    ///   - users: Number of users, at least 1.
    ///   - items: Number of items, at least 1.
    ///   - d: The latent dimension (argument `factorCount`), at least 1.
    ///   - seed: The seed.
    /// - Throws: ``InteractionError/invalidParameter(name:value:expected:)`` for a count below 1.
    public static func ratings(users: Int = 250, items: Int = 150, factorCount d: Int = 4, seed: UInt64 = 7) throws
        -> InteractionMatrix
    {
        try validate(users: users, items: items, factorCount: d)
        var generator = RandomGenerator(seed: seed)
        let p = latent(users, d, &generator)
        let q = latent(items, d, &generator)
        let userBias = (0..<users).map { _ in generator.nextNormalPair().0 * 0.3 }
        let itemBias = (0..<items).map { _ in generator.nextNormalPair().0 * 0.3 }
        let weights = popularity(items)
        var interactions: [Interaction] = []
        for u in 0..<users {
            let count = 25 + Int(generator.next(upperBound: UInt64(16)))
            for i in draw(weights, count, &generator) {
                let dot: Double = zip(p[u], q[i]).reduce(0.0) { $0 + $1.0 * $1.1 } * Double(d).squareRoot()
                let raw: Double = 3.5 + userBias[u] + itemBias[i] + 1.5 * dot + 0.3 * generator.nextNormalPair().0
                let rating: Double = min(5, max(1, raw.rounded()))
                interactions.append(Interaction(user: "u\(u)", item: "i\(i)", value: rating))
            }
        }
        return try InteractionMatrix(interactions: interactions, ratingScale: 1...5)
    }

    /// Implicit interactions (value 1): each user picks `perUser` distinct items with probability
    /// ∝ popularity · exp(3·(p_u·q_i)·√d).
    ///
    /// - Parameters:
    ///   - users: Number of users, at least 1.
    ///   - items: Number of items, at least 1.
    ///   - d: The latent dimension (argument `factorCount`), at least 1.
    ///   - perUser: Interactions per user (at most `items`).
    ///   - seed: The seed.
    /// - Throws: ``InteractionError/invalidParameter(name:value:expected:)`` for a count below 1.
    public static func implicit(
        users: Int = 300, items: Int = 200, factorCount d: Int = 4, perUser: Int = 20, seed: UInt64 = 11
    ) throws -> InteractionMatrix {
        try validate(users: users, items: items, factorCount: d)
        guard perUser >= 1 else {
            throw InteractionError.invalidParameter(name: "perUser", value: Double(perUser), expected: "at least 1")
        }
        var generator = RandomGenerator(seed: seed)
        let p = latent(users, d, &generator)
        let q = latent(items, d, &generator)
        let base = popularity(items)
        var interactions: [Interaction] = []
        for u in 0..<users {
            let weights = (0..<items).map { i in
                base[i] * exp(3 * zip(p[u], q[i]).reduce(0) { $0 + $1.0 * $1.1 } * Double(d).squareRoot())
            }
            for i in draw(weights, perUser, &generator) {
                interactions.append(Interaction(user: "u\(u)", item: "i\(i)"))
            }
        }
        return try InteractionMatrix(interactions: interactions)
    }

    /// Item descriptions for the items of ``ratings(users:items:factorCount:seed:)`` with the same `items`,
    /// `factorCount` and `seed` (the item factors are drawn again from the same stream): item `i` is titled
    /// "Item i" and has the genre `gfP` for every factor f with `q_if > 0.5/√d` and `gfN` for every factor with
    /// `q_if < −0.5/√d`, so that items with similar factors share genres.
    ///
    /// - Parameters:
    ///   - users: The `users` given to ``ratings(users:items:factorCount:seed:)`` (its user factors come first in
    ///     the stream).
    ///   - items: Number of items.
    ///   - d: The latent dimension (argument `factorCount`).
    ///   - seed: The seed.
    /// - Throws: ``InteractionError/invalidParameter(name:value:expected:)`` for a count below 1.
    public static func itemFeatures(users: Int = 250, items: Int = 150, factorCount d: Int = 4, seed: UInt64 = 7)
        throws -> ItemFeatures
    {
        try validate(users: users, items: items, factorCount: d)
        var generator = RandomGenerator(seed: seed)
        _ = latent(users, d, &generator)
        let q = latent(items, d, &generator)
        let threshold = 0.5 / Double(d).squareRoot()
        var texts: [String] = []
        for i in 0..<items {
            var genres: [String] = []
            for f in 0..<d where q[i][f] > threshold { genres.append("g\(f)p") }
            for f in 0..<d where q[i][f] < -threshold { genres.append("g\(f)n") }
            texts.append("Item \(i) " + genres.joined(separator: " "))
        }
        return try ItemFeatures(items: (0..<items).map { "i\($0)" }, texts: texts)
    }

    private static func validate(users: Int, items: Int, factorCount: Int) throws {
        for (name, value) in [("users", users), ("items", items), ("factorCount", factorCount)] where value < 1 {
            throw InteractionError.invalidParameter(name: name, value: Double(value), expected: "at least 1")
        }
    }
}
