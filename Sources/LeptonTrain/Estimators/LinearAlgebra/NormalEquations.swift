/// Solves the (ridge) normal equations `(X_cᵀ·X_c + α·I)·w = X_cᵀ·y_c` of a centered problem by Cholesky.
enum NormalEquations {
    /// How the Gram matrix is formed.
    enum GramMethod: Sendable {
        /// Fast for tall data, exact otherwise.
        case automatic
        /// Exactly in Double.
        case exact
        /// In Float chunks with SGEMM, then iterative refinement against exact residuals.
        case fast
    }

    /// The coefficients, or `nil` when `X_cᵀ·X_c + α·I` is not numerically positive definite (collinear features
    /// without a penalty: use QR instead).
    ///
    /// - Parameters:
    ///   - problem: The centered problem.
    ///   - alpha: The ridge penalty, ≥ 0.
    ///   - method: How to form the Gram matrix.
    static func solve(_ problem: CenteredRegressionProblem, alpha: Double, method: GramMethod = .automatic)
        -> [Double]?
    {
        let features = problem.features
        let useFast: Bool
        switch method {
        case .automatic: useFast = CenteredGram.prefersFast(rows: features.rows, columns: features.columns)
        case .exact: useFast = false
        case .fast: useFast = true
        }
        let d = features.columns
        var gram =
            useFast
            ? CenteredGram.fast(features, means: problem.featureMeans)
            : CenteredGram.exact(features, means: problem.featureMeans)
        for i in 0..<d { gram[i * d + i] += alpha }
        // Without a penalty, a pivot below 1e-10 of the largest diagonal entry means (near-)collinear columns.
        guard let factor = Cholesky(gram, size: d, relativeTolerance: alpha > 0 ? 0 : 1e-10) else {
            return useFast ? solve(problem, alpha: alpha, method: .exact) : nil
        }
        let moment = CenteredGram.transposedProduct(
            features, means: problem.featureMeans, problem.centeredTargets)
        let coefficients = factor.solve(moment)
        guard useFast else { return coefficients }
        return refine(coefficients, factor: factor, problem: problem, alpha: alpha)
            ?? solve(problem, alpha: alpha, method: .exact)
    }

    /// Iterative refinement: `w ← w + F⁻¹·r(w)` with exact residuals `r`, until the correction is negligible.
    /// Returns `nil` if the corrections stop shrinking (the approximate factor is too far off).
    private static func refine(
        _ start: [Double], factor: Cholesky, problem: CenteredRegressionProblem, alpha: Double
    ) -> [Double]? {
        var coefficients = start
        var previousCorrection = Double.infinity
        for _ in 0..<8 {
            let residual = CenteredGram.normalResidual(
                problem.features, means: problem.featureMeans, targets: problem.centeredTargets,
                coefficients: coefficients, alpha: alpha)
            let correction = factor.solve(residual)
            for index in coefficients.indices { coefficients[index] += correction[index] }
            let size = correction.map(Swift.abs).max() ?? 0
            let scale = coefficients.map(Swift.abs).max() ?? 0
            if size <= 1e-11 * scale || size == 0 { return coefficients }
            if size > 0.5 * previousCorrection { return nil }
            previousCorrection = size
        }
        return nil
    }
}
