import LeptonKernels

/// `X_cᵀ·X_c` for centered features `X_c = X − 1·μᵀ`, the matrix of the normal equations.
///
/// Two ways: exactly in Double (small problems), or fast — centered rows rounded to Float in chunks, multiplied
/// with the SGEMM kernel, and the chunk products summed in Double — for tall data, where the solver corrects the
/// small error with iterative refinement against exact Double residuals.
enum CenteredGram {
    /// Rows per chunk.
    private static let exactChunk = 128
    private static let fastChunk = 4096

    /// Whether the fast path pays off: the exact product costs `rows·columns²/2` Double multiply-adds.
    static func prefersFast(rows: Int, columns: Int) -> Bool {
        rows * columns * columns >= 8_000_000 && rows >= 4 * columns
    }

    /// The exact product, in Double. Returns the full symmetric `columns × columns` matrix, row-major.
    static func exact(_ features: FeatureMatrix, means: [Double]) -> [Double] {
        let (n, d) = (features.rows, features.columns)
        var gram = [Double](repeating: 0, count: d * d)
        var panel = [Double](repeating: 0, count: d * exactChunk)
        features.withValues { x in
            panel.withUnsafeMutableBufferPointer { panelBuffer in
                guard let p = panelBuffer.baseAddress else { return }
                gram.withUnsafeMutableBufferPointer { gramBuffer in
                    guard let g = gramBuffer.baseAddress else { return }
                    for start in stride(from: 0, to: n, by: exactChunk) {
                        let length = Swift.min(exactChunk, n - start)
                        for row in 0..<length {
                            for column in 0..<d {
                                p[column * exactChunk + row] = Double(x[(start + row) * d + column]) - means[column]
                            }
                        }
                        for i in 0..<d {
                            for j in 0...i {
                                g[i * d + j] += VectorKernels.dot(p + i * exactChunk, p + j * exactChunk, count: length)
                            }
                        }
                    }
                }
            }
        }
        for i in 0..<d { for j in 0..<i { gram[j * d + i] = gram[i * d + j] } }
        return gram
    }

    /// The product from Float chunks through SGEMM, summed in Double (relative error about 1e-6).
    static func fast(_ features: FeatureMatrix, means: [Double]) -> [Double] {
        let (n, d) = (features.rows, features.columns)
        var gram = [Double](repeating: 0, count: d * d)
        var chunk = [Float](repeating: 0, count: fastChunk * d)
        var product = [Float](repeating: 0, count: d * d)
        features.withValues { x in
            chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                guard let c = chunkBuffer.baseAddress else { return }
                product.withUnsafeMutableBufferPointer { productBuffer in
                    guard let p = productBuffer.baseAddress else { return }
                    means.withUnsafeBufferPointer { meanBuffer in
                        guard let mean = meanBuffer.baseAddress else { return }
                        for start in stride(from: 0, to: n, by: fastChunk) {
                            let length = Swift.min(fastChunk, n - start)
                            for row in 0..<length {
                                let source = x + (start + row) * d
                                let target = c + row * d
                                for column in 0..<d { target[column] = Float(Double(source[column]) - mean[column]) }
                            }
                            sgemm(
                                .transposed, .none, m: d, n: d, k: length, a: c, lda: d, b: c, ldb: d, c: p, ldc: d)
                            for index in 0..<(d * d) { gram[index] += Double(p[index]) }
                        }
                    }
                }
            }
        }
        return gram
    }

    /// `X_cᵀ·v` for a vector `v` with one value per row, in Double.
    static func transposedProduct(_ features: FeatureMatrix, means: [Double], _ v: [Double]) -> [Double] {
        let d = features.columns
        var result = [Double](repeating: 0, count: d)
        features.withValues { x in
            result.withUnsafeMutableBufferPointer { buffer in
                guard let r = buffer.baseAddress else { return }
                for row in 0..<features.rows { VectorKernels.axpy(v[row], x + row * d, r, count: d) }
            }
        }
        let total = v.reduce(0, +)
        for column in 0..<d { result[column] -= means[column] * total }
        return result
    }

    /// `X_cᵀ·(y_c − X_c·w) − alpha·w`: the exact residual of the normal equations at `w`, in one pass over the rows.
    static func normalResidual(
        _ features: FeatureMatrix, means: [Double], targets: [Double], coefficients w: [Double], alpha: Double
    ) -> [Double] {
        let d = features.columns
        let offset = means.dot(w)
        var result = [Double](repeating: 0, count: d)
        var residualSum = 0.0
        features.withValues { x in
            w.withUnsafeBufferPointer { weights in
                result.withUnsafeMutableBufferPointer { buffer in
                    guard let wp = weights.baseAddress, let r = buffer.baseAddress else { return }
                    for row in 0..<features.rows {
                        let rowPointer = x + row * d
                        let residual = targets[row] - (VectorKernels.dot(rowPointer, wp, count: d) - offset)
                        VectorKernels.axpy(residual, rowPointer, r, count: d)
                        residualSum += residual
                    }
                }
            }
        }
        for column in 0..<d { result[column] -= means[column] * residualSum + alpha * w[column] }
        return result
    }
}
