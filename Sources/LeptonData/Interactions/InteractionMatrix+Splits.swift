import LeptonTensor

extension InteractionMatrix {
    /// Holds out a random share of each user's interactions.
    ///
    /// A user with `n ≥ 2` interactions gets `clamp(round(testFraction·n), 1, n − 1)` of them, chosen uniformly, in
    /// the test side, so every such user keeps at least one training and one test interaction. A user with a single
    /// interaction keeps it in training.
    ///
    /// - Parameters:
    ///   - testFraction: The share held out, strictly between 0 and 1.
    ///   - seed: The seed; equal seeds give equal splits.
    /// - Throws: ``InteractionError/invalidParameter(name:value:expected:)``.
    public func randomSplitPerUser(testFraction: Double, seed: UInt64) throws -> InteractionSplit {
        guard testFraction > 0, testFraction < 1 else {
            throw InteractionError.invalidParameter(
                name: "testFraction", value: testFraction, expected: "a value strictly between 0 and 1")
        }
        var generator = RandomGenerator(seed: seed)
        var isTest = [Bool](repeating: false, count: interactionCount)
        for user in 0..<userCount {
            let start = rowOffsets[user]
            let count = rowOffsets[user + 1] - start
            guard count >= 2 else { continue }
            let held = min(count - 1, max(1, Int((testFraction * Double(count)).rounded())))
            for offset in generator.permutation(count).prefix(held) { isTest[start + offset] = true }
        }
        return partitioned(isTest: isTest)
    }

    /// Holds out each user's `count` latest interactions.
    ///
    /// Interactions are ordered by timestamp, ties by item index. A user with `count` or fewer interactions keeps
    /// them all in training (there would be nothing left to learn the user from).
    ///
    /// - Parameter count: The number held out per user, at least 1.
    /// - Throws: ``InteractionError/missingTimestamps`` or ``InteractionError/invalidParameter(name:value:expected:)``.
    public func leaveLastOut(count: Int = 1) throws -> InteractionSplit {
        guard let timestamps else { throw InteractionError.missingTimestamps }
        guard count >= 1 else {
            throw InteractionError.invalidParameter(name: "count", value: Double(count), expected: "at least 1")
        }
        var isTest = [Bool](repeating: false, count: interactionCount)
        for user in 0..<userCount {
            let positions = Array(rowOffsets[user]..<rowOffsets[user + 1])
            guard positions.count > count else { continue }
            let ordered = positions.sorted { (timestamps[$0], itemIndices[$0]) < (timestamps[$1], itemIndices[$1]) }
            for position in ordered.suffix(count) { isTest[position] = true }
        }
        return partitioned(isTest: isTest)
    }

    /// Splits every interaction at one global time: before `cutoff` is training, at or after it is test.
    ///
    /// The test side may hold users and items absent from training (cold start); they keep their indices.
    ///
    /// - Parameter cutoff: The first test time.
    /// - Throws: ``InteractionError/missingTimestamps``, or ``InteractionError/invalidParameter(name:value:expected:)``
    ///   when either side would be empty.
    public func temporalSplit(cutoff: Double) throws -> InteractionSplit {
        guard let timestamps else { throw InteractionError.missingTimestamps }
        let isTest = timestamps.map { $0 >= cutoff }
        let testCount = isTest.filter { $0 }.count
        guard testCount > 0, testCount < interactionCount else {
            throw InteractionError.invalidParameter(
                name: "cutoff", value: cutoff, expected: "a time with interactions on both sides")
        }
        return partitioned(isTest: isTest)
    }
}
