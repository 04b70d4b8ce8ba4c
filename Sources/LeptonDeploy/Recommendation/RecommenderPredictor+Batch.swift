import LeptonKernels

/// Top-k for many users at once: their factor rows are gathered into one matrix and scored against every item with
/// one GEMM per block of users, then each row is filtered and partially sorted.
extension RecommenderPredictor {
    /// Users scored per GEMM call (bounds the score buffer to `blockUsers × items` floats).
    static let blockUsers = 256

    /// The answers to many top-k queries, one result per query in query order; a bad query (unknown user, `k`
    /// below 1) fails alone. Equal to calling ``recommend(user:k:excluding:candidates:filterSeen:)`` per query,
    /// up to the rounding of the dot products.
    /// - Parameter queries: The queries.
    /// - Returns: The items of each query, best first, or its error.
    public func recommend(batch queries: [RecommendationQuery]) -> [Result<
        [RecommendedItem], RecommenderPredictorError
    >] {
        var results = [Result<[RecommendedItem], RecommenderPredictorError>](
            repeating: .success([]), count: queries.count)
        var valid: [(query: Int, user: Int)] = []
        for (index, query) in queries.enumerated() {
            if query.k < 1 {
                results[index] = .failure(.invalidK(query.k))
            } else if let u = bundle.users.index(of: query.user) {
                valid.append((index, u))
            } else {
                results[index] = .failure(.unknownUser(query.user))
            }
        }
        let n = bundle.items.count
        let d = bundle.manifest.factorCount
        var scores = [Float](repeating: 0, count: min(valid.count, Self.blockUsers) * n)
        var start = 0
        while start < valid.count {
            let block = valid[start..<min(start + Self.blockUsers, valid.count)]
            scoreBlock(users: block.map(\.user), d: d, n: n, into: &scores)
            for (row, entry) in block.enumerated() {
                let query = queries[entry.query]
                let skip = skippedItems(user: entry.user, excluding: query.excluding, filterSeen: query.filterSeen)
                let allowed = query.candidates.map { Set($0.compactMap { bundle.items.index(of: $0) }) }
                let offset = bundle.manifest.globalMean + bundle.userBiases[entry.user]
                var scored: [(score: Float, item: Int)] = []
                scored.reserveCapacity(allowed?.count ?? n)
                if let allowed {
                    for item in allowed.sorted() where !skip.contains(item) {
                        scored.append((offset + scores[row * n + item], item))
                    }
                } else {
                    for item in 0..<n where !skip.contains(item) {
                        scored.append((offset + scores[row * n + item], item))
                    }
                }
                results[entry.query] = .success(Self.best(scored, k: query.k, items: bundle))
            }
            start += block.count
        }
        return results
    }

    /// Writes `userFactors[users] · itemFactorsᵀ + itemBiases` into the first `users.count × n` scores.
    private func scoreBlock(users: [Int], d: Int, n: Int, into scores: inout [Float]) {
        let rows = users.count
        guard d > 0 else {
            for r in 0..<rows { for i in 0..<n { scores[r * n + i] = bundle.itemBiases[i] } }
            return
        }
        var gathered = [Float](repeating: 0, count: rows * d)
        for (r, u) in users.enumerated() {
            for f in 0..<d { gathered[r * d + f] = bundle.userFactors[u * d + f] }
        }
        bundle.itemBiases.withUnsafeBufferPointer { bias in
            gathered.withUnsafeBufferPointer { a in
                bundle.itemFactors.withUnsafeBufferPointer { b in
                    scores.withUnsafeMutableBufferPointer { c in
                        guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                        sgemm(
                            .none, .transposed, m: rows, n: n, k: d, a: a, lda: d, b: b, ldb: d, c: c, ldc: n,
                            epilogue: GEMMEpilogue(bias: bias.baseAddress, biasAxis: .perColumn))
                    }
                }
            }
        }
    }
}
