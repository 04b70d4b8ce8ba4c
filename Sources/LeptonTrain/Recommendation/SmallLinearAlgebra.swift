/// Dense linear algebra for the small systems of fold-in and ALS (dimension = factor count).
enum SmallLinearAlgebra {
    /// Solves `A x = b` for symmetric positive definite `A` (`n`×`n`, row-major) by Cholesky; `nil` when `A` is not
    /// positive definite.
    static func solveSymmetricPositiveDefinite(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        var lower = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= lower[i * n + k] * lower[j * n + k] }
                if i == j {
                    guard sum > 0, sum.isFinite else { return nil }
                    lower[i * n + i] = sum.squareRoot()
                } else {
                    lower[i * n + j] = sum / lower[j * n + j]
                }
            }
        }
        var y = b
        for i in 0..<n {
            for k in 0..<i { y[i] -= lower[i * n + k] * y[k] }
            y[i] /= lower[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { y[i] -= lower[k * n + i] * y[k] }
            y[i] /= lower[i * n + i]
        }
        return y
    }

    /// Ridge fold-in for explicit ratings: minimises `Σ (r − μ − b_i − b − x·q_i)² + λ(b² + |x|²)` over the user bias
    /// `b` and factors `x`, with the item parameters fixed.
    static func explicitFoldIn(
        factors: LatentFactors, items: [Int], values: [Double], regularization: Double
    ) -> (factors: [Float], bias: Float) {
        let d = factors.factorCount
        let n = d + 1
        var gram = [Double](repeating: 0, count: n * n)
        var rhs = [Double](repeating: 0, count: n)
        var feature = [Double](repeating: 0, count: n)
        for (item, value) in zip(items, values) {
            feature[0] = 1
            for f in 0..<d { feature[f + 1] = Double(factors.itemFactors[item * d + f]) }
            let target = value - Double(factors.globalMean) - Double(factors.itemBiases[item])
            for i in 0..<n {
                rhs[i] += feature[i] * target
                for j in 0..<n { gram[i * n + j] += feature[i] * feature[j] }
            }
        }
        for i in 0..<n { gram[i * n + i] += max(regularization, 1e-9) }
        let solution = solveSymmetricPositiveDefinite(gram, rhs, n: n) ?? [Double](repeating: 0, count: n)
        return (solution.dropFirst().map { Float($0) }, Float(solution[0]))
    }

    /// Implicit fold-in: solves `(QᵀQ + λI + Σ_i α r_i q_i q_iᵀ) x = Σ_i (1 + α r_i) q_i` (Hu–Koren–Volinsky with
    /// preference 1 on the given items); no user bias.
    static func implicitFoldIn(
        factors: LatentFactors, items: [Int], values: [Double], regularization: Double, alpha: Double
    ) -> (factors: [Float], bias: Float) {
        let d = factors.factorCount
        guard d > 0 else { return ([], 0) }
        var gram = [Double](repeating: 0, count: d * d)
        for item in 0..<factors.items.count {
            let base = item * d
            for i in 0..<d {
                let qi = Double(factors.itemFactors[base + i])
                for j in 0..<d { gram[i * d + j] += qi * Double(factors.itemFactors[base + j]) }
            }
        }
        var rhs = [Double](repeating: 0, count: d)
        for (item, value) in zip(items, values) {
            let base = item * d
            let extra = alpha * value
            for i in 0..<d {
                let qi = Double(factors.itemFactors[base + i])
                rhs[i] += (1 + extra) * qi
                for j in 0..<d { gram[i * d + j] += extra * qi * Double(factors.itemFactors[base + j]) }
            }
        }
        for i in 0..<d { gram[i * d + i] += max(regularization, 1e-9) }
        let solution = solveSymmetricPositiveDefinite(gram, rhs, n: d) ?? [Double](repeating: 0, count: d)
        return (solution.map { Float($0) }, 0)
    }
}
