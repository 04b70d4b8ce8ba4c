/// Ridge regression in its dual (kernel) form, for more features than rows: with centered rows `X_c` (n × p),
/// `w = X_cᵀ·(X_c·X_cᵀ + α·I)⁻¹·y_c` — an `n × n` system instead of the `p × p` normal equations, the same
/// solution (push-through identity) at `O(n²·p)` instead of `O(n·p² + p³)`, as scikit-learn's `Ridge` does when
/// `n_features > n_samples`.
enum DualRidge {
    /// The coefficients, or `nil` when the kernel matrix is not numerically positive definite (α = 0 with
    /// dependent rows: use the minimum-norm least-squares solution instead).
    ///
    /// - Parameters:
    ///   - problem: The centered problem.
    ///   - alpha: The ridge penalty, > 0 for a guaranteed solution.
    static func solve(_ problem: CenteredRegressionProblem, alpha: Double) -> [Double]? {
        let features = problem.features
        let (n, d) = (features.rows, features.columns)
        var centered = [Double](repeating: 0, count: n * d)
        features.withValues { x in
            for row in 0..<n {
                for column in 0..<d {
                    centered[row * d + column] = Double(x[row * d + column]) - problem.featureMeans[column]
                }
            }
        }
        var kernel = [Double](repeating: 0, count: n * n)
        centered.withUnsafeBufferPointer { buffer in
            guard let c = buffer.baseAddress else { return }
            for i in 0..<n {
                for j in 0...i {
                    let value = VectorKernels.dot(c + i * d, c + j * d, count: d)
                    kernel[i * n + j] = value
                    kernel[j * n + i] = value
                }
                kernel[i * n + i] += alpha
            }
        }
        guard let factor = Cholesky(kernel, size: n, relativeTolerance: alpha > 0 ? 0 : 1e-10) else { return nil }
        let dual = factor.solve(problem.centeredTargets)
        var coefficients = [Double](repeating: 0, count: d)
        for row in 0..<n {
            let weight = dual[row]
            for column in 0..<d { coefficients[column] += weight * centered[row * d + column] }
        }
        return coefficients
    }
}
