import LeptonData
import LeptonTensor

/// Biased matrix factorisation fitted by stochastic gradient descent, as Surprise's `SVD`:
/// `r̂_ui = μ + b_u + b_i + p_u · q_i`.
///
/// For each rating, in a freshly shuffled order every epoch, with `e = r_ui − r̂_ui`:
/// `b_u += γ(e − λ b_u)`, `b_i += γ(e − λ b_i)`, `p_u += γ(e q_i − λ p_u)`, `q_i += γ(e p_u − λ q_i)`
/// (both factor updates use the old values). Biases start at 0, factors at N(`initMean`, `initStandardDeviation`²).
/// Surprise walks the ratings in the same order every epoch; shuffling per epoch (seeded) is the one difference.
/// Single-threaded: each step reads the previous one's result.
public struct MatrixFactorizationRecommender: StoredFactorRecommender, Equatable {
    /// The hyperparameters, with Surprise `SVD`'s defaults.
    public struct Configuration: Sendable, Codable, Equatable {
        /// Number of latent factors (Surprise: `n_factors` 100).
        public var factorCount: Int
        /// Passes over the ratings (Surprise: `n_epochs` 20).
        public var epochs: Int
        /// γ, the step size (Surprise: `lr_all` 0.005).
        public var learningRate: Double
        /// λ, the L2 penalty on biases and factors (Surprise: `reg_all` 0.02).
        public var regularization: Double
        /// Mean of the initial factors (Surprise: `init_mean` 0).
        public var initMean: Double
        /// Standard deviation of the initial factors (Surprise: `init_std_dev` 0.1).
        public var initStandardDeviation: Double
        /// Whether to learn μ and the biases (Surprise: `biased` true).
        public var biased: Bool
        /// The seed of the initial factors and the shuffles.
        public var seed: UInt64

        /// A configuration; the defaults are Surprise `SVD`'s.
        /// - Parameters:
        ///   - factorCount: Latent factors, at least 1.
        ///   - epochs: Passes, at least 1.
        ///   - learningRate: γ > 0.
        ///   - regularization: λ ≥ 0.
        ///   - initMean: Mean of the initial factors.
        ///   - initStandardDeviation: Standard deviation of the initial factors, ≥ 0.
        ///   - biased: Whether to learn the biases.
        ///   - seed: The seed.
        public init(
            factorCount: Int = 100, epochs: Int = 20, learningRate: Double = 0.005, regularization: Double = 0.02,
            initMean: Double = 0, initStandardDeviation: Double = 0.1, biased: Bool = true, seed: UInt64 = 0
        ) {
            self.factorCount = factorCount
            self.epochs = epochs
            self.learningRate = learningRate
            self.regularization = regularization
            self.initMean = initMean
            self.initStandardDeviation = initStandardDeviation
            self.biased = biased
            self.seed = seed
        }
    }

    /// The model's name in messages.
    public static var modelName: String { "MatrixFactorization" }
    /// The configuration, the fitted parameters and the ratings fitted on.
    let stored: StoredFactorModel<Configuration>

    /// A model of the given state.
    init(stored: StoredFactorModel<Configuration>) { self.stored = stored }

    /// Fits the model to the ratings in `training`.
    ///
    /// - Parameters:
    ///   - training: The ratings.
    ///   - configuration: The hyperparameters.
    /// - Throws: ``RecommenderError/emptyTraining``, ``RecommenderError/invalidParameter(name:value:expected:)`` or
    ///   ``RecommenderError/diverged(model:epoch:)`` when a parameter becomes NaN or infinite.
    public init(fitting training: InteractionMatrix, configuration: Configuration = Configuration()) throws {
        try RecommenderValidation.atLeast(configuration.factorCount, 1, "factorCount")
        try RecommenderValidation.atLeast(configuration.epochs, 1, "epochs")
        try RecommenderValidation.positive(configuration.learningRate, "learningRate")
        try RecommenderValidation.nonNegative(configuration.regularization, "regularization")
        try RecommenderValidation.nonNegative(configuration.initStandardDeviation, "initStandardDeviation")
        guard configuration.initMean.isFinite else {
            throw RecommenderError.nonFiniteValue(what: "initMean", value: configuration.initMean)
        }
        try RecommenderValidation.nonEmpty(training)
        let d = configuration.factorCount
        var generator = RandomGenerator(seed: configuration.seed)
        var initializer = generator.split()
        var shuffler = generator.split()
        var model = LatentFactors(
            users: training.users, items: training.items, factorCount: d,
            globalMean: configuration.biased ? Float(training.globalMean) : 0)
        let (initMean, deviation) = (configuration.initMean, configuration.initStandardDeviation)
        model.userFactors = LatentFactors.normalValues(training.userCount * d, from: &initializer) {
            initMean + deviation * $0
        }
        model.itemFactors = LatentFactors.normalValues(training.itemCount * d, from: &initializer) {
            initMean + deviation * $0
        }
        let entryUsers = training.entryUsers
        let rate = Float(configuration.learningRate)
        let penalty = Float(configuration.regularization)
        let biased = configuration.biased
        let mean = model.globalMean
        try Self.train(&model, epochs: configuration.epochs) { model in
            let order = shuffler.permutation(training.interactionCount)
            model.userFactors.withUnsafeMutableBufferPointer { p in
                model.itemFactors.withUnsafeMutableBufferPointer { q in
                    model.userBiases.withUnsafeMutableBufferPointer { bu in
                        model.itemBiases.withUnsafeMutableBufferPointer { bi in
                            for position in order {
                                let u = Int(entryUsers[position])
                                let i = Int(training.itemIndices[position])
                                let pu = p.baseAddress! + u * d
                                let qi = q.baseAddress! + i * d
                                var dot: Float = 0
                                for f in 0..<d { dot += pu[f] * qi[f] }
                                let error = Float(training.values[position]) - (mean + bu[u] + bi[i] + dot)
                                if biased {
                                    bu[u] += rate * (error - penalty * bu[u])
                                    bi[i] += rate * (error - penalty * bi[i])
                                }
                                for f in 0..<d {
                                    let puf = pu[f]
                                    let qif = qi[f]
                                    pu[f] += rate * (error * qif - penalty * puf)
                                    qi[f] += rate * (error * puf - penalty * qif)
                                }
                            }
                        }
                    }
                }
            }
        }
        stored = StoredFactorModel(configuration: configuration, factors: model, training: training)
    }

    /// A new user's bias and factors by ridge regression on their ratings with the item parameters fixed:
    /// minimises `Σ (r − μ − b_i − b − x·q_i)² + λ(b² + |x|²)`.
    /// - Parameters:
    ///   - items: Dense item indices.
    ///   - values: Ratings aligned with `items`.
    public func foldIn(items: [Int], values: [Double]) -> (factors: [Float], bias: Float) {
        SmallLinearAlgebra.explicitFoldIn(
            factors: factors, items: items, values: values, regularization: configuration.regularization)
    }
}
