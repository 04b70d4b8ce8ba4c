import LeptonTensor

/// Dual coordinate descent for a binary L2-regularised linear SVM (Hsieh et al., 2008, as in liblinear):
/// minimises `½‖w‖² + Σᵢ Cᵢ·ξᵢ` (hinge) or `½‖w‖² + Σᵢ Cᵢ·ξᵢ²` (squared hinge) through the dual variables αᵢ,
/// one at a time in a random order each sweep, with liblinear's shrinking of bound variables and its stopping rule
/// (the spread of projected gradients at most `tolerance`).
///
/// The bias is an extra feature of constant value `biasScale` whose weight is penalised like the others.
struct DualCoordinateDescent {
    /// Features, row-major.
    let features: FeatureMatrix
    /// ±1 per row.
    let signs: [Double]
    /// Cᵢ per row.
    let costs: [Double]
    /// Whether the loss is squared hinge (else hinge).
    let squaredHinge: Bool
    /// The constant value of the bias feature (0 for no bias).
    let biasScale: Double

    /// The result: weights (with the bias weight last) and sweeps run.
    struct Result {
        /// `d + 1` weights: the features', then the bias feature's.
        var weights: [Double]
        /// Sweeps run.
        var iterations: Int
        /// Whether the stopping rule was met.
        var converged: Bool
    }

    func solve(tolerance: Double, maxIterations: Int, generator: inout RandomGenerator) -> Result {
        let (n, d) = (features.rows, features.columns)
        var w = [Double](repeating: 0, count: d + 1)
        var alpha = [Double](repeating: 0, count: n)
        let diagonal = costs.map { squaredHinge ? 0.5 / $0 : 0 }
        let upper = costs.map { squaredHinge ? Double.infinity : $0 }
        var index = Array(0..<n)
        var activeSize = n
        var projectedMaxOld = Double.infinity
        var projectedMinOld = -Double.infinity
        var iterations = 0
        var converged = false
        features.withValues { x in
            w.withUnsafeMutableBufferPointer { weightBuffer in
                guard let wp = weightBuffer.baseAddress else { return }
                let curvature = (0..<n).map { row in
                    (0..<d).reduce(0.0) { $0 + Double(x[row * d + $1]) * Double(x[row * d + $1]) }
                        + biasScale * biasScale + diagonal[row]
                }
                while iterations < maxIterations {
                    var projectedMax = -Double.infinity
                    var projectedMin = Double.infinity
                    for position in 0..<activeSize {
                        index.swapAt(
                            position, position + Int(generator.next(upperBound: UInt64(activeSize - position))))
                    }
                    var position = 0
                    while position < activeSize {
                        let i = index[position]
                        let row = x + i * d
                        let gradient =
                            signs[i] * (VectorKernels.dot(row, wp, count: d) + wp[d] * biasScale) - 1
                            + alpha[i] * diagonal[i]
                        var projected = 0.0
                        if alpha[i] == 0 {
                            if gradient > projectedMaxOld {
                                activeSize -= 1
                                index.swapAt(position, activeSize)
                                continue
                            }
                            projected = Swift.min(gradient, 0)
                        } else if alpha[i] == upper[i] {
                            if gradient < projectedMinOld {
                                activeSize -= 1
                                index.swapAt(position, activeSize)
                                continue
                            }
                            projected = Swift.max(gradient, 0)
                        } else {
                            projected = gradient
                        }
                        projectedMax = Swift.max(projectedMax, projected)
                        projectedMin = Swift.min(projectedMin, projected)
                        if Swift.abs(projected) > 1e-12 {
                            let old = alpha[i]
                            alpha[i] = Swift.min(Swift.max(old - gradient / curvature[i], 0), upper[i])
                            let change = (alpha[i] - old) * signs[i]
                            VectorKernels.axpy(change, row, wp, count: d)
                            wp[d] += change * biasScale
                        }
                        position += 1
                    }
                    iterations += 1
                    if projectedMax - projectedMin <= tolerance {
                        if activeSize == n {
                            converged = true
                            break
                        }
                        activeSize = n
                        projectedMaxOld = .infinity
                        projectedMinOld = -.infinity
                        continue
                    }
                    projectedMaxOld = projectedMax <= 0 ? .infinity : projectedMax
                    projectedMinOld = projectedMin >= 0 ? -.infinity : projectedMin
                }
            }
        }
        return Result(weights: w, iterations: iterations, converged: converged)
    }
}
