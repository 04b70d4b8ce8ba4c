import LeptonData
import LeptonTensor

/// Linear regression with combined L1 and L2 penalties, fitted by cyclic coordinate descent with scikit-learn's
/// objective and stopping rule:
///
/// `1/(2n)·‖y − X·w − b‖² + α·ρ·‖w‖₁ + ½·α·(1 − ρ)·‖w‖²`, with ρ = ``l1Ratio``.
///
/// The intercept is not penalised (features and targets are centered). The solver stops when the duality gap is at
/// most `tolerance·‖y_c‖²`, checked whenever a sweep changes no coefficient by more than `tolerance` times the
/// largest one.
public struct ElasticNet: Estimator, Codable, Sendable {
    /// The overall penalty strength α ≥ 0.
    public var alpha: Double
    /// The share ρ ∈ [0, 1] of the penalty that is L1 (1 is the lasso).
    public var l1Ratio: Double
    /// Whether to fit an (unpenalised) intercept.
    public var fitIntercept: Bool
    /// The duality-gap tolerance, relative to `‖y_c‖²`.
    public var tolerance: Double
    /// The most coordinate sweeps.
    public var maxIterations: Int
    /// One coefficient per feature; empty before fitting.
    public private(set) var coefficients: [Double] = []
    /// The intercept (0 without one).
    public private(set) var intercept = 0.0
    /// Sweeps run in the last fit.
    public private(set) var iterations = 0
    /// The duality gap at the end of the last fit (in the unscaled objective `½‖y − X·w‖² + …`).
    public private(set) var dualityGap = 0.0
    /// Whether the last fit reached the tolerance within ``maxIterations``.
    public private(set) var converged = false

    /// Creates an unfitted model.
    ///
    /// - Parameters:
    ///   - alpha: The penalty strength α ≥ 0.
    ///   - l1Ratio: The L1 share ρ ∈ [0, 1].
    ///   - fitIntercept: Whether to fit an intercept.
    ///   - tolerance: The duality-gap tolerance.
    ///   - maxIterations: The most sweeps.
    public init(
        alpha: Double = 1, l1Ratio: Double = 0.5, fitIntercept: Bool = true, tolerance: Double = 1e-4,
        maxIterations: Int = 1000
    ) {
        self.alpha = alpha
        self.l1Ratio = l1Ratio
        self.fitIntercept = fitIntercept
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// Fits by coordinate descent from zero coefficients.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Value targets, `[rows]` or `[rows, 1]`.
    /// - Throws: ``EstimatorError`` for invalid hyperparameters, bad shapes, non-finite values or label targets.
    public mutating func fit(_ x: Tensor, _ y: Targets) throws { try fit(source: x, y) }

    /// `fit` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public mutating func fit(_ x: DoubleMatrix, _ y: Targets) throws { try fit(source: x, y) }

    private mutating func fit(source x: some FeatureSource, _ y: Targets) throws {
        try EstimatorError.require(alpha >= 0 && alpha.isFinite, "alpha", alpha, "must be finite and ≥ 0")
        try EstimatorError.require((0...1).contains(l1Ratio), "l1Ratio", l1Ratio, "must be in [0, 1]")
        try EstimatorError.require(tolerance >= 0, "tolerance", tolerance, "must be ≥ 0")
        try EstimatorError.require(maxIterations >= 1, "maxIterations", maxIterations, "must be ≥ 1")
        let features = try FeatureMatrix(validating: x)
        let targets = try EstimatorTargets.values(y, rows: features.rows, estimator: "ElasticNet")
        let problem = CenteredRegressionProblem(features: features, targets: targets, fitIntercept: fitIntercept)
        let solver = CoordinateDescent(
            columns: problem.centeredColumns(), rows: features.rows, features: features.columns,
            targets: problem.centeredTargets)
        let n = Double(features.rows)
        let result = solver.solve(
            l1: alpha * l1Ratio * n, l2: alpha * (1 - l1Ratio) * n, tolerance: tolerance, maxIterations: maxIterations)
        coefficients = result.coefficients
        intercept = problem.intercept(for: coefficients)
        iterations = result.iterations
        dualityGap = result.dualityGap
        converged = result.converged
    }

    /// Predicts `x·w + b`.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `.values` of shape `[rows]`.
    /// - Throws: ``EstimatorError`` when not fitted or `x` has the wrong shape or non-finite values.
    public func predict(_ x: Tensor) throws -> Targets { return try predict(source: x) }

    /// `predict` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public func predict(_ x: DoubleMatrix) throws -> Targets { return try predict(source: x) }

    private func predict(source x: some FeatureSource) throws -> Targets {
        guard !coefficients.isEmpty else { throw EstimatorError.notFitted(estimator: "ElasticNet") }
        let features = try FeatureMatrix(validating: x, expectedColumns: coefficients.count, allowEmpty: true)
        return EstimatorTargets.valuesTarget(
            LinearPrediction.values(features, coefficients: coefficients, intercept: intercept))
    }
}

/// The lasso: linear regression with an L1 penalty, `1/(2n)·‖y − X·w − b‖² + α·‖w‖₁`, by coordinate descent
/// (an ``ElasticNet`` with `l1Ratio` 1, as scikit-learn's `Lasso`).
public struct Lasso: Estimator, Codable, Sendable {
    /// The penalty strength α ≥ 0.
    public var alpha: Double
    /// Whether to fit an (unpenalised) intercept.
    public var fitIntercept: Bool
    /// The duality-gap tolerance, relative to `‖y_c‖²`.
    public var tolerance: Double
    /// The most coordinate sweeps.
    public var maxIterations: Int
    private var model = ElasticNet()

