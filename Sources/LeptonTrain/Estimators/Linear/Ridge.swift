import LeptonData
import LeptonTensor

/// Ridge regression: the `w`, `b` minimising `‖y − X·w − b‖² + α·‖w‖²`, as scikit-learn's `Ridge(alpha)`.
///
/// The intercept is not penalised: features and targets are centered, the coefficients solve
/// `(X_cᵀ·X_c + α·I)·w = X_cᵀ·y_c` by Cholesky (in Double; for tall, large data the Gram matrix is formed with the
/// SGEMM kernel and the solution corrected by iterative refinement against exact residuals), and
/// `b = mean(y) − mean(x)·w`. With more features than rows and α > 0 the same solution comes from the `n × n` dual
/// system `w = X_cᵀ·(X_c·X_cᵀ + α·I)⁻¹·y_c`. With α = 0 and collinear columns (more features than rows included)
/// the answer is the minimum-norm least-squares solution, as scikit-learn's.
public struct Ridge: Estimator, Codable, Sendable {
    /// The penalty α ≥ 0 on the squared coefficients.
    public var alpha: Double
    /// Whether to fit an (unpenalised) intercept.
    public var fitIntercept: Bool
    /// One coefficient per feature; empty before fitting.
    public private(set) var coefficients: [Double] = []
    /// The intercept (0 without one).
    public private(set) var intercept = 0.0

    /// Creates an unfitted model.
    ///
    /// - Parameters:
    ///   - alpha: The penalty α ≥ 0.
    ///   - fitIntercept: Whether to fit an intercept.
    public init(alpha: Double = 1, fitIntercept: Bool = true) {
        self.alpha = alpha
        self.fitIntercept = fitIntercept
    }

    /// Fits the closed-form solution.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Value targets, `[rows]` or `[rows, 1]`.
    /// - Throws: ``EstimatorError`` for a negative α, bad shapes, non-finite values or label targets.
    public mutating func fit(_ x: Tensor, _ y: Targets) throws { try fit(source: x, y) }

    /// `fit` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public mutating func fit(_ x: DoubleMatrix, _ y: Targets) throws { try fit(source: x, y) }

    private mutating func fit(source x: some FeatureSource, _ y: Targets) throws {
        try EstimatorError.require(alpha >= 0 && alpha.isFinite, "alpha", alpha, "must be finite and ≥ 0")
        let features = try FeatureMatrix(validating: x)
        let targets = try EstimatorTargets.values(y, rows: features.rows, estimator: "Ridge")
        let problem = CenteredRegressionProblem(features: features, targets: targets, fitIntercept: fitIntercept)
        let wide = features.columns > features.rows
        if wide, alpha > 0, let solution = DualRidge.solve(problem, alpha: alpha) {
            coefficients = solution
        } else if !wide, let solution = NormalEquations.solve(problem, alpha: alpha) {
            coefficients = solution
        } else {
            // α = 0 with collinear columns or more features than rows: the minimum-norm least-squares solution.
            let factorization = PivotedQR(
                columnMajor: problem.centeredColumns(), rows: features.rows, columns: features.columns)
            coefficients = factorization.solveMinimumNorm(problem.centeredTargets)
        }
        intercept = problem.intercept(for: coefficients)
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
        guard !coefficients.isEmpty else { throw EstimatorError.notFitted(estimator: "Ridge") }
        let features = try FeatureMatrix(validating: x, expectedColumns: coefficients.count, allowEmpty: true)
        return EstimatorTargets.valuesTarget(
            LinearPrediction.values(features, coefficients: coefficients, intercept: intercept))
    }
}
