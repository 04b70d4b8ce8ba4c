import CLeptonKernels

/// Plans and runs one SGEMM call: threads, cache blocks, packing and tile loops.
///
/// Loop nest (outermost first), with A the broadcast side and B the vector side of the tile:
/// 1. rows of C in blocks of `mc`;
/// 2. depth in blocks of `kc` — an `mc`×`kc` block of A is packed (it stays in L3/L2);
/// 3. columns of C in blocks of `nc` — a `kc`×`nc` block of B is packed (it stays in L2);
/// 4. rows in slivers of `mr` — one packed sliver of A stays in L1;
/// 5. columns in slivers of `nr` — the tile loop streams a sliver of B past it.
///
/// When op(A) has only a few rows, packing B would cost as much as the product, so full-width slivers of an
/// untransposed B are read where they are stored and only the ragged last sliver is packed.
struct GEMMDriver {
    let m: Int
    let n: Int
    let k: Int
    let alpha: Float
    let beta: Float
    let a: MatrixOperand
    let b: MatrixOperand
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let epilogue: GEMMEpilogue
    let kernel: TileKernel

    /// Problems below this many floating-point operations stay on one thread.
    static let parallelThreshold = 3_000_000

    /// A few-rows product whose B has at least this many elements (512 KiB, half of a 1 MiB L2) is split over the
    /// threads whatever its operation count: it streams B from memory beyond each core's L2 (a batch-1 dense layer
    /// of 5,408 × 64 weights), and split by column slivers each core's share stays in its own L2 between calls.
    static let fewRowsStreamingThreshold = 131_072

    init(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: GEMMEpilogue, kernel: TileKernel
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative size m=\(m) n=\(n) k=\(k)")
        let aWidth = transA == .none ? k : m
        let bWidth = transB == .none ? n : k
        precondition(lda >= max(1, aWidth), "sgemm: lda \(lda) is smaller than the width of A (\(aWidth))")
        precondition(ldb >= max(1, bWidth), "sgemm: ldb \(ldb) is smaller than the width of B (\(bWidth))")
        precondition(ldc >= max(1, n), "sgemm: ldc \(ldc) is smaller than the width of C (\(n))")
        self.m = m
        self.n = n
        self.k = k
        self.alpha = alpha
        self.beta = beta
        self.a = MatrixOperand(pointer: a, leadingDimension: lda, transpose: transA)
        self.b = MatrixOperand(pointer: b, leadingDimension: ldb, transpose: transB)
        self.c = c
        self.ldc = ldc
        self.epilogue = epilogue
        self.kernel = kernel
    }

    func run(pool: ThreadPool) {
        guard m > 0, n > 0 else { return }
        guard k > 0, alpha != 0 else {
            applyEpilogueOnly()
            return
        }
        if m <= TileKernel.fewRowsLimit, a.transpose == .none, kernel.fewRowsLoop != nil {
            computeFewRows(pool: pool)
            return
        }
        let work = 2 * m * n * k
        let threads = work < Self.parallelThreshold ? 1 : pool.threadCount
        if threads == 1 {
            compute(rows: 0..<m, columns: 0..<n)
            return
        }
        // Splitting the columns makes every thread pack all of A; splitting the rows makes every thread pack
        // all of B. Duplicate the smaller operand.
        if m < n {
            let parts = Self.partition(n, unit: kernel.nr, parts: threads)
            pool.parallelFor(parts.count) { compute(rows: 0..<m, columns: parts[$0]) }
        } else {
            let parts = Self.partition(m, unit: kernel.mr, parts: threads)
            pool.parallelFor(parts.count) { compute(rows: parts[$0], columns: 0..<n) }
        }
    }

