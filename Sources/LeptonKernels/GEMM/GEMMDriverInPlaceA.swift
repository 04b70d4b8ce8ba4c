import CLeptonKernels

extension GEMMDriver {
    /// Computes the block `rows`×`columns` of C reading A where it is stored.
    ///
    /// Per depth block, the block of B (few columns) is packed once; then each `mr`-row sliver of A is read in
    /// place — an untransposed A through the kernel's rows loop, a transposed A through the tile loop with A's
    /// leading dimension as its step (a ragged last sliver is packed, since the tile reads all `mr` rows). With at
    /// most two slivers of rows (a convolution's weight gradient: the few rows of the kernel's taps against every
    /// pixel), each packed element of B would be read once or twice, so an untransposed B is read in place too and
    /// only a ragged last column sliver is packed, as ``compute(rows:columns:)`` does.
    func computeReadingAInPlace(rows: Range<Int>, columns: Range<Int>) {
        let (mr, nr) = (kernel.mr, kernel.nr)
        let kc = Swift.min(kernel.kc, k)
        let width = roundUp(columns.count, nr)
        let readsBInPlace = b.transpose == .none && rows.count <= 2 * mr
        let fullWidth = columns.count / nr * nr
        ScratchPool.withBuffer(atLeast: kc * width + kc * mr) { scratch in
            let packedB = scratch
            let raggedA = scratch + kc * width
            var settings = LeptonTileEpilogue()
            for depthStart in stride(from: 0, to: k, by: kc) {
                let depth = depthStart..<Swift.min(depthStart + kc, k)
                let isFirst = depthStart == 0
                let isLast = depth.upperBound == k
                if !readsBInPlace {
                    Packing.packB(b, depth: depth, columns: columns, kernel: kernel, into: packedB)
                } else if fullWidth < columns.count {
                    let ragged = (columns.lowerBound + fullWidth)..<columns.upperBound
                    Packing.packB(
                        b, depth: depth, columns: ragged, kernel: kernel, into: packedB + fullWidth * depth.count)
                }
                for row in stride(from: rows.lowerBound, to: rows.upperBound, by: mr) {
                    let height = Swift.min(mr, rows.upperBound - row)
                    let transposedFull = a.transpose == .transposed && height == mr
                    if a.transpose == .transposed && !transposedFull {
                        Packing.packA(a, rows: row..<(row + height), depth: depth, kernel: kernel, into: raggedA)
                    }
                    for sliverColumn in stride(from: 0, to: columns.count, by: nr) {
                        let column = columns.lowerBound + sliverColumn
                        let sliverWidth = Swift.min(nr, columns.count - sliverColumn)
                        settings.prepare(
                            for: epilogue, alpha: alpha, beta: beta, isFirst: isFirst, isLast: isLast, row: row,
                            column: column)
                        let inPlace = readsBInPlace && sliverWidth == nr
                        let bSliver =
                            inPlace
                            ? b.pointer + depth.lowerBound * b.leadingDimension + column
                            : UnsafePointer(packedB + sliverColumn * depth.count)
                        let bStride = inPlace ? b.leadingDimension : nr
                        let output = c + row * ldc + column
                        if a.transpose == .none, let rowsLoop = kernel.rowsLoop {
                            rowsLoop(
                                depth.count, a.pointer + row * a.leadingDimension + depth.lowerBound,
                                a.leadingDimension,
                                bSliver, bStride, output, ldc, height, sliverWidth, &settings)
                        } else if transposedFull {
                            kernel.loop(
                                depth.count, a.pointer + depth.lowerBound * a.leadingDimension + row,
                                a.leadingDimension,
                                bSliver, bStride, output, ldc, height, sliverWidth, &settings)
                        } else {
                            kernel.loop(
                                depth.count, UnsafePointer(raggedA), mr, bSliver, bStride, output, ldc, height,
                                sliverWidth, &settings)
                        }
                    }
                }
            }
        }
    }
}
