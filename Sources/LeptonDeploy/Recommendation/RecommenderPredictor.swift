/// Serves a ``RecommenderBundle``: top-k items for a known user with the items they have seen (and any others asked)
/// left out, and the items most similar to an item. Read-only and `Sendable`: one predictor can answer requests from
/// many tasks at once.
///
/// The score of item i for user u is `μ + b_u + b_i + p_u · q_i`; ties go to the lower item index. Item similarity
/// is the cosine of the item factor vectors (0 for a zero vector).
public struct RecommenderPredictor: Sendable {
    /// The bundle served.
    public let bundle: RecommenderBundle
    private let itemNorms: [Float]

    /// A predictor for a validated bundle.
    /// - Parameter bundle: The bundle.
    public init(bundle: RecommenderBundle) {
        self.bundle = bundle
        let d = bundle.manifest.factorCount
        itemNorms = (0..<bundle.items.count).map { item in
            var sum: Float = 0
            for f in 0..<d { sum += bundle.itemFactors[item * d + f] * bundle.itemFactors[item * d + f] }
            return sum.squareRoot()
        }
    }

    /// The `k` best-scored items for `user`.
    /// - Parameters:
    ///   - user: A user id in the bundle.
    ///   - k: How many, at least 1; fewer come back when fewer items are eligible.
    ///   - excluding: Item ids to leave out as well (unknown ids are ignored).
    ///   - candidates: When given, only these items may be recommended (for example the ones in stock); unknown
    ///     ids are ignored.
    ///   - filterSeen: Whether to leave out the items the user interacted with in training (the default).
    /// - Returns: The items, best first.
    /// - Throws: ``RecommenderPredictorError/unknownUser(_:)`` or ``RecommenderPredictorError/invalidK(_:)``.
    public func recommend(
        user: String, k: Int, excluding: Set<String> = [], candidates: Set<String>? = nil, filterSeen: Bool = true
    ) throws(RecommenderPredictorError) -> [RecommendedItem] {
        guard k >= 1 else { throw .invalidK(k) }
        guard let u = bundle.users.index(of: user) else { throw .unknownUser(user) }
        let d = bundle.manifest.factorCount
        let skip = skippedItems(user: u, excluding: excluding, filterSeen: filterSeen)
        let allowed = candidates.map { Set($0.compactMap { bundle.items.index(of: $0) }) }
        let offset = bundle.manifest.globalMean + bundle.userBiases[u]
        var scored: [(score: Float, item: Int)] = []
        scored.reserveCapacity(bundle.items.count)
        for item in 0..<bundle.items.count where !skip.contains(item) && allowed?.contains(item) != false {
            var dot: Float = 0
            for f in 0..<d { dot += bundle.userFactors[u * d + f] * bundle.itemFactors[item * d + f] }
            scored.append((offset + bundle.itemBiases[item] + dot, item))
        }
        return Self.best(scored, k: k, items: bundle)
    }

    /// The `k` items whose factor vectors are most similar (cosine) to `item`'s.
    /// - Parameters:
    ///   - item: An item id in the bundle.
    ///   - k: How many, at least 1.
    /// - Throws: ``RecommenderPredictorError``.
    public func similarItems(to item: String, k: Int) throws(RecommenderPredictorError) -> [RecommendedItem] {
        guard k >= 1 else { throw .invalidK(k) }
        guard let i = bundle.items.index(of: item) else { throw .unknownItem(item) }
        let d = bundle.manifest.factorCount
        guard d > 0 else { throw .noItemFactors }
        var scored: [(score: Float, item: Int)] = []
        for other in 0..<bundle.items.count where other != i {
            var dot: Float = 0
            for f in 0..<d { dot += bundle.itemFactors[i * d + f] * bundle.itemFactors[other * d + f] }
            let norms = itemNorms[i] * itemNorms[other]
            scored.append((norms > 0 ? dot / norms : 0, other))
        }
        return Self.best(scored, k: k, items: bundle)
    }

    /// The dense indices of the items to leave out for user index `u`.
    func skippedItems(user u: Int, excluding: Set<String>, filterSeen: Bool) -> Set<Int> {
        var skip = Set(excluding.compactMap { bundle.items.index(of: $0) })
        if filterSeen {
            for position in bundle.seenOffsets[u]..<bundle.seenOffsets[u + 1] {
                skip.insert(Int(bundle.seenItems[position]))
            }
        }
        return skip
    }

    static func best(_ scored: [(score: Float, item: Int)], k: Int, items bundle: RecommenderBundle)
        -> [RecommendedItem]
    {
        scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }.prefix(k).map {
            RecommendedItem(item: bundle.items.id(at: $0.item), score: $0.score)
        }
    }
}
