import LeptonData
import LeptonKernels

extension LatentFactorRecommender {
    /// The predicted rating of `user` for `item`, clipped to the training data's rating scale when it declared one
    /// (as Surprise clips its estimates).
    ///
    /// - Parameters:
    ///   - user: A user id seen in training.
    ///   - item: An item id seen in training.
    /// - Throws: ``RecommenderError/unknownUser(_:)`` or ``RecommenderError/unknownItem(_:)``.
    public func predict(user: String, item: String) throws -> Double {
        let score = Double(factors.score(user: try userIndex(user), item: try itemIndex(item)))
        guard let scale = training.ratingScale else { return score }
        return min(max(score, scale.lowerBound), scale.upperBound)
    }

    /// Top-k lists by dense indices: scores for a block of users come from one GEMM (`U_block · Vᵀ` plus the item
    /// biases, fused), then each row is partially sorted on the pool's threads.
    ///
    /// - Parameters:
    ///   - userIndices: Dense user indices.
    ///   - k: How many items per user, at least 1.
    ///   - filterSeen: Whether to leave out each user's training items.
    ///   - candidateIndices: When given, the only items ranked (distinct, ascending dense indices).
    /// - Returns: One list per user.
    public func topK(forUsers userIndices: [Int], k: Int, filterSeen: Bool, candidateIndices: [Int]?) throws
        -> [[Recommendation]]
    {
        try topK(forUsers: userIndices, k: k, filterSeen: filterSeen, candidateIndices: candidateIndices, pool: .shared)
    }

    /// Top-k lists for several users on a given thread pool (tests compare thread counts with it).
    package func recommend(
        users: [String], k: Int, filterSeen: Bool, candidates: [String]?, pool: ThreadPool
    ) throws -> [[Recommendation]] {
        try topK(
            forUsers: users.map { try userIndex($0) }, k: k, filterSeen: filterSeen,
            candidateIndices: RecommenderValidation.candidateIndices(candidates, in: training), pool: pool)
    }

    private func topK(
        forUsers userIndices: [Int], k: Int, filterSeen: Bool, candidateIndices: [Int]?, pool: ThreadPool
    ) throws -> [[Recommendation]] {
        try RecommenderValidation.atLeast(k, 1, "k")
        let users = userIndices
        let d = factors.factorCount
        let n = factors.items.count
        var results = [[Recommendation]](repeating: [], count: users.count)
        let block = min(256, max(1, users.count))
        var gathered = [Float](repeating: 0, count: block * max(d, 1))
        var scores = [Float](repeating: 0, count: block * n)
        for start in stride(from: 0, to: users.count, by: block) {
            let rows = min(block, users.count - start)
            for r in 0..<rows {
                let u = userIndices[start + r]
                for f in 0..<d { gathered[r * d + f] = factors.userFactors[u * d + f] }
            }
            scores.withUnsafeMutableBufferPointer { c in
                scoreBlock(rows: rows, gathered: gathered, into: c, pool: pool)
                let scoreBase = UnsafePointer(c.baseAddress!)
                results.withUnsafeMutableBufferPointer { out in
                    pool.parallelFor(rows) { r in
                        let u = userIndices[start + r]
                        let seen = filterSeen ? training.items(ofUser: u) : []
                        out[start + r] = selectTop(
                            k: k, row: scoreBase + r * n, offset: factors.globalMean + factors.userBiases[u],
                            seen: seen, candidates: candidateIndices)
                    }
                }
            }
        }
        return results
    }

    func userIndex(_ id: String) throws -> Int {
        guard let index = factors.users.index(of: id) else { throw RecommenderError.unknownUser(id) }
        return index
    }

    func itemIndex(_ id: String) throws -> Int {
        guard let index = factors.items.index(of: id) else { throw RecommenderError.unknownItem(id) }
        return index
    }

    /// Writes `gathered (rows × d) · itemFactorsᵀ + itemBiases` into `scores` (rows × items).
    private func scoreBlock(
        rows: Int, gathered: [Float], into scores: UnsafeMutableBufferPointer<Float>, pool: ThreadPool
    ) {
        let d = factors.factorCount
        let n = factors.items.count
        factors.itemBiases.withUnsafeBufferPointer { bias in
            guard d > 0 else {
                for r in 0..<rows { for i in 0..<n { scores[r * n + i] = bias[i] } }
                return
            }
            gathered.withUnsafeBufferPointer { a in
                factors.itemFactors.withUnsafeBufferPointer { b in
                    sgemm(
                        .none, .transposed, m: rows, n: n, k: d, a: a.baseAddress!, lda: d, b: b.baseAddress!,
                        ldb: d, c: scores.baseAddress!, ldc: n,
                        epilogue: GEMMEpilogue(bias: bias.baseAddress, biasAxis: .perColumn), pool: pool)
                }
            }
        }
    }

    private func selectTop(
        k: Int, row: UnsafePointer<Float>, offset: Float, seen: ArraySlice<Int32>, candidates: [Int]?
    ) -> [Recommendation] {
        TopKSelection.select(
            k: k, row: row, offset: offset, seen: seen, candidates: candidates, items: factors.items)
    }

    /// Every item's score for a known user: `μ + b_u + b_i + p_u · q_i`.
    /// - Parameter user: A dense user index.
    public func itemScores(forUser user: Int) -> [Float] {
        (0..<factors.items.count).map { factors.score(user: user, item: $0) }
    }

    /// Every item's score for a folded-in user (see ``foldIn(items:values:)``).
    /// - Parameters:
    ///   - items: Dense item indices.
    ///   - values: Ratings or strengths aligned with `items`.
    public func itemScores(forNewUserItems items: [Int], values: [Double]) -> [Float] {
        let (vector, bias) = foldIn(items: items, values: values)
        let d = factors.factorCount
        return (0..<factors.items.count).map { item in
            var dot: Float = 0
            for f in 0..<d { dot += vector[f] * factors.itemFactors[item * d + f] }
            return factors.globalMean + bias + factors.itemBiases[item] + dot
        }
    }
}
