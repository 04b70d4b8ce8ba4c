import Foundation
import LeptonKernels

/// The penalised logistic loss as scikit-learn's L-BFGS solver minimises it:
/// `(1/S)·Σ sᵢ·lossᵢ + ½·λ·‖W‖²` with `S = Σ sᵢ`, λ = 1/(C·S)·(L2 share), intercepts unpenalised.
///
/// Binary problems have one coefficient vector (class 1 against class 0) and the loss `log(1 + e^z) − y·z`;
/// multinomial problems have one per class and the loss `log Σ_k e^{z_k} − z_y`. Parameters are the coefficients
/// (row-major, one row per class) followed by the intercepts. Value and gradient come from one pass over the rows,
/// split into fixed chunks (so results do not depend on the number of threads) run on the thread pool. Features
/// that are mostly zeros (TF-IDF, bag of words, one-hot columns) are read through their nonzero entries
/// (``SparseFeatureRows``), so that a pass costs in proportion to the nonzeros rather than to rows × columns.
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
    /// The nonzero entries of each row, when few enough of the features are nonzero to be worth reading so.
    let sparseRows: SparseFeatureRows?

    /// The objective of `features` labelled `classIndices`.
    ///
    /// - Parameters:
    ///   - features: The validated features.
    ///   - classIndices: The class index of each row.
    ///   - sampleWeights: The weight of each row, or `nil` for all 1.
    ///   - classCount: The number of classes.
    ///   - fitIntercept: Whether intercepts are parameters.
    ///   - l2Strength: The L2 strength λ on the coefficients.
    ///   - readsSparseRows: Whether mostly-zero features are read through their nonzero entries (tests compare
    ///     both ways).
    init(
        features: FeatureMatrix, classIndices: [Int], sampleWeights: [Double]?, classCount: Int, fitIntercept: Bool,
        l2Strength: Double, readsSparseRows: Bool = true
    ) {
        self.features = features
        self.classIndices = classIndices
        self.sampleWeights = sampleWeights
        self.classCount = classCount
        self.fitIntercept = fitIntercept
        self.l2Strength = l2Strength
        sparseRows = readsSparseRows ? SparseFeatureRows(features) : nil
    }

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
        let width = k * (d + 1)
        let intercepts = fitIntercept ? Array(parameters[(k * d)...]) : [Double](repeating: 0, count: k)
        let partials: (losses: [Double], gradients: [Double])
        if let sparseRows {
            let transposed = Self.transposedCoefficients(parameters, outputs: k, columns: d)
            partials = chunkSums(width: width, worthThreads: sparseRows.values.count * k >= 200_000) { rows, chunk in
                accumulate(
                    rows: rows, sparseRows, transposedCoefficients: transposed, intercepts: intercepts, gradient: chunk)
            }
        } else {
            partials = features.withValues { x in
                parameters.withUnsafeBufferPointer { weights in
                    chunkSums(width: width, worthThreads: n * d >= 200_000) { rows, chunk in
                        guard let w = weights.baseAddress else { return 0 }
                        return accumulate(rows: rows, x: x, weights: w, intercepts: intercepts, gradient: chunk)
                    }
                }
            }
        }
        return finish(parameters, partials.losses, partials.gradients, width: width, gradient: &gradient)
    }

    /// Runs `accumulate` over the rows in fixed chunks of ``chunkRows`` (on the thread pool when `worthThreads`),
    /// each adding into its own `width` gradient entries, so that the result does not depend on the thread count.
    ///
    /// - Parameters:
    ///   - width: The gradient entries of one chunk.
    ///   - worthThreads: Whether the pass is large enough to split over threads.
    ///   - accumulate: A chunk's weighted loss, given its rows and its zeroed gradient.
    /// - Returns: Each chunk's loss, and the chunks' gradients one after the other.
    private func chunkSums(
        width: Int, worthThreads: Bool, _ accumulate: (Range<Int>, UnsafeMutablePointer<Double>) -> Double
    ) -> (losses: [Double], gradients: [Double]) {
        let n = features.rows
        let chunks = (n + Self.chunkRows - 1) / Self.chunkRows
        var gradients = [Double](repeating: 0, count: chunks * width)
        var losses = [Double](repeating: 0, count: chunks)
        gradients.withUnsafeMutableBufferPointer { gradientBuffer in
            losses.withUnsafeMutableBufferPointer { lossBuffer in
                guard let g = gradientBuffer.baseAddress, let l = lossBuffer.baseAddress else { return }
                func body(_ chunk: Int) {
                    let rows = (chunk * Self.chunkRows)..<Swift.min(n, (chunk + 1) * Self.chunkRows)
                    l[chunk] = accumulate(rows, g + chunk * width)
                }
                if worthThreads {
                    ThreadPool.shared.parallelFor(chunks, body)
                } else {
                    for chunk in 0..<chunks { body(chunk) }
                }
            }
        }
        return (losses, gradients)
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
        rows: Range<Int>, x: UnsafePointer<Double>, weights: UnsafePointer<Double>, intercepts: [Double],
        gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        if outputs == 1 {
            return accumulateBinary(rows: rows, x: x, weights: weights, intercept: intercepts[0], gradient: gradient)
        }
        let (d, k) = (features.columns, outputs)
        var loss = 0.0
        var scores = [Double](repeating: 0, count: k)
        for row in rows {
            let features = x + row * d
            for output in 0..<k {
                scores[output] = VectorKernels.dot(features, weights + output * d, count: d) + intercepts[output]
            }
            loss += multinomialTerms(row, scores: &scores)
            for output in 0..<k {
                VectorKernels.axpy(scores[output], features, gradient + output * (d + 1), count: d)
                gradient[output * (d + 1) + d] += scores[output]
            }
        }
        return loss
    }

    /// One row's weighted multinomial loss `log Σ_k e^{z_k} − z_y` (computed relative to the largest score); turns
    /// `scores` (the z) into the loss's derivatives with respect to them, `weight · (softmax(z) − onehot(y))`.
    @inline(__always)
    func multinomialTerms(_ row: Int, scores: inout [Double]) -> Double {
        let weight = sampleWeights?[row] ?? 1
        let label = classIndices[row]
        var largest = -Double.infinity
        for score in scores { largest = Swift.max(largest, score) }
        let labelScore = scores[label] - largest
        var sum = 0.0
        for output in scores.indices {
            scores[output] = Foundation.exp(scores[output] - largest)
            sum += scores[output]
        }
        for output in scores.indices {
            scores[output] = weight * (scores[output] / sum - (output == label ? 1 : 0))
        }
        return weight * (Foundation.log(sum) - labelScore)
    }

    /// The binary case, four rows at a time: `loss = log(1 + e^z) − y·z`, `∂loss/∂z = σ(z) − y`.
    private func accumulateBinary(
        rows: Range<Int>, x: UnsafePointer<Double>, weights: UnsafePointer<Double>, intercept: Double,
        gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        let d = features.columns
        var loss = 0.0
        var row = rows.lowerBound
        while row + 4 <= rows.upperBound {
            let block = (x + row * d, x + (row + 1) * d, x + (row + 2) * d, x + (row + 3) * d)
            let scores = VectorKernels.dot4(block, weights, count: d)
            let first = binaryTerms(row, scores.0 + intercept)
            let second = binaryTerms(row + 1, scores.1 + intercept)
            let third = binaryTerms(row + 2, scores.2 + intercept)
            let fourth = binaryTerms(row + 3, scores.3 + intercept)
            loss += (first.loss + second.loss) + (third.loss + fourth.loss)
            let derivatives = (first.derivative, second.derivative, third.derivative, fourth.derivative)
            VectorKernels.axpy4(derivatives, block, gradient, count: d)
            gradient[d] += (derivatives.0 + derivatives.1) + (derivatives.2 + derivatives.3)
            row += 4
        }
        while row < rows.upperBound {
            let rowPointer = x + row * d
            let terms = binaryTerms(row, VectorKernels.dot(rowPointer, weights, count: d) + intercept)
            loss += terms.loss
            VectorKernels.axpy(terms.derivative, rowPointer, gradient, count: d)
            gradient[d] += terms.derivative
            row += 1
        }
        return loss
    }

    /// One row's weighted loss and derivative at score `z`, without overflow for large |z|.
    @inline(__always)
    func binaryTerms(_ row: Int, _ z: Double) -> (loss: Double, derivative: Double) {
        let y: Double = classIndices[row] == 1 ? 1 : 0
        let weight = sampleWeights?[row] ?? 1
        let e = Foundation.exp(-Swift.abs(z))
        let probability = z >= 0 ? 1 / (1 + e) : e / (1 + e)
        return (weight * (Swift.max(z, 0) + Foundation.log1p(e) - y * z), weight * (probability - y))
    }
}
