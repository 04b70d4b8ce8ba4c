import LeptonData
import LeptonKernels
import LeptonTensor

/// Biased matrix factorisation of explicit ratings, `r̂_ui = μ + b_u + b_i + p_u · q_i`, fitted by alternating least
/// squares.
///
/// μ is the training mean, fixed. Each iteration first solves every item's `[b_i, q_i]` exactly with the users
/// fixed, then every user's `[b_u, p_u]` with the items fixed: the ridge problem
/// `min Σ_{j ∈ row} (r − μ − c_j − b − x·f_j)² + λ_row (b² + |x|²)` (`f_j`, `c_j` the other side's factors and
/// biases), solved by Cholesky on the `(d+1)×(d+1)` normal equations. With ``Configuration/weightedRegularization``
/// (the default, "ALS-WR", Zhou et al. 2008) `λ_row = λ · n_row`, n the row's number of ratings; otherwise `λ_row = λ`.
/// Users and items without ratings keep zero parameters. Factors start N(0, `initStandardDeviation`²), biases 0.
/// The row solves of each half-iteration run on the thread pool; the result does not depend on the thread count.
///
/// Because the user step comes last, a fold-in of a training user's own ratings (``foldIn(items:values:)``, the
/// same ridge solve) reproduces that user's fitted parameters.
public struct ExplicitALSRecommender: StoredFactorRecommender, Equatable {
    /// The hyperparameters.
    public struct Configuration: Sendable, Codable, Equatable {
        /// Number of latent factors d.
        public var factorCount: Int
        /// λ, the ridge penalty on each row's bias and factors.
        public var regularization: Double
        /// Whether λ is multiplied by the row's number of ratings (ALS-WR).
        public var weightedRegularization: Bool
        /// Alternating passes (items, then users).
        public var iterations: Int
        /// Standard deviation of the initial factors.
        public var initStandardDeviation: Double
        /// The seed of the initial factors.
        public var seed: UInt64

        /// A configuration.
        /// - Parameters:
        ///   - factorCount: Latent factors, at least 1.
        ///   - regularization: λ ≥ 0.
        ///   - weightedRegularization: Scale λ by each row's rating count.
        ///   - iterations: Alternating passes, at least 1.
        ///   - initStandardDeviation: Standard deviation of the initial factors, ≥ 0.
        ///   - seed: The seed.
        public init(
            factorCount: Int = 20, regularization: Double = 0.1, weightedRegularization: Bool = true,
            iterations: Int = 15, initStandardDeviation: Double = 0.1, seed: UInt64 = 0
        ) {
            self.factorCount = factorCount
            self.regularization = regularization
            self.weightedRegularization = weightedRegularization
            self.iterations = iterations
            self.initStandardDeviation = initStandardDeviation
            self.seed = seed
        }
    }

    /// The model's name in messages.
    public static var modelName: String { "ExplicitALS" }
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
    ///   ``RecommenderError/diverged(model:epoch:)``.
    public init(fitting training: InteractionMatrix, configuration: Configuration = Configuration()) throws {
        try self.init(fitting: training, configuration: configuration, pool: .shared)
    }

    /// Fits the model on a given thread pool (tests compare thread counts with it).
    package init(fitting training: InteractionMatrix, configuration: Configuration, pool: ThreadPool) throws {
        try Self.validate(configuration)
        try RecommenderValidation.nonEmpty(training)
        let d = configuration.factorCount
        var generator = RandomGenerator(seed: configuration.seed)
        var model = LatentFactors(
            users: training.users, items: training.items, factorCount: d, globalMean: Float(training.globalMean))
        let deviation = configuration.initStandardDeviation
        model.userFactors = LatentFactors.normalValues(training.userCount * d, from: &generator) { deviation * $0 }
        model.itemFactors = LatentFactors.normalValues(training.itemCount * d, from: &generator) { deviation * $0 }
        try Self.train(&model, epochs: configuration.iterations) { model in
            Self.sweep(.items, &model, training: training, configuration: configuration, only: nil, pool: pool)
            Self.sweep(.users, &model, training: training, configuration: configuration, only: nil, pool: pool)
        }
        stored = StoredFactorModel(configuration: configuration, factors: model, training: training)
    }

    private static func validate(_ configuration: Configuration) throws {
        try RecommenderValidation.atLeast(configuration.factorCount, 1, "factorCount")
        try RecommenderValidation.atLeast(configuration.iterations, 1, "iterations")
        try RecommenderValidation.nonNegative(configuration.regularization, "regularization")
        try RecommenderValidation.nonNegative(configuration.initStandardDeviation, "initStandardDeviation")
    }

    /// The penalty of a row with `count` ratings.
    private static func penalty(_ configuration: Configuration, count: Int) -> Double {
        configuration.weightedRegularization
            ? configuration.regularization * Double(count) : configuration.regularization
    }

    /// The side a half-iteration solves; the other is held fixed.
    private enum Side { case items, users }

