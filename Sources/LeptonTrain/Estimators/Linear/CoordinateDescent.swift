/// Cyclic coordinate descent for the elastic net, following scikit-learn's `enet_coordinate_descent` (without its
/// gap-safe screening, which only saves time): minimises `½‖y − X·w‖² + l1·‖w‖₁ + ½·l2·‖w‖²` over centered data.
///
/// Each sweep updates every coordinate by soft-thresholding. When the largest coordinate change of a sweep is at
/// most `tolerance` times the largest coefficient, the duality gap is computed, and the solver stops once the gap is
/// at most `tolerance·‖y‖²`.
struct CoordinateDescent {
    /// The result of a run.
    struct Result {
        /// The coefficients.
        var coefficients: [Double]
        /// The last duality gap computed.
        var dualityGap: Double
        /// Sweeps run.
        var iterations: Int
        /// Whether the gap reached the tolerance.
        var converged: Bool
    }

    /// Column-major features (each column contiguous), already centered.
    let columns: [Double]
    /// Rows.
    let rows: Int
    /// Features.
    let features: Int
    /// Targets, already centered.
    let targets: [Double]

    /// Runs the solver from `w = 0`.
    func solve(l1: Double, l2: Double, tolerance: Double, maxIterations: Int) -> Result {
        let (n, d) = (rows, features)
        var w = [Double](repeating: 0, count: d)
        var residual = targets
        var gap = Double.infinity
        var iterations = 0
        var converged = false
        let gapTolerance = tolerance * targets.dot(targets)
        columns.withUnsafeBufferPointer { columnBuffer in
            residual.withUnsafeMutableBufferPointer { residualBuffer in
                guard let x = columnBuffer.baseAddress, let r = residualBuffer.baseAddress else { return }
                let squaredNorms = (0..<d).map { VectorKernels.dot(x + $0 * n, x + $0 * n, count: n) }
                gap = dualityGap(w, residual: r, l1: l1, l2: l2)
                if gap <= gapTolerance {
                    converged = true
                    return
                }
                while iterations < maxIterations {
                    var largestChange = 0.0
                    var largestCoefficient = 0.0
                    for j in 0..<d where squaredNorms[j] != 0 {
                        let column = x + j * n
                        let old = w[j]
                        let correlation = VectorKernels.dot(column, r, count: n) + old * squaredNorms[j]
                        let shrunk = Swift.max(Swift.abs(correlation) - l1, 0)
                        let updated = shrunk == 0 ? 0 : (correlation < 0 ? -shrunk : shrunk) / (squaredNorms[j] + l2)
                        if updated != old { VectorKernels.axpy(old - updated, column, r, count: n) }
                        w[j] = updated
                        largestChange = Swift.max(largestChange, Swift.abs(updated - old))
                        largestCoefficient = Swift.max(largestCoefficient, Swift.abs(updated))
                    }
                    iterations += 1
                    let settled = largestCoefficient == 0 || largestChange / largestCoefficient <= tolerance
                    if settled || iterations == maxIterations {
                        gap = dualityGap(w, residual: r, l1: l1, l2: l2)
                        if gap <= gapTolerance {
                            converged = true
                            return
                        }
                    }
                }
            }
        }
        return Result(coefficients: w, dualityGap: gap, iterations: iterations, converged: converged)
    }

    /// The duality gap at `w` with residual `r = y − X·w` (scikit-learn's formulations A and B).
    private func dualityGap(_ w: [Double], residual r: UnsafePointer<Double>, l1: Double, l2: Double) -> Double {
        let n = rows
        var correlations = [Double](repeating: 0, count: features)
        columns.withUnsafeBufferPointer { buffer in
            guard let x = buffer.baseAddress else { return }
            for j in 0..<features { correlations[j] = VectorKernels.dot(x + j * n, r, count: n) }
        }
        let residualNorm2 = VectorKernels.dot(r, r, count: n)
        let weightNorm2 = w.dot(w)
        if l1 == 0 && l2 == 0 { return correlations.dot(correlations) }  // least squares: ‖XᵀR‖²
        let residualTarget = targets.withUnsafeBufferPointer { VectorKernels.dot(r, $0.baseAddress!, count: n) }
        if l1 == 0 {
            // Formulation B (pure ridge penalty).
            return residualNorm2 + 0.5 * l2 * weightNorm2 - residualTarget + correlations.dot(correlations) / (2 * l2)
        }
        // Formulation A: scale the residual into the dual feasible set ‖Xᵀv − l2·w‖∞ ≤ l1.
        let dualNorm = (0..<features).map { Swift.abs(correlations[$0] - l2 * w[$0]) }.max() ?? 0
        let primal = 0.5 * (residualNorm2 + l2 * weightNorm2) + l1 * w.map(Swift.abs).reduce(0, +)
        let scale = dualNorm > l1 ? l1 / dualNorm : 1
        let dual = -0.5 * scale * scale * (residualNorm2 + l2 * weightNorm2) + scale * residualTarget
        return primal - dual
    }
}