    /// Creates an unfitted model.
    ///
    /// - Parameters:
    ///   - alpha: The penalty strength α ≥ 0.
    ///   - fitIntercept: Whether to fit an intercept.
    ///   - tolerance: The duality-gap tolerance.
    ///   - maxIterations: The most sweeps.
    public init(alpha: Double = 1, fitIntercept: Bool = true, tolerance: Double = 1e-4, maxIterations: Int = 1000) {
        self.alpha = alpha
        self.fitIntercept = fitIntercept
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// One coefficient per feature (many exactly zero); empty before fitting.
    public var coefficients: [Double] { model.coefficients }
    /// The intercept.
    public var intercept: Double { model.intercept }
    /// Sweeps run in the last fit.
    public var iterations: Int { model.iterations }
    /// The duality gap at the end of the last fit.
    public var dualityGap: Double { model.dualityGap }
    /// Whether the last fit reached the tolerance.
    public var converged: Bool { model.converged }

    /// Fits by coordinate descent.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Value targets, `[rows]` or `[rows, 1]`.
    /// - Throws: ``EstimatorError`` for invalid hyperparameters, bad shapes, non-finite values or label targets.
    public mutating func fit(_ x: Tensor, _ y: Targets) throws {
        model = ElasticNet(
            alpha: alpha, l1Ratio: 1, fitIntercept: fitIntercept, tolerance: tolerance, maxIterations: maxIterations)
        try model.fit(x, y)
    }

    /// ``fit(_:_:)-(Tensor,_)`` on Double features, which keep every digit (see `DoubleMatrix`).
    public mutating func fit(_ x: DoubleMatrix, _ y: Targets) throws {
        model = ElasticNet(
            alpha: alpha, l1Ratio: 1, fitIntercept: fitIntercept, tolerance: tolerance, maxIterations: maxIterations)
        try model.fit(x, y)
    }

    /// Predicts `x·w + b`.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `.values` of shape `[rows]`.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func predict(_ x: Tensor) throws -> Targets {
        guard !model.coefficients.isEmpty else { throw EstimatorError.notFitted(estimator: "Lasso") }
        return try model.predict(x)
    }

    /// ``predict(_:)-(Tensor)`` on Double features, which keep every digit (see `DoubleMatrix`).
    public func predict(_ x: DoubleMatrix) throws -> Targets {
        guard !model.coefficients.isEmpty else { throw EstimatorError.notFitted(estimator: "Lasso") }
        return try model.predict(x)
    }
}
