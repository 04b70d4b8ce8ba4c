import Foundation
import LeptonData
import LeptonTensor

/// Seeded synthetic recommendation data: users and items with latent factors, items with a popularity skew.
enum SyntheticInteractions {
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
        for _ in 0..<count {
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

    /// Ratings 1…5: `3.5 + b_u + b_i + 1.5·(p_u·q_i)·√d + noise`, rounded and clipped; each user rates 25–40 items
    /// chosen by popularity.
    static func ratings(users: Int = 250, items: Int = 150, d: Int = 4, seed: UInt64 = 7) throws -> InteractionMatrix {
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

    /// Implicit interactions: each user picks 20 items with probability ∝ popularity · exp(3·p_u·q_i·√d).
    static func implicit(users: Int = 300, items: Int = 200, d: Int = 4, seed: UInt64 = 11) throws
        -> InteractionMatrix
    {
        var generator = RandomGenerator(seed: seed)
        let p = latent(users, d, &generator)
        let q = latent(items, d, &generator)
        let base = popularity(items)
        var interactions: [Interaction] = []
        for u in 0..<users {
            let weights = (0..<items).map { i in
                base[i] * exp(3 * zip(p[u], q[i]).reduce(0) { $0 + $1.0 * $1.1 } * Double(d).squareRoot())
            }
            for i in draw(weights, 20, &generator) { interactions.append(Interaction(user: "u\(u)", item: "i\(i)")) }
        }
        return try InteractionMatrix(interactions: interactions)
    }
}
