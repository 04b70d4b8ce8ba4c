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
        let solution = factors.itemFactors.withUnsafeBufferPointer { q in
            factors.itemBiases.withUnsafeBufferPointer { b in
                biasedRidge(
                    otherFactors: q.baseAddress!, otherBiases: b.baseAddress!, factorCount: factors.factorCount,
                    offset: Double(factors.globalMean), indices: items.map { Int32($0) }[...], values: values[...],
                    regularization: regularization)
            }
        }
        return (solution.dropFirst().map { Float($0) }, Float(solution[0]))
    }

    /// One row of biased ALS: minimises `Σ_j (v_j − offset − c_j − b − x·f_j)² + λ(b² + |x|²)` over `b` and `x`
    /// (`f_j`, `c_j` the other side's factors and biases at `indices`). Returns `[b, x_1, …, x_d]`; zeros when the
    /// system is singular (only possible with λ = 0 and no entries).
    static func biasedRidge(
        otherFactors: UnsafePointer<Float>, otherBiases: UnsafePointer<Float>, factorCount d: Int, offset: Double,
        indices: ArraySlice<Int32>, values: ArraySlice<Double>, regularization: Double
    ) -> [Double] {
        let n = d + 1
        var gram = [Double](repeating: 0, count: n * n)
        var rhs = [Double](repeating: 0, count: n)
        var feature = [Double](repeating: 1, count: n)
        for (index, value) in zip(indices, values) {
            let j = Int(index)
            let row = otherFactors + j * d
            for f in 0..<d { feature[f + 1] = Double(row[f]) }
            let target = value - offset - Double(otherBiases[j])
            // Lower triangle only; mirrored below.
            for i in 0..<n {
                let fi = feature[i]
                rhs[i] += fi * target
                for k in 0...i { gram[i * n + k] += fi * feature[k] }
            }
        }
        for i in 0..<n {
            for k in 0..<i { gram[k * n + i] = gram[i * n + k] }
            gram[i * n + i] += max(regularization, 1e-9)
        }
        return solveSymmetricPositiveDefinite(gram, rhs, n: n) ?? [Double](repeating: 0, count: n)
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
