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
                    indices.withUnsafeBufferPointer { indices in
                        extraConfidence.withUnsafeBufferPointer { extra in
                            let xBase = x.baseAddress!
                            let problem = RowProblem(
                                fixed: f.baseAddress!, gram: g.baseAddress!, indices: indices.baseAddress!,
                                extraConfidence: extra.baseAddress!)
                            pool.parallelFor(chunkCount) { chunk in
                                // residual, direction and product of the row being solved, reused row after row.
                                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 3 * d)
                                defer { scratch.deallocate() }
                                for row in (chunk * chunkSize)..<min(rowCount, (chunk + 1) * chunkSize) {
                                    solveOne(
                                        x: xBase + row * d, problem: problem, entries: offsets[row]..<offsets[row + 1],
                                        residual: scratch, direction: scratch + d, product: scratch + 2 * d)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The data every row's system shares: the fixed factors, their regularised Gram matrix, and the entries.
    private struct RowProblem {
        let fixed: UnsafePointer<Float>
        let gram: UnsafePointer<Float>
        let indices: UnsafePointer<Int32>
        let extraConfidence: UnsafePointer<Float>
    }

    /// `out = (FᵀF + λI) v + Σ_j e_j (f_j · v) f_j` over the row's entries.
    private func multiply(
        _ v: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, problem: RowProblem, entries: Range<Int>
    ) {
        let d = factorCount
        out.update(repeating: 0, count: d)
        // The Gram matrix is symmetric, so G·v = Σ_j v[j]·G[j, :]: one scaled row added at a time, a loop the
        // compiler vectorises (a dot product per row would be a serial floating-point reduction).
        for j in 0..<d {
            let scale = v[j]
            let gramRow = problem.gram + j * d
            for i in 0..<d { out[i] += scale * gramRow[i] }
        }
        for entry in entries {
            let y = problem.fixed + Int(problem.indices[entry]) * d
            let weight = problem.extraConfidence[entry] * Reduction.dot(y, v, count: d)
            for f in 0..<d { out[f] += weight * y[f] }
        }
    }

    private func solveOne(
        x: UnsafeMutablePointer<Float>, problem: RowProblem, entries: Range<Int>,
        residual: UnsafeMutablePointer<Float>, direction: UnsafeMutablePointer<Float>,
        product: UnsafeMutablePointer<Float>
    ) {
        let d = factorCount
        // residual = b − A x, with b = Σ (1 + e_j) f_j.
        multiply(x, into: product, problem: problem, entries: entries)
        for f in 0..<d { residual[f] = -product[f] }
        for entry in entries {
            let y = problem.fixed + Int(problem.indices[entry]) * d
            let weight = 1 + problem.extraConfidence[entry]
            for f in 0..<d { residual[f] += weight * y[f] }
        }
        direction.update(from: residual, count: d)
        var oldNorm = Reduction.dot(residual, residual, count: d)
        for _ in 0..<steps {
            if oldNorm < 1e-20 { break }
            multiply(direction, into: product, problem: problem, entries: entries)
            let curvature = Reduction.dot(direction, product, count: d)
            guard curvature > 0 else { break }
            let step = oldNorm / curvature
            for f in 0..<d {
                x[f] += step * direction[f]
                residual[f] -= step * product[f]
            }
            let newNorm = Reduction.dot(residual, residual, count: d)
            let ratio = newNorm / oldNorm
            for f in 0..<d { direction[f] = residual[f] + ratio * direction[f] }
            oldNorm = newNorm
        }
    }
}