    /// Re-solves one side's rows (all, or those in `only`) with the other side fixed.
    private static func sweep(
        _ side: Side, _ model: inout LatentFactors, training: InteractionMatrix, configuration: Configuration,
        only: [Int]?, pool: ThreadPool
    ) {
        let (d, offset) = (model.factorCount, Double(model.globalMean))
        switch side {
        case .items:
            let fixed = FixedSide(factors: model.userFactors, biases: model.userBiases)
            solve(
                only ?? Array(0..<training.itemCount), factors: &model.itemFactors, biases: &model.itemBiases,
                fixed: fixed, factorCount: d, offset: offset,
                ratings: (training.columnOffsets, training.columnUserIndices, training.columnValues),
                configuration: configuration, pool: pool)
        case .users:
            let fixed = FixedSide(factors: model.itemFactors, biases: model.itemBiases)
            solve(
                only ?? Array(0..<training.userCount), factors: &model.userFactors, biases: &model.userBiases,
                fixed: fixed, factorCount: d, offset: offset,
                ratings: (training.rowOffsets, training.itemIndices, training.values),
                configuration: configuration, pool: pool)
        }
    }

    /// The factors and biases of the side held fixed during a half-iteration.
    private struct FixedSide {
        let factors: [Float]
        let biases: [Float]
    }

    /// Solves each of `rows` (of the side whose `factors` and `biases` are given) by the biased ridge problem over
    /// its ratings — `offsets[row]..<offsets[row + 1]` of `indices` (the other side's rows) and `values` — with the
    /// `fixed` side held fixed. Rows without ratings keep their parameters.
    private static func solve(
        _ rows: [Int], factors: inout [Float], biases: inout [Float], fixed: FixedSide, factorCount d: Int,
        offset: Double, ratings: (offsets: [Int], indices: [Int32], values: [Double]), configuration: Configuration,
        pool: ThreadPool
    ) {
        let (offsets, indices, values) = ratings
        factors.withUnsafeMutableBufferPointer { solved in
            biases.withUnsafeMutableBufferPointer { solvedBiases in
                fixed.factors.withUnsafeBufferPointer { other in
                    fixed.biases.withUnsafeBufferPointer { otherBiases in
                        pool.parallelFor(rows.count) { position in
                            let row = rows[position]
                            let range = offsets[row]..<offsets[row + 1]
                            guard !range.isEmpty else { return }
                            let solution = SmallLinearAlgebra.biasedRidge(
                                otherFactors: other.baseAddress!, otherBiases: otherBiases.baseAddress!,
                                factorCount: d, offset: offset, indices: indices[range], values: values[range],
                                regularization: penalty(configuration, count: range.count))
                            solvedBiases[row] = Float(solution[0])
                            for f in 0..<d { solved[row * d + f] = Float(solution[f + 1]) }
                        }
                    }
                }
            }
        }
    }

    /// A new user's bias and factors: the same ridge solve as a user step of training, with the item parameters
    /// fixed.
    /// - Parameters:
    ///   - items: Dense item indices.
    ///   - values: Ratings aligned with `items`.
    public func foldIn(items: [Int], values: [Double]) -> (factors: [Float], bias: Float) {
        SmallLinearAlgebra.explicitFoldIn(
            factors: factors, items: items, values: values,
            regularization: Self.penalty(configuration, count: items.count))
    }

    /// This model updated with new ratings, without refitting from scratch: the ratings are added to the training
    /// matrix (new users get the next indices; a rating of a pair already stored replaces it), then the items the
    /// new ratings touch are re-solved with the users fixed and the touched users with the items fixed, `sweeps`
    /// times. μ and the other rows are unchanged.
    ///
    /// - Parameters:
    ///   - ratings: The new ratings; their items must be known.
    ///   - sweeps: Item-then-user passes over the touched rows, at least 1.
    /// - Returns: The updated model.
    /// - Throws: ``RecommenderError/unknownItem(_:)``, ``RecommenderError/ratingOutOfScale(item:rating:scale:)``,
    ///   ``RecommenderError/nonFiniteValue(what:value:)``, ``RecommenderError/emptyFoldIn`` for no ratings.
    public func partialFit(_ ratings: [Interaction], sweeps: Int = 2) throws -> ExplicitALSRecommender {
        try RecommenderValidation.atLeast(sweeps, 1, "sweeps")
        let merged = try RecommenderValidation.merging(ratings, into: training, allowNewUsers: true)
        let d = factors.factorCount
        var model = LatentFactors(
            users: merged.users, items: merged.items, factorCount: d, globalMean: factors.globalMean)
        model.itemFactors = factors.itemFactors
        model.itemBiases = factors.itemBiases
        let oldUsers = factors.users.count
        for u in 0..<oldUsers {
            model.userBiases[u] = factors.userBiases[u]
            for f in 0..<d { model.userFactors[u * d + f] = factors.userFactors[u * d + f] }
        }
        let touchedUsers = Set(ratings.map { merged.users.index(of: $0.user)! }).sorted()
        let touchedItems = Set(ratings.map { merged.items.index(of: $0.item)! }).sorted()
        // New users start from their fold-in, so the first item solve does not see zero factors.
        Self.sweep(
            .users, &model, training: merged, configuration: configuration,
            only: touchedUsers.filter { $0 >= oldUsers },
            pool: .shared)
        try Self.train(&model, epochs: sweeps) { model in
            Self.sweep(
                .items, &model, training: merged, configuration: configuration, only: touchedItems, pool: .shared)
            Self.sweep(
                .users, &model, training: merged, configuration: configuration, only: touchedUsers, pool: .shared)
        }
        return ExplicitALSRecommender(
            stored: StoredFactorModel(configuration: configuration, factors: model, training: merged))
    }
}
