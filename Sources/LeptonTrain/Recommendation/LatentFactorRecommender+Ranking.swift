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

    /// The `k` best-scored items for one user.
    ///
    /// - Parameters:
    ///   - user: A user id seen in training.
    ///   - k: How many items, at least 1; fewer come back when fewer items are eligible.
    ///   - filterSeen: Whether to leave out the items the user interacted with in training (the default).
    ///   - candidates: When given, only these items are ranked (in stock, allowed categories…).
    /// - Returns: The items, best first; equal scores are ordered by item index.
    /// - Throws: ``RecommenderError`` for an unknown user or candidate item, or `k < 1`.
    public func recommend(user: String, k: Int, filterSeen: Bool = true, candidates: [String]? = nil) throws
        -> [Recommendation]
    {
        try recommend(users: [user], k: k, filterSeen: filterSeen, candidates: candidates)[0]
    }

    /// The `k` best-scored items for each of several users: scores for a block of users come from one GEMM
    /// (`U_block · Vᵀ` plus the item biases, fused), then each row is partially sorted on the pool's threads.
    ///
    /// - Parameters:
    ///   - users: User ids seen in training.
    ///   - k: How many items per user, at least 1.
    ///   - filterSeen: Whether to leave out each user's training items (the default).
    ///   - candidates: When given, only these items are ranked.
    /// - Returns: One list per user, in the order of `users`.
    /// - Throws: ``RecommenderError`` for an unknown user or candidate item, or `k < 1`.
    public func recommend(
        users: [String], k: Int, filterSeen: Bool = true, candidates: [String]? = nil
    ) throws -> [[Recommendation]] {
        try recommend(users: users, k: k, filterSeen: filterSeen, candidates: candidates, pool: .shared)
    }

    /// Top-k lists for several users on a given thread pool (tests compare thread counts with it).
    package func recommend(
        users: [String], k: Int, filterSeen: Bool, candidates: [String]?, pool: ThreadPool
    ) throws -> [[Recommendation]] {
        try RecommenderValidation.atLeast(k, 1, "k")
        let userIndices = try users.map { try userIndex($0) }
        let candidateIndices = try candidates.map { try Array(Set($0.map { try itemIndex($0) })).sorted() }
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

    /// The `k` best-scored items for a user who is not in the model, from a few of their interactions (fold-in:
    /// the user's factors and bias are estimated with the item parameters fixed; nothing is retrained).
    ///
    /// - Parameters:
    ///   - interactions: Ratings or strengths by item id.
    ///   - k: How many items, at least 1.
    ///   - filterSeen: Whether to leave out the items in `interactions` (the default).
    ///   - candidates: When given, only these items are ranked.
    /// - Returns: The items, best first.
    /// - Throws: ``RecommenderError`` for no interactions, an unknown item, a non-finite value or `k < 1`.
    public func recommend(
        forNewUser interactions: [String: Double], k: Int, filterSeen: Bool = true, candidates: [String]? = nil
    ) throws -> [Recommendation] {
        try RecommenderValidation.atLeast(k, 1, "k")
        guard !interactions.isEmpty else { throw RecommenderError.emptyFoldIn }
        var pairs: [(item: Int, value: Double)] = []
        for (id, value) in interactions {
            guard value.isFinite else {
                throw RecommenderError.nonFiniteValue(what: "rating of item '\(id)'", value: value)
            }
            pairs.append((try itemIndex(id), value))
        }
        pairs.sort { $0.item < $1.item }
        let candidateIndices = try candidates.map { try Array(Set($0.map { try itemIndex($0) })).sorted() }
        let (vector, bias) = foldIn(items: pairs.map(\.item), values: pairs.map(\.value))
        let d = factors.factorCount
        let n = factors.items.count
        var scores = [Float](repeating: 0, count: n)
        for item in 0..<n {
            var dot: Float = 0
            for f in 0..<d { dot += vector[f] * factors.itemFactors[item * d + f] }
            scores[item] = factors.itemBiases[item] + dot
        }
        let seen = filterSeen ? pairs.map { Int32($0.item) } : []
        return scores.withUnsafeBufferPointer { row in
            selectTop(
                k: k, row: row.baseAddress!, offset: factors.globalMean + bias, seen: seen[...],
                candidates: candidateIndices)
        }
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

    /// The top `k` of one scored row, skipping `seen` (ascending) and, when given, items outside `candidates`.
    private func selectTop(
        k: Int, row: UnsafePointer<Float>, offset: Float, seen: ArraySlice<Int32>, candidates: [Int]?
    ) -> [Recommendation] {
        // k may be huge (Int.max for "everything"); the heap never needs more than the catalogue.
        var selection = TopKSelection(k: min(k, factors.items.count))
        var seenCursor = seen.startIndex
        // Both the candidates and the seen items are ascending, so one merge pass skips the seen ones.
        func isSeen(_ item: Int) -> Bool {
            while seenCursor < seen.endIndex, Int(seen[seenCursor]) < item { seenCursor += 1 }
            return seenCursor < seen.endIndex && Int(seen[seenCursor]) == item
        }
        if let candidates {
            for item in candidates where !isSeen(item) { selection.offer(score: row[item], index: item) }
        } else {
            for item in 0..<factors.items.count where !isSeen(item) { selection.offer(score: row[item], index: item) }
        }
        return selection.sorted().map {
            Recommendation(item: factors.items.id(at: $0.index), itemIndex: $0.index, score: $0.score + offset)
        }
    }
}
