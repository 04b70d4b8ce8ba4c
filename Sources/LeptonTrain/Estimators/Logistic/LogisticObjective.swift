import Foundation
import LeptonKernels

/// The penalised logistic loss as scikit-learn's L-BFGS solver minimises it:
/// `(1/S)·Σ sᵢ·lossᵢ + ½·λ·‖W‖²` with `S = Σ sᵢ`, λ = 1/(C·S)·(L2 share), intercepts unpenalised.
///
/// Binary problems have one coefficient vector (class 1 against class 0) and the loss `log(1 + e^z) − y·z`;
/// multinomial problems have one per class and the loss `log Σ_k e^{z_k} − z_y`. Parameters are the coefficients
/// (row-major, one row per class) followed by the intercepts. Value and gradient come from one pass over the rows,
/// split into fixed chunks (so results do not depend on the number of threads) run on the thread pool.
struct LogisticObjective {
    /// Features.
    let features: FeatureMatrix
    /// Class index per row.
    let classIndices: [Int]
    /// Weight per row, or `nil` for all 1.
    let sampleWeights: [Double]?
    /// The number of classes (2 means one coefficient vector).
    let classCount: Int
    /// Whether intercepts are parameters.
    let fitIntercept: Bool
    /// The L2 strength λ on the coefficients.
    let l2Strength: Double

    /// Rows per chunk of the parallel pass.
    private static let chunkRows = 4096

    /// Coefficient vectors: 1 for a binary problem, one per class otherwise.
    var outputs: Int { classCount == 2 ? 1 : classCount }
    /// The number of parameters.
    var parameterCount: Int { outputs * (features.columns + (fitIntercept ? 1 : 0)) }
    /// The sum of the sample weights.
    var weightSum: Double { sampleWeights?.reduce(0, +) ?? Double(features.rows) }

    /// Which parameters are coefficients (penalised) rather than intercepts.
    var coefficientMask: [Bool] {
        (0..<parameterCount).map { $0 < outputs * features.columns }
    }

    /// The objective at `parameters`; writes its gradient.
    func evaluate(_ parameters: [Double], gradient: inout [Double]) -> Double {
        let (n, d, k) = (features.rows, features.columns, outputs)
        let chunks = (n + Self.chunkRows - 1) / Self.chunkRows
        let width = k * (d + 1)
        var partialGradients = [Double](repeating: 0, count: chunks * width)
        var partialLosses = [Double](repeating: 0, count: chunks)
        let intercepts = fitIntercept ? Array(parameters[(k * d)...]) : [Double](repeating: 0, count: k)
        features.withValues { x in
            parameters.withUnsafeBufferPointer { weights in
                partialGradients.withUnsafeMutableBufferPointer { gradients in
                    partialLosses.withUnsafeMutableBufferPointer { losses in
                        guard let w = weights.baseAddress, let g = gradients.baseAddress, let l = losses.baseAddress
                        else { return }
                        let body = { (chunk: Int) in
                            let rows = (chunk * Self.chunkRows)..<Swift.min(n, (chunk + 1) * Self.chunkRows)
                            l[chunk] = accumulate(
                                rows: rows, x: x, weights: w, intercepts: intercepts, gradient: g + chunk * width)
                        }
                        if n * d >= 200_000 {
                            ThreadPool.shared.parallelFor(chunks, body)
                        } else {
                            for chunk in 0..<chunks { body(chunk) }
                        }
                    }
                }
            }
        }
        return finish(parameters, partialLosses, partialGradients, width: width, gradient: &gradient)
    }

    /// Sums the chunks in order, scales by 1/S and adds the penalty.
    private func finish(
        _ parameters: [Double], _ losses: [Double], _ partials: [Double], width: Int, gradient: inout [Double]
    ) -> Double {
        let (d, k) = (features.columns, outputs)
        let scale = 1 / weightSum
        var loss = 0.0
        for value in losses { loss += value }
        var total = [Double](repeating: 0, count: width)
        for chunk in 0..<losses.count {
            for index in 0..<width { total[index] += partials[chunk * width + index] }
        }
        var penalty = 0.0
        for output in 0..<k {
            for column in 0..<d {
                let w = parameters[output * d + column]
                gradient[output * d + column] = total[output * (d + 1) + column] * scale + l2Strength * w
                penalty += w * w
            }
            if fitIntercept { gradient[k * d + output] = total[output * (d + 1) + d] * scale }
        }
        return loss * scale + 0.5 * l2Strength * penalty
    }

    /// The weighted loss of `rows`; adds each output's gradient (d coefficients then the intercept) into `gradient`.
    private func accumulate(
        rows: Range<Int>, x: UnsafePointer<Float>, weights: UnsafePointer<Double>, intercepts: [Double],
        gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        let (d, k) = (features.columns, outputs)
        var loss = 0.0
        var scores = [Double](repeating: 0, count: k)
        for row in rows {
            let features = x + row * d
            let weight = sampleWeights?[row] ?? 1
            let label = classIndices[row]
            if k == 1 {
                let z = VectorKernels.dot(features, weights, count: d) + intercepts[0]
                let y: Double = label == 1 ? 1 : 0
                let e = Foundation.exp(-Swift.abs(z))
                loss += weight * (Swift.max(z, 0) + Foundation.log1p(e) - y * z)
                let probability = z >= 0 ? 1 / (1 + e) : e / (1 + e)
                let derivative = weight * (probability - y)
                VectorKernels.axpy(derivative, features, gradient, count: d)
                gradient[d] += derivative
            } else {
                var largest = -Double.infinity
                for output in 0..<k {
                    scores[output] = VectorKernels.dot(features, weights + output * d, count: d) + intercepts[output]
                    largest = Swift.max(largest, scores[output])
                }
                let labelScore = scores[label] - largest
                var sum = 0.0
                for output in 0..<k {
                    scores[output] = Foundation.exp(scores[output] - largest)
                    sum += scores[output]
                }
                let logSum = Foundation.log(sum)
                // loss = log Σ_k e^{z_k} − z_y, computed relative to the largest score.
                loss += weight * (logSum - labelScore)
                for output in 0..<k {
                    let derivative = weight * (scores[output] / sum - (output == label ? 1 : 0))
                    VectorKernels.axpy(derivative, features, gradient + output * (d + 1), count: d)
                    gradient[output * (d + 1) + d] += derivative
                }
            }
        }
        return loss
    }
}
