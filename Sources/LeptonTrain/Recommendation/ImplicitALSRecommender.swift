import LeptonData
import LeptonKernels
import LeptonTensor

/// Weighted matrix factorisation for implicit feedback (Hu, Koren and Volinsky 2008), fitted by alternating least
/// squares with a few conjugate-gradient steps per user and item, as the `implicit` library's
/// `AlternatingLeastSquares` does.
///
/// Every user–item pair has preference `p_ui = 1` when the user interacted with the item and 0 otherwise, and
/// confidence `c_ui = 1 + α·r_ui` (r the stored strength, 0 when absent). The loss is
/// `Σ_{u,i} c_ui (p_ui − x_u · y_i)² + λ(Σ|x_u|² + Σ|y_i|²)`. With the items fixed, each user solves
/// `(YᵀY + λI + Σ_{i ∈ I_u} α r_ui y_i y_iᵀ) x_u = Σ_{i ∈ I_u} (1 + α r_ui) y_i`, approximately, by `cgSteps`
/// conjugate-gradient steps warm-started at the current `x_u`; then the same for items. `YᵀY` is one GEMM per
/// half-iteration; the per-user and per-item solves run on the thread pool. No biases.
public struct ImplicitALSRecommender: StoredFactorRecommender, Equatable {
    /// The hyperparameters, with the `implicit` library's defaults.
    public struct Configuration: Sendable, Codable, Equatable {
        /// Number of latent factors (implicit: `factors` 100).
        public var factorCount: Int
        /// λ, the L2 penalty (implicit: `regularization` 0.01).
        public var regularization: Double
        /// α in the confidence `1 + α·r` (implicit: `alpha` 1).
        public var alpha: Double
        /// Alternating passes (implicit: `iterations` 15).
        public var iterations: Int
        /// Conjugate-gradient steps per solve (implicit: `cg_steps` 3).
        public var conjugateGradientSteps: Int
        /// The seed of the initial factors.
        public var seed: UInt64

        /// A configuration; the defaults are the `implicit` library's.
        /// - Parameters:
        ///   - factorCount: Latent factors, at least 1.
        ///   - regularization: λ > 0.
        ///   - alpha: α ≥ 0.
        ///   - iterations: Alternating passes, at least 1.
        ///   - conjugateGradientSteps: CG steps per solve, at least 1.
        ///   - seed: The seed.
        public init(
            factorCount: Int = 100, regularization: Double = 0.01, alpha: Double = 1, iterations: Int = 15,
            conjugateGradientSteps: Int = 3, seed: UInt64 = 0
        ) {
            self.factorCount = factorCount
            self.regularization = regularization
            self.alpha = alpha
            self.iterations = iterations
            self.conjugateGradientSteps = conjugateGradientSteps
            self.seed = seed
        }
    }

    /// The model's name in messages.
    public static var modelName: String { "ImplicitALS" }
    /// The configuration, the fitted factors (biases are zero) and the interactions fitted on.
    let stored: StoredFactorModel<Configuration>

    /// A model of the given state.
    init(stored: StoredFactorModel<Configuration>) { self.stored = stored }

    /// Fits the model to the interactions in `training` (values are the strengths r; negative values are an error).
    ///
    /// - Parameters:
    ///   - training: The interactions.
    ///   - configuration: The hyperparameters.
    /// - Throws: ``RecommenderError``.
    public init(fitting training: InteractionMatrix, configuration: Configuration = Configuration()) throws {
        try self.init(fitting: training, configuration: configuration, pool: .shared)
    }

    /// Fits the model on a given thread pool (tests compare thread counts with it).
    package init(fitting training: InteractionMatrix, configuration: Configuration, pool: ThreadPool) throws {
        try RecommenderValidation.atLeast(configuration.factorCount, 1, "factorCount")
        try RecommenderValidation.atLeast(configuration.iterations, 1, "iterations")
        try RecommenderValidation.atLeast(configuration.conjugateGradientSteps, 1, "conjugateGradientSteps")
        try RecommenderValidation.positive(configuration.regularization, "regularization")
        try RecommenderValidation.nonNegative(configuration.alpha, "alpha")
        try RecommenderValidation.nonEmpty(training)
        if let negative = training.values.first(where: { $0 < 0 }) {
            throw RecommenderError.invalidParameter(
                name: "interaction strength", value: negative, expected: "a value ≥ 0 (confidence is 1 + α·r)")
        }
        let d = configuration.factorCount
        var generator = RandomGenerator(seed: configuration.seed)
        var model = LatentFactors(users: training.users, items: training.items, factorCount: d)
        model.userFactors = (0..<(training.userCount * d)).map { _ in generator.nextUnitFloat() * 0.01 }
        model.itemFactors = (0..<(training.itemCount * d)).map { _ in generator.nextUnitFloat() * 0.01 }
        let confidences = training.values.map { Float(configuration.alpha * $0) }
        let columnConfidences = training.columnValues.map { Float(configuration.alpha * $0) }
        let solver = ConjugateGradientSolver(
            factorCount: d, regularization: Float(configuration.regularization),
            steps: configuration.conjugateGradientSteps)
        try Self.train(&model, epochs: configuration.iterations) { model in
            solver.solveRows(
                rows: &model.userFactors, fixed: model.itemFactors, offsets: training.rowOffsets,
                indices: training.itemIndices, extraConfidence: confidences, pool: pool)
            solver.solveRows(
                rows: &model.itemFactors, fixed: model.userFactors, offsets: training.columnOffsets,
                indices: training.columnUserIndices, extraConfidence: columnConfidences, pool: pool)
        }
        stored = StoredFactorModel(configuration: configuration, factors: model, training: training)
    }

    /// A new user's factors by the exact least-squares solve of the same normal equations (no bias).
    /// - Parameters:
    ///   - items: Dense item indices.
    ///   - values: Strengths aligned with `items`.
    public func foldIn(items: [Int], values: [Double]) -> (factors: [Float], bias: Float) {
        SmallLinearAlgebra.implicitFoldIn(
            factors: factors, items: items, values: values, regularization: configuration.regularization,
            alpha: configuration.alpha)
    }
}
