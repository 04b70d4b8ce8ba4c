import LeptonData
import LeptonTensor

/// Ordinary least squares: the `w`, `b` minimising `‖y − X·w − b‖²`.
///
/// The intercept comes from centering. Small or wide problems are solved by Householder QR with column pivoting;
/// a rank-deficient problem (collinear columns, or more features than rows) gets the minimum-norm least-squares
/// solution, as scikit-learn's SVD-based solver. Tall, large problems use the normal equations with Cholesky and
/// iterative refinement, falling back to QR when the columns are (nearly) collinear.
public struct LinearRegression: Estimator, Codable, Sendable {
    /// How the least-squares problem is solved.
    public enum Solver: String, Codable, Sendable, Hashable {
        /// Normal equations for tall, large data; QR otherwise.
        case automatic
        /// Householder QR with column pivoting.
        case qr
        /// Normal equations and Cholesky (QR if the columns are collinear).
        case normalEquations
    }

    /// Whether to fit an intercept.
    public var fitIntercept: Bool
    /// The solver.
    public var solver: Solver
    /// One coefficient per feature; empty before fitting.
    public private(set) var coefficients: [Double] = []
    /// The intercept (0 without one).
    public private(set) var intercept = 0.0
    /// The numerical rank of the centered features (equal to the feature count unless columns are collinear).
    public private(set) var rank = 0

    /// Creates an unfitted model.
    ///
    /// - Parameters:
    ///   - fitIntercept: Whether to fit an intercept.
    ///   - solver: The solver.
    public init(fitIntercept: Bool = true, solver: Solver = .automatic) {
        self.fitIntercept = fitIntercept
        self.solver = solver
    }

    /// Fits by least squares.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Value targets, `[rows]` or `[rows, 1]`.
    /// - Throws: ``EstimatorError`` for bad shapes, non-finite values or label targets.
    public mutating func fit(_ x: Tensor, _ y: Targets) throws { try fit(source: x, y) }

    /// `fit` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public mutating func fit(_ x: DoubleMatrix, _ y: Targets) throws { try fit(source: x, y) }

    private mutating func fit(source x: some FeatureSource, _ y: Targets) throws {
        let features = try FeatureMatrix(validating: x)
        let targets = try EstimatorTargets.values(y, rows: features.rows, estimator: "LinearRegression")
        let problem = CenteredRegressionProblem(features: features, targets: targets, fitIntercept: fitIntercept)
        let useNormalEquations: Bool
        switch solver {
        case .automatic: useNormalEquations = CenteredGram.prefersFast(rows: features.rows, columns: features.columns)
        case .qr: useNormalEquations = false
        case .normalEquations: useNormalEquations = true
        }
        if useNormalEquations, let solution = NormalEquations.solve(problem, alpha: 0) {
            coefficients = solution
            rank = features.columns
        } else {
            let factorization = PivotedQR(
                columnMajor: problem.centeredColumns(), rows: features.rows, columns: features.columns)
            coefficients = factorization.solveMinimumNorm(problem.centeredTargets)
            rank = factorization.rank
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
        guard !coefficients.isEmpty else { throw EstimatorError.notFitted(estimator: "LinearRegression") }
        let features = try FeatureMatrix(validating: x, expectedColumns: coefficients.count, allowEmpty: true)
        return EstimatorTargets.valuesTarget(
            LinearPrediction.values(features, coefficients: coefficients, intercept: intercept))
    }
}
