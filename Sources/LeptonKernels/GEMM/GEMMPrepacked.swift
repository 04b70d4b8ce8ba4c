import CLeptonKernels

/// Single-precision matrix multiply with a B packed beforehand: `C = alpha·A·B + beta·C`, with an optional fused
/// epilogue, for products that reuse one B many times (the recurrent weight of every step of a sequence), so B is
/// not repacked per call.
///
/// A (`m`×`k`, row-major, not transposed) is read where it is stored when the tile loop can (AVX-512), and packed
/// one `mr`-row sliver at a time otherwise; rows of a ragged last sliver that fit the few-rows loop go through it.
/// Nothing is allocated when A is read in place.
///
/// - Parameters:
///   - m: Rows of A and of C.
///   - alpha: Scale of the product.
///   - a: A, `m`×`b.k`.
///   - lda: Leading dimension of A (≥ `b.k`).
///   - b: The packed B, `b.k`×`b.n`.
///   - beta: Scale of the old C; 0 overwrites C.
///   - c: The output C, `m`×`b.n`.
///   - ldc: Leading dimension of C (≥ `b.n`).
///   - epilogue: A bias and activation fused into the store.
///   - pool: The threads to split a large product over, or `nil` to run on the calling thread.
package func sgemm(
    m: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: PrepackedMatrix, beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: GEMMEpilogue = .none, pool: ThreadPool? = nil
) {
    precondition(m >= 0, "sgemm: negative size m=\(m)")
    precondition(lda >= max(1, b.k), "sgemm: lda \(lda) is smaller than the width of A (\(b.k))")
    precondition(ldc >= max(1, b.n), "sgemm: ldc \(ldc) is smaller than the width of C (\(b.n))")
    let product = PrepackedProduct(
        m: m, alpha: alpha, a: a, lda: lda, b: b, beta: beta, c: c, ldc: ldc, epilogue: epilogue)
    guard m > 0, b.n > 0 else { return }
    guard b.k > 0, alpha != 0 else {
        GEMMDriver(
            .none, .none, m: m, n: b.n, k: 0, alpha: alpha, a: a, lda: lda, b: b.panels, ldb: b.n, beta: beta, c: c,
            ldc: ldc, epilogue: epilogue, kernel: b.kernel
        ).applyEpilogueOnly()
        return
    }
    let (mr, nr) = (b.kernel.mr, b.kernel.nr)
    let threads = 2 * m * b.n * b.k < GEMMDriver.parallelThreshold ? 1 : (pool?.threadCount ?? 1)
    guard threads > 1, let pool else {
        product.compute(rows: 0..<m, columns: 0..<b.n)
        return
    }
    // Split the columns (each thread reads its own panels of B) when there are enough panels, else the rows.
    if (b.n + nr - 1) / nr >= threads {
        let parts = GEMMDriver.partition(b.n, unit: nr, parts: threads)
        pool.parallelFor(parts.count) { product.compute(rows: 0..<m, columns: parts[$0]) }
    } else {
        let parts = GEMMDriver.partition(m, unit: mr, parts: threads)
        pool.parallelFor(parts.count) { product.compute(rows: parts[$0], columns: 0..<b.n) }
    }
}

/// One product of ``sgemm(m:alpha:a:lda:b:beta:c:ldc:epilogue:pool:)``.
private struct PrepackedProduct {
    let m: Int
    let alpha: Float
    let a: UnsafePointer<Float>
    let lda: Int
    let b: PrepackedMatrix
    let beta: Float
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let epilogue: GEMMEpilogue

    /// Computes the block `rows`×`columns` of C on the calling thread (`columns` starts at a multiple of `nr`).
    func compute(rows: Range<Int>, columns: Range<Int>) {
        let kernel = b.kernel
        let (mr, nr) = (kernel.mr, kernel.nr)
        let kc = Swift.min(kernel.kc, b.k)
        let packsA = kernel.rowsLoop == nil
        let packedA = packsA ? ScratchPool.borrow(atLeast: kc * mr) : nil
        defer { packedA.map(ScratchPool.giveBack) }
        let operandA = MatrixOperand(pointer: a, leadingDimension: lda, transpose: .none)
        var settings = LeptonTileEpilogue()
        for depthStart in stride(from: 0, to: b.k, by: kc) {
            let depth = depthStart..<Swift.min(depthStart + kc, b.k)
            let (isFirst, isLast) = (depthStart == 0, depth.upperBound == b.k)
            for row in stride(from: rows.lowerBound, to: rows.upperBound, by: mr) {
                let height = Swift.min(mr, rows.upperBound - row)
                let aSliver = a + row * lda + depth.lowerBound
                let fewRows = height <= TileKernel.fewRowsLimit ? kernel.fewRowsLoop : nil
                if let packedA, fewRows == nil {
                    Packing.packA(
                        operandA, rows: row..<(row + height), depth: depth, kernel: kernel, into: packedA.pointer)
                }
                for column in stride(from: columns.lowerBound, to: columns.upperBound, by: nr) {
                    let width = Swift.min(nr, columns.upperBound - column)
                    let bSliver = b.panel(column: column, depth: depth.lowerBound)
                    let output = c + row * ldc + column
                    settings.prepare(
                        for: epilogue, alpha: alpha, beta: beta, isFirst: isFirst, isLast: isLast, row: row,
                        column: column)
                    if let fewRows {
                        fewRows(depth.count, height, aSliver, lda, bSliver, nr, output, ldc, width, &settings)
                    } else if let rowsLoop = kernel.rowsLoop {
                        rowsLoop(depth.count, aSliver, lda, bSliver, nr, output, ldc, height, width, &settings)
                    } else if let packedA {
                        kernel.loop(
                            depth.count, UnsafePointer(packedA.pointer), mr, bSliver, nr, output, ldc, height, width,
                            &settings)
                    }
                }
            }
        }
    }
}
