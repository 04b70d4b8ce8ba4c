extension RecommenderPredictor {
    /// The model's score of `item` for `user`: the value ``recommend(user:k:excluding:candidates:filterSeen:)``
    /// ranks by (global mean + user bias + item bias + the factors' dot product), whether or not the user has seen
    /// the item.
    ///
    /// - Parameters:
    ///   - user: A user id the model knows.
    ///   - item: An item id the model knows.
    /// - Returns: The score.
    /// - Throws: ``RecommenderPredictorError/unknownUser(_:)`` or ``RecommenderPredictorError/unknownItem(_:)``.
    public func score(user: String, item: String) throws(RecommenderPredictorError) -> Float {
        guard let u = bundle.users.index(of: user) else { throw .unknownUser(user) }
        guard let i = bundle.items.index(of: item) else { throw .unknownItem(item) }
        let d = bundle.manifest.factorCount
        var dot: Float = 0
        for f in 0..<d { dot += bundle.userFactors[u * d + f] * bundle.itemFactors[i * d + f] }
        return bundle.manifest.globalMean + bundle.userBiases[u] + bundle.itemBiases[i] + dot
    }
}
