import LeptonData

/// Global mean plus user and item biases, `r̂_ui = μ + b_u + b_i`, fitted by alternating least squares as
/// Surprise's `BaselineOnly` with `bsl_options = {'method': 'als'}` does.
///
/// Each epoch first sets every item bias to `b_i = Σ_{u ∈ U_i} (r_ui − μ − b_u) / (λ_i + |U_i|)`, then every user
/// bias to `b_u = Σ_{i ∈ I_u} (r_ui − μ − b_i) / (λ_u + |I_u|)`, starting from zeros. Deterministic; single-threaded
/// (each epoch is one pass over the ratings, cheaper than spreading it over threads).
public struct BaselineOnlyRecommender: StoredFactorRecommender, Equatable {
    /// The hyperparameters, with Surprise's defaults.
    public struct Configuration: Sendable, Codable, Equatable {
        /// Passes of alternating updates (Surprise: `n_epochs` 10).
        public var epochs: Int
        /// λ_u, the user-bias regularisation (Surprise: `reg_u` 15).
        public var userRegularization: Double
        /// λ_i, the item-bias regularisation (Surprise: `reg_i` 10).
        public var itemRegularization: Double

        /// A configuration; the defaults are Surprise's.
        /// - Parameters:
        ///   - epochs: Passes of alternating updates, at least 1.
        ///   - userRegularization: λ_u ≥ 0.
        ///   - itemRegularization: λ_i ≥ 0.
        public init(epochs: Int = 10, userRegularization: Double = 15, itemRegularization: Double = 10) {
            self.epochs = epochs
            self.userRegularization = userRegularization
            self.itemRegularization = itemRegularization
        }
    }

    /// The model's name in messages.
    public static var modelName: String { "BaselineOnly" }
    /// The configuration, the fitted mean and biases (no factors) and the ratings fitted on.
    let stored: StoredFactorModel<Configuration>

    /// A model of the given state.
    init(stored: StoredFactorModel<Configuration>) { self.stored = stored }

    /// Fits the biases to the ratings in `training`.
    ///
    /// - Parameters:
    ///   - training: The ratings.
    ///   - configuration: The hyperparameters.
    /// - Throws: ``RecommenderError/emptyTraining`` or ``RecommenderError/invalidParameter(name:value:expected:)``.
    public init(fitting training: InteractionMatrix, configuration: Configuration = Configuration()) throws {
        try RecommenderValidation.atLeast(configuration.epochs, 1, "epochs")
        try RecommenderValidation.nonNegative(configuration.userRegularization, "userRegularization")
        try RecommenderValidation.nonNegative(configuration.itemRegularization, "itemRegularization")
        try RecommenderValidation.nonEmpty(training)
        let mean = training.globalMean
        var userBias = [Double](repeating: 0, count: training.userCount)
        var itemBias = [Double](repeating: 0, count: training.itemCount)
        for _ in 0..<configuration.epochs {
            for item in 0..<training.itemCount {
                var deviation = 0.0
                for (user, rating) in zip(training.users(ofItem: item), training.values(ofItem: item)) {
                    deviation += rating - mean - userBias[Int(user)]
                }
                let count = Double(training.columnOffsets[item + 1] - training.columnOffsets[item])
                itemBias[item] = deviation / (configuration.itemRegularization + count)
            }
            for user in 0..<training.userCount {
                var deviation = 0.0
                for (item, rating) in zip(training.items(ofUser: user), training.values(ofUser: user)) {
                    deviation += rating - mean - itemBias[Int(item)]
                }
                let count = Double(training.rowOffsets[user + 1] - training.rowOffsets[user])
                userBias[user] = deviation / (configuration.userRegularization + count)
            }
        }
        var factors = LatentFactors(
            users: training.users, items: training.items, factorCount: 0, globalMean: Float(mean))
        factors.userBiases = userBias.map { Float($0) }
        factors.itemBiases = itemBias.map { Float($0) }
        guard factors.isFinite else {
            throw RecommenderError.diverged(model: Self.modelName, epoch: configuration.epochs)
        }
        stored = StoredFactorModel(configuration: configuration, factors: factors, training: training)
    }

    /// A new user's bias, `b = Σ (r − μ − b_i) / (λ_u + n)`, the same update as in training.
    /// - Parameters:
    ///   - items: Dense item indices.
    ///   - values: Ratings aligned with `items`.
    public func foldIn(items: [Int], values: [Double]) -> (factors: [Float], bias: Float) {
        var deviation = 0.0
        for (item, value) in zip(items, values) {
            deviation += value - Double(factors.globalMean) - Double(factors.itemBiases[item])
        }
        return ([], Float(deviation / (configuration.userRegularization + Double(items.count))))
    }
}
