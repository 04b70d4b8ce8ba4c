import LeptonKernels

/// The conjugate-gradient half-iteration of implicit ALS: updates every row of one factor matrix with the other fixed.
struct ConjugateGradientSolver {
    let factorCount: Int
    let regularization: Float
    let steps: Int

    /// Updates each row `x` of `rows` towards the solution of
    /// `(FᵀF + λI + Σ_j e_j f_j f_jᵀ) x = Σ_j (1 + e_j) f_j`, j over the row's entries
    /// (`indices[offsets[row]..<offsets[row + 1]]`, extra confidences `e`).
    func solveRows(
        rows: inout [Float], fixed: [Float], offsets: [Int], indices: [Int32], extraConfidence: [Float],
        pool: ThreadPool
    ) {
        let d = factorCount
        let rowCount = offsets.count - 1
        let fixedCount = fixed.count / d
        var gram = [Float](repeating: 0, count: d * d)
        fixed.withUnsafeBufferPointer { f in
            gram.withUnsafeMutableBufferPointer { g in
                sgemm(
                    .transposed, .none, m: d, n: d, k: fixedCount, a: f.baseAddress!, lda: d, b: f.baseAddress!,
                    ldb: d, c: g.baseAddress!, ldc: d, pool: pool)
            }
        }
        for i in 0..<d { gram[i * d + i] += regularization }
        let chunkSize = 64
        let chunkCount = (rowCount + chunkSize - 1) / chunkSize
        rows.withUnsafeMutableBufferPointer { x in
            fixed.withUnsafeBufferPointer { f in
                gram.withUnsafeBufferPointer { g in
                    let xBase = x.baseAddress!
                    pool.parallelFor(chunkCount) { chunk in
                        var residual = [Float](repeating: 0, count: d)
                        var direction = [Float](repeating: 0, count: d)
                        var product = [Float](repeating: 0, count: d)
                        for row in (chunk * chunkSize)..<min(rowCount, (chunk + 1) * chunkSize) {
                            solveOne(
                                x: xBase + row * d, fixed: f.baseAddress!, gram: g.baseAddress!,
                                entries: offsets[row]..<offsets[row + 1], indices: indices,
                                extraConfidence: extraConfidence, residual: &residual, direction: &direction,
                                product: &product)
                        }
                    }
                }
            }
        }
    }

    /// `out = A v` with `A = gram + Σ_j e_j f_j f_jᵀ`.
    private func multiply(
        _ v: [Float], into out: inout [Float], fixed: UnsafePointer<Float>, gram: UnsafePointer<Float>,
        entries: Range<Int>, indices: [Int32], extraConfidence: [Float]
    ) {
        let d = factorCount
        for i in 0..<d {
            var sum: Float = 0
            for j in 0..<d { sum += gram[i * d + j] * v[j] }
            out[i] = sum
        }
        for entry in entries {
            let y = fixed + Int(indices[entry]) * d
            var dot: Float = 0
            for f in 0..<d { dot += y[f] * v[f] }
            let weight = extraConfidence[entry] * dot
            for f in 0..<d { out[f] += weight * y[f] }
        }
    }

    private func solveOne(
        x: UnsafeMutablePointer<Float>, fixed: UnsafePointer<Float>, gram: UnsafePointer<Float>, entries: Range<Int>,
        indices: [Int32], extraConfidence: [Float], residual: inout [Float], direction: inout [Float],
        product: inout [Float]
    ) {
        let d = factorCount
        let current = Array(UnsafeBufferPointer(start: x, count: d))
        // residual = b − A x, with b = Σ (1 + e_j) f_j.
        multiply(
            current, into: &product, fixed: fixed, gram: gram, entries: entries, indices: indices,
            extraConfidence: extraConfidence)
        for f in 0..<d { residual[f] = -product[f] }
        for entry in entries {
            let y = fixed + Int(indices[entry]) * d
            let weight = 1 + extraConfidence[entry]
            for f in 0..<d { residual[f] += weight * y[f] }
        }
        direction = residual
        var oldNorm: Float = 0
        for f in 0..<d { oldNorm += residual[f] * residual[f] }
        for _ in 0..<steps {
            if oldNorm < 1e-20 { break }
            multiply(
                direction, into: &product, fixed: fixed, gram: gram, entries: entries, indices: indices,
                extraConfidence: extraConfidence)
            var curvature: Float = 0
            for f in 0..<d { curvature += direction[f] * product[f] }
            guard curvature > 0 else { break }
            let step = oldNorm / curvature
            var newNorm: Float = 0
            for f in 0..<d {
                x[f] += step * direction[f]
                residual[f] -= step * product[f]
                newNorm += residual[f] * residual[f]
            }
            let ratio = newNorm / oldNorm
            for f in 0..<d { direction[f] = residual[f] + ratio * direction[f] }
            oldNorm = newNorm
        }
    }
}