    /// Splits `0..<count` into at most `parts` ranges whose boundaries are multiples of `unit`.
    static func partition(_ count: Int, unit: Int, parts: Int) -> [Range<Int>] {
        let units = (count + unit - 1) / unit
        let pieces = min(parts, units)
        var ranges: [Range<Int>] = []
        var start = 0
        for piece in 0..<pieces {
            let unitsHere = units / pieces + (piece < units % pieces ? 1 : 0)
            let end = min(count, start + unitsHere * unit)
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    /// Whether A is read in place instead of packed: when C has so few columns that each packed sliver of A would
    /// be used only a few times (dense layers, convolutions), packing costs as much as the product.
    var readsAInPlace: Bool {
        n <= Self.unpackedColumnLimit * kernel.nr && (a.transpose == .transposed || kernel.rowsLoop != nil)
    }

    /// Products with at most this many column slivers read A in place.
    static let unpackedColumnLimit = 4

    /// Computes the block `rows`×`columns` of C on the calling thread.
    func compute(rows: Range<Int>, columns: Range<Int>) {
        if readsAInPlace {
            computeReadingAInPlace(rows: rows, columns: columns)
            return
        }
        let (mr, nr) = (kernel.mr, kernel.nr)
        let mc = min(kernel.mc, roundUp(rows.count, mr))
        let kc = min(kernel.kc, k)
        let nc = min(kernel.nc, roundUp(columns.count, nr))
        let readsBInPlace = b.transpose == .none && rows.count <= 2 * mr
        let packedASize = mc * kc
        let packedBSize = readsBInPlace ? kc * nr : kc * nc
        ScratchPool.withBuffer(atLeast: packedASize + packedBSize) { scratch in
            let packedA = scratch
            let packedB = scratch + packedASize
            var settings = LeptonTileEpilogue()
            for rowBlock in stride(from: rows.lowerBound, to: rows.upperBound, by: mc) {
                let blockRows = rowBlock..<min(rowBlock + mc, rows.upperBound)
                for depthStart in stride(from: 0, to: k, by: kc) {
                    let depth = depthStart..<min(depthStart + kc, k)
                    let isFirst = depthStart == 0
                    let isLast = depth.upperBound == k
                    Packing.packA(a, rows: blockRows, depth: depth, kernel: kernel, into: packedA)
                    for columnBlock in stride(from: columns.lowerBound, to: columns.upperBound, by: nc) {
                        let blockColumns = columnBlock..<min(columnBlock + nc, columns.upperBound)
                        let fullWidth = blockColumns.count / nr * nr
                        if readsBInPlace {
                            if fullWidth < blockColumns.count {
                                let ragged = (blockColumns.lowerBound + fullWidth)..<blockColumns.upperBound
                                Packing.packB(b, depth: depth, columns: ragged, kernel: kernel, into: packedB)
                            }
                        } else {
                            Packing.packB(b, depth: depth, columns: blockColumns, kernel: kernel, into: packedB)
                        }
                        for sliverRow in stride(from: 0, to: blockRows.count, by: mr) {
                            let row = blockRows.lowerBound + sliverRow
                            let height = min(mr, blockRows.count - sliverRow)
                            let aSliver = UnsafePointer(packedA + sliverRow * depth.count)
                            for sliverColumn in stride(from: 0, to: blockColumns.count, by: nr) {
                                let column = blockColumns.lowerBound + sliverColumn
                                let width = min(nr, blockColumns.count - sliverColumn)
                                let bSliver: UnsafePointer<Float>
                                let bStride: Int
                                if readsBInPlace && width == nr {
                                    bSliver = b.pointer + depth.lowerBound * b.leadingDimension + column
                                    bStride = b.leadingDimension
                                } else if readsBInPlace {
                                    bSliver = UnsafePointer(packedB)
                                    bStride = nr
                                } else {
                                    bSliver = UnsafePointer(packedB + sliverColumn * depth.count)
                                    bStride = nr
                                }
                                settings.prepare(
                                    for: epilogue, alpha: alpha, beta: beta, isFirst: isFirst, isLast: isLast, row: row,
                                    column: column)
                                if height <= TileKernel.fewRowsLimit, a.transpose == .none,
                                    let fewRowsLoop = kernel.fewRowsLoop
                                {
                                    // A ragged last sliver of at most 4 rows: the full tile would compute `mr` rows
                                    // and store `height` (at n = 256, 8 of every 264 rows of work thrown away);
                                    // the few-rows loop reads those rows of A where they are stored.
                                    fewRowsLoop(
                                        depth.count, height, a.pointer + row * a.leadingDimension + depth.lowerBound,
                                        a.leadingDimension, bSliver, bStride, c + row * ldc + column, ldc, width,
                                        &settings)
                                } else {
                                    kernel.loop(
                                        depth.count, aSliver, mr, bSliver, bStride, c + row * ldc + column, ldc,
                                        height, width, &settings)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Products of at most ``TileKernel/fewRowsLimit`` rows: A is read in place, B in place or packed one column
    /// sliver at a time, the whole depth in one pass; column slivers are split over threads when worth it.
    func computeFewRows(pool: ThreadPool) {
        guard let rowsLoop = kernel.fewRowsLoop else { return }
        let nr = kernel.nr
        let slivers = (n + nr - 1) / nr
        let work = 2 * m * n * k
        let worthSplitting = work >= Self.parallelThreshold || k * n >= Self.fewRowsStreamingThreshold
        let pieces = worthSplitting ? Swift.min(pool.threadCount, slivers) : 1
        pool.parallelFor(pieces) { piece in
            let sliverRange = (slivers * piece / pieces)..<(slivers * (piece + 1) / pieces)
            let packed = b.transpose == .none ? nil : ScratchPool.borrow(atLeast: k * nr)
            defer { packed.map(ScratchPool.giveBack) }
            var settings = LeptonTileEpilogue()
            settings.alpha = alpha
            settings.beta = beta
            settings.relu = epilogue.activation == .relu ? 1 : 0
            for sliver in sliverRange {
                let column = sliver * nr
                let width = Swift.min(nr, n - column)
                let bSliver: UnsafePointer<Float>
                let bStride: Int
                if let packed {
                    Packing.packB(
                        b, depth: 0..<k, columns: column..<(column + width), kernel: kernel, into: packed.pointer)
                    bSliver = UnsafePointer(packed.pointer)
                    bStride = nr
                } else {
                    bSliver = b.pointer + column
                    bStride = b.leadingDimension
                }
                settings.row_bias = nil
                settings.col_bias = nil
                if let bias = epilogue.bias {
                    if epilogue.biasAxis == .perRow {
                        settings.row_bias = bias
                    } else {
                        settings.col_bias = bias + column
                    }
                }
                rowsLoop(k, m, a.pointer, a.leadingDimension, bSliver, bStride, c + column, ldc, width, &settings)
            }
        }
    }

    /// `C = activation(beta·C + bias)`: the whole result when the product term vanishes (k = 0 or alpha = 0).
    func applyEpilogueOnly() {
        for i in 0..<m {
            let row = c + i * ldc
            for j in 0..<n {
                var value: Float = beta == 0 ? 0 : beta * row[j]
                if let bias = epilogue.bias { value += epilogue.biasAxis == .perRow ? bias[i] : bias[j] }
                if epilogue.activation == .relu { value = max(value, 0) }
                row[j] = value
            }
        }
    }
}

@inline(__always)
func roundUp(_ value: Int, _ multiple: Int) -> Int {
    (value + multiple - 1) / multiple * multiple
}
