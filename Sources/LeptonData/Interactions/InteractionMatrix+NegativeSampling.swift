import LeptonTensor

extension InteractionMatrix {
    /// Draws `count` distinct items user `user` did not interact with, uniformly without replacement.
    ///
    /// - Parameters:
    ///   - user: A dense user index.
    ///   - count: How many negatives, at least 0.
    ///   - generator: The random stream; it advances.
    /// - Returns: Distinct item indices, in the order drawn.
    /// - Throws: ``InteractionError/tooFewNegatives(user:requested:available:)`` when the user has fewer
    ///   non-interacted items than `count`, ``InteractionError/invalidParameter(name:value:expected:)`` for a negative
    ///   count.
    public func sampleNegatives(forUser user: Int, count: Int, using generator: inout RandomGenerator) throws -> [Int] {
        precondition(user >= 0 && user < userCount, "sampleNegatives: user \(user) out of range 0..<\(userCount)")
        guard count >= 0 else {
            throw InteractionError.invalidParameter(name: "count", value: Double(count), expected: "at least 0")
        }
        let positives = items(ofUser: user)
        let available = itemCount - positives.count
        guard count <= available else {
            throw InteractionError.tooFewNegatives(user: users.id(at: user), requested: count, available: available)
        }
        if count == 0 { return [] }
        let excluded = Set(positives.map { Int($0) })
        if count * 2 <= available {
            // Rejection sampling: each draw succeeds with probability at least 1/2.
            var chosen = Set<Int>()
            var result: [Int] = []
            while result.count < count {
                let item = Int(generator.next(upperBound: UInt64(itemCount)))
                if !excluded.contains(item), chosen.insert(item).inserted { result.append(item) }
            }
            return result
        }
        var candidates = (0..<itemCount).filter { !excluded.contains($0) }
        for position in 0..<count {
            let other = position + Int(generator.next(upperBound: UInt64(candidates.count - position)))
            candidates.swapAt(position, other)
        }
        return Array(candidates.prefix(count))
    }

    /// Draws `ratio` negatives per positive interaction for every user, without replacement within a user.
    ///
    /// A user with fewer non-interacted items than `ratio × positives` gets all of them (documented clamp, so a very
    /// active user does not stop the whole draw).
    ///
    /// - Parameters:
    ///   - ratio: Negatives per positive, at least 1.
    ///   - seed: The seed; equal seeds give equal samples.
    /// - Returns: The negatives, user by user.
    /// - Throws: ``InteractionError/invalidParameter(name:value:expected:)``.
    public func negativeSamples(ratio: Int = 1, seed: UInt64) throws -> [NegativeSample] {
        guard ratio >= 1 else {
            throw InteractionError.invalidParameter(name: "ratio", value: Double(ratio), expected: "at least 1")
        }
        var generator = RandomGenerator(seed: seed)
        var result: [NegativeSample] = []
        for user in 0..<userCount {
            let positives = rowOffsets[user + 1] - rowOffsets[user]
            let count = min(ratio * positives, itemCount - positives)
            for item in try sampleNegatives(forUser: user, count: count, using: &generator) {
                result.append(NegativeSample(user: user, item: item))
            }
        }
        return result
    }
}
