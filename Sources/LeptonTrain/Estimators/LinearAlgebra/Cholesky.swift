/// The Cholesky factorisation `A = L·Lᵀ` of a symmetric positive definite matrix, with the triangular solves
/// that use it. Matrices are `size × size`, row-major, Double.
struct Cholesky: Sendable {
    /// The order of the matrix.
    let size: Int
    /// `L`, row-major; only the lower triangle (diagonal included) is meaningful.
    let lower: [Double]

    /// Factors `matrix`, reading only its lower triangle.
    ///
    /// Returns `nil` when the matrix is not numerically positive definite: a pivot is not larger than
    /// `relativeTolerance` times the largest diagonal entry.
    ///
    /// - Parameters:
    ///   - matrix: The symmetric matrix, row-major.
    ///   - size: Its order.
    ///   - relativeTolerance: The smallest pivot accepted, relative to the largest diagonal entry.
    init?(_ matrix: [Double], size: Int, relativeTolerance: Double = 0) {
        precondition(matrix.count == size * size, "Cholesky: \(matrix.count) values for order \(size)")
        var factor = matrix
        let largestDiagonal = (0..<size).map { matrix[$0 * size + $0] }.max() ?? 0
        let smallestPivot = Swift.max(relativeTolerance * largestDiagonal, 0)
        let succeeded = factor.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let l = buffer.baseAddress else { return true }
            for i in 0..<size {
                for j in 0...i {
                    let sum = l[i * size + j] - VectorKernels.dot(l + i * size, l + j * size, count: j)
                    if i == j {
                        guard sum > smallestPivot, sum.isFinite else { return false }
                        l[i * size + i] = sum.squareRoot()
                    } else {
                        l[i * size + j] = sum / l[j * size + j]
                    }
                }
                for j in (i + 1)..<size { l[i * size + j] = 0 }
            }
            return true
        }
        guard succeeded else { return nil }
        self.size = size
        lower = factor
    }

    /// Solves `A·x = b` (two triangular solves).
    ///
    /// - Parameter b: The right-hand side, `size` values.
    /// - Returns: `x`.
    func solve(_ b: [Double]) -> [Double] {
        precondition(b.count == size, "Cholesky.solve: \(b.count) values for order \(size)")
        var x = b
        lower.withUnsafeBufferPointer { l in
            guard let base = l.baseAddress else { return }
            x.withUnsafeMutableBufferPointer { vector in
                guard let v = vector.baseAddress else { return }
                // L·z = b, forward.
                for i in 0..<size {
                    v[i] = (v[i] - VectorKernels.dot(base + i * size, v, count: i)) / base[i * size + i]
                }
                // Lᵀ·x = z, backward: column i of Lᵀ is row i of L.
                for i in stride(from: size - 1, through: 0, by: -1) {
                    v[i] /= base[i * size + i]
                    let value = v[i]
                    for k in 0..<i { v[k] -= base[i * size + k] * value }
                }
            }
        }
        return x
    }
}
