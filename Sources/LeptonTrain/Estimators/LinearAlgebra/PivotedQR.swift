/// Householder QR factorisation with column pivoting by remaining column norms (Businger–Golub), used for least
/// squares: `A·P = Q·R`, with the numerical rank read from the diagonal of `R`.
///
/// The matrix is `rows × columns`, column-major (each column contiguous), Double.
struct PivotedQR: Sendable {
    /// Rows of A.
    let rows: Int
    /// Columns of A.
    let columns: Int
    /// R on and above the diagonal; the Householder vectors (with an implicit leading 1) below it. Column-major.
    private(set) var factors: [Double]
    /// The Householder scalars: `H_k = I − tau[k]·v·vᵀ`.
    private(set) var tau: [Double]
    /// `permutation[k]` is the original index of the k-th column of `R`.
    private(set) var permutation: [Int]
    /// The number of diagonal entries of `R` larger than `tolerance·|R₀₀|`.
    private(set) var rank = 0

    /// Factors `matrix`.
    ///
    /// - Parameters:
    ///   - matrix: A, column-major.
    ///   - rows: Rows of A.
    ///   - columns: Columns of A.
    ///   - tolerance: Relative size below which a diagonal entry of R counts as zero (default
    ///     `max(rows, columns)·ε`, as LAPACK-based least squares).
    init(columnMajor matrix: [Double], rows: Int, columns: Int, tolerance: Double? = nil) {
        precondition(matrix.count == rows * columns, "PivotedQR: \(matrix.count) values for \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        factors = matrix
        tau = [Double](repeating: 0, count: Swift.min(rows, columns))
        permutation = Array(0..<columns)
        factorize()
        let limit = (tolerance ?? Double(Swift.max(rows, columns)) * Double.ulpOfOne) * Swift.abs(diagonal(0))
        rank = (0..<tau.count).prefix { Swift.abs(diagonal($0)) > limit && diagonal($0) != 0 }.count
    }

    /// `R[k, k]`.
    func diagonal(_ k: Int) -> Double { k < tau.count ? factors[k * rows + k] : 0 }

    private mutating func factorize() {
        let (m, n) = (rows, columns)
        var partialNorms = [Double](repeating: 0, count: n)
        var referenceNorms = [Double](repeating: 0, count: n)
        var permutation = self.permutation
        var tau = self.tau
        factors.withUnsafeMutableBufferPointer { buffer in
            guard let a = buffer.baseAddress else { return }
            for j in 0..<n {
                partialNorms[j] = VectorKernels.dot(a + j * m, a + j * m, count: m).squareRoot()
                referenceNorms[j] = partialNorms[j]
            }
            for k in 0..<tau.count {
                // Pivot: the remaining column with the largest remaining norm.
                let pivot = (k..<n).max { partialNorms[$0] < partialNorms[$1] } ?? k
                if pivot != k {
                    for i in 0..<m { (a[k * m + i], a[pivot * m + i]) = (a[pivot * m + i], a[k * m + i]) }
                    permutation.swapAt(k, pivot)
                    partialNorms.swapAt(k, pivot)
                    referenceNorms.swapAt(k, pivot)
                }
                tau[k] = Self.makeReflector(a + k * m + k, count: m - k)
                for j in (k + 1)..<n {
                    Self.applyReflector(a + k * m + k, tau: tau[k], to: a + j * m + k, count: m - k)
                    Self.downdateNorm(
                        &partialNorms[j], reference: &referenceNorms[j], removed: a[j * m + k],
                        recompute: { VectorKernels.dot(a + j * m + k + 1, a + j * m + k + 1, count: m - k - 1) })
                }
            }
        }
        self.permutation = permutation
        self.tau = tau
    }

    /// Turns `x` into `[β, v₁, …]` with `H·x = β·e₁`, `H = I − τ·v·vᵀ`, `v₀ = 1`; returns τ.
    private static func makeReflector(_ x: UnsafeMutablePointer<Double>, count: Int) -> Double {
        let tailNorm = VectorKernels.dot(x + 1, x + 1, count: count - 1).squareRoot()
        guard tailNorm != 0 else { return 0 }
        let alpha = x[0]
        let norm = (alpha * alpha + tailNorm * tailNorm).squareRoot()
        let beta = alpha >= 0 ? -norm : norm
        let scale = 1 / (alpha - beta)
        for i in 1..<count { x[i] *= scale }
        x[0] = beta
        return (beta - alpha) / beta
    }

    /// `c ← (I − τ·v·vᵀ)·c` for a reflector stored as `[β, v₁, …]`.
    private static func applyReflector(
        _ v: UnsafePointer<Double>, tau: Double, to c: UnsafeMutablePointer<Double>, count: Int
    ) {
        guard tau != 0 else { return }
        let product = c[0] + VectorKernels.dot(v + 1, c + 1, count: count - 1)
        let scale = -tau * product
        c[0] += scale
        VectorKernels.axpy(scale, v + 1, c + 1, count: count - 1)
    }

    /// Removes the entry just moved into R from a column's remaining norm, recomputing it when cancellation
    /// would make the downdate inaccurate (LAPACK's criterion).
    private static func downdateNorm(
        _ norm: inout Double, reference: inout Double, removed: Double, recompute: () -> Double
    ) {
        guard norm != 0 else { return }
        let ratio = Swift.abs(removed) / norm
        let remaining = Swift.max(0, (1 + ratio) * (1 - ratio))
        let relative = reference == 0 ? 0 : remaining * (norm / reference) * (norm / reference)
        if relative <= Double.ulpOfOne.squareRoot() {
            norm = recompute().squareRoot()
            reference = norm
        } else {
            norm *= remaining.squareRoot()
        }
    }

    /// The basic least-squares solution of `A·x ≈ b`: minimises `‖A·x − b‖` using the first ``rank`` pivoted
    /// columns, with the coefficients of the others zero.
    ///
    /// - Parameter b: `rows` values.
    /// - Returns: `columns` coefficients, in the original column order.
    func solveLeastSquares(_ b: [Double]) -> [Double] {
        precondition(b.count == rows, "PivotedQR.solveLeastSquares: \(b.count) values for \(rows) rows")
        var y = b
        var solution = [Double](repeating: 0, count: columns)
        factors.withUnsafeBufferPointer { buffer in
            guard let a = buffer.baseAddress else { return }
            y.withUnsafeMutableBufferPointer { vector in
                guard let v = vector.baseAddress else { return }
                for k in 0..<rank {
                    Self.applyReflector(a + k * rows + k, tau: tau[k], to: v + k, count: rows - k)
                }
                for k in stride(from: rank - 1, through: 0, by: -1) {
                    var sum = v[k]
                    for j in (k + 1)..<rank { sum -= a[j * rows + k] * v[j] }
                    v[k] = sum / a[k * rows + k]
                }
            }
        }
        for k in 0..<rank { solution[permutation[k]] = y[k] }
        return solution
    }

    /// The minimum-norm least-squares solution of `A·x ≈ b` (scikit-learn's and LAPACK `gelsd`'s answer when `A`
    /// is rank-deficient, more columns than rows included).
    ///
    /// With `A·P = Q·[R₁₁ R₁₂; 0 0]` (rank r) and the basic solution `z` (``solveLeastSquares(_:)``), every
    /// least-squares solution is the basic one plus a null-space vector, and the row space of `A` is spanned by
    /// `V = P·[I; Wᵀ]`, `W = R₁₁⁻¹·R₁₂`. The minimum-norm solution is the projection of the basic one on it:
    /// `x = P·[I; Wᵀ]·(I + W·Wᵀ)⁻¹·z`, an `r × r` positive definite system (its eigenvalues are at least 1).
    ///
    /// - Parameter b: `rows` values.
    /// - Returns: `columns` coefficients, in the original column order.
    func solveMinimumNorm(_ b: [Double]) -> [Double] {
        let basic = solveLeastSquares(b)
        let r = rank
        let free = columns - r
        guard r > 0, free > 0 else { return basic }
        let z = (0..<r).map { basic[permutation[$0]] }
        // W = R₁₁⁻¹·R₁₂, one column per free column (column-major, r rows).
        var w = [Double](repeating: 0, count: r * free)
        factors.withUnsafeBufferPointer { buffer in
            guard let a = buffer.baseAddress else { return }
            for j in 0..<free {
                let source = a + (r + j) * rows
                for k in stride(from: r - 1, through: 0, by: -1) {
                    var sum = source[k]
                    for i in (k + 1)..<r { sum -= a[i * rows + k] * w[j * r + i] }
                    w[j * r + k] = sum / a[k * rows + k]
                }
            }
        }
        // G = I + W·Wᵀ (r × r, row-major; symmetric).
        var gram = [Double](repeating: 0, count: r * r)
        for j in 0..<free {
            for i in 0..<r {
                let value = w[j * r + i]
                if value == 0 { continue }
                for k in 0...i { gram[i * r + k] += value * w[j * r + k] }
            }
        }
        for i in 0..<r {
            gram[i * r + i] += 1
            for k in 0..<i { gram[k * r + i] = gram[i * r + k] }
        }
        guard let factor = Cholesky(gram, size: r) else { return basic }
        let u = factor.solve(z)
        var solution = [Double](repeating: 0, count: columns)
        for k in 0..<r { solution[permutation[k]] = u[k] }
        for j in 0..<free {
            var sum = 0.0
            for i in 0..<r { sum += w[j * r + i] * u[i] }
            solution[permutation[r + j]] = sum
        }
        return solution
    }
}
