/// Data movement between layouts: axis permutations and strided block copies.
package enum Layout {
    /// Writes the axes of `input` (row-major, extents `shape`) in the order `axes` into `output`:
    /// output axis `i` is input axis `axes[i]`.
    ///
    /// Runs that stay contiguous are copied whole; a transposition of the innermost axis is done in cache-sized
    /// tiles. Large tensors are split over `pool`.
    ///
    /// - Parameters:
    ///   - input: The source, row-major.
    ///   - shape: The extents of the source's axes.
    ///   - axes: A permutation of `0..<shape.count`.
    ///   - output: The destination, row-major in the permuted order; must not overlap `input`.
    ///   - pool: The threads to use.
    package static func permute(
        _ input: UnsafePointer<Float>, shape: [Int], axes: [Int], _ output: UnsafeMutablePointer<Float>,
        pool: ThreadPool = .shared
    ) {
        precondition(
            axes.count == shape.count && Set(axes) == Set(0..<shape.count),
            "permute: \(axes) is not a permutation of \(shape.count) axes")
        let count = shape.reduce(1, *)
        if count == 0 { return }
        var inputStrides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) {
            inputStrides[axis] = inputStrides[axis + 1] * shape[axis + 1]
        }
        // Output-order extents and the input stride of each, with unit axes dropped and chained axes merged.
        var extents: [Int] = []
        var strides: [Int] = []
        for axis in axes where shape[axis] != 1 {
            let stride = inputStrides[axis]
            if let lastStride = strides.last, lastStride == stride * shape[axis] {
                extents[extents.count - 1] *= shape[axis]
                strides[strides.count - 1] = stride
            } else {
                extents.append(shape[axis])
                strides.append(stride)
            }
        }
        if extents.count <= 1 {
            output.update(from: input, count: count)
            return
        }
        let outputStrides = rowMajorStrides(extents)
        if strides.last == 1 {
            // The innermost run is contiguous in both: copy whole runs.
            let run = extents[extents.count - 1]
            let runs = count / run
            let outer = Array(extents.dropLast())
            parallelRanges(runs, minimumPerPiece: max(1, (1 << 16) / run), pool: pool) { range in
                for runIndex in range {
                    let source = offset(of: runIndex, extents: outer, strides: Array(strides.dropLast()))
                    (output + runIndex * run).update(from: input + source, count: run)
                }
            }
            return
        }
        // Transpose the innermost output axis with the axis that is contiguous in the input.
        let inner = extents.count - 1
        let contiguousAxis = strides.firstIndex(of: 1) ?? inner
        let otherAxes = (0..<inner).filter { $0 != contiguousAxis }
        let otherExtents = otherAxes.map { extents[$0] }
        let planes = otherExtents.reduce(1, *)
        parallelRanges(
            planes, minimumPerPiece: max(1, (1 << 16) / (extents[inner] * extents[contiguousAxis])), pool: pool
        ) {
            range in
            for plane in range {
                let inputBase = offset(of: plane, extents: otherExtents, strides: otherAxes.map { strides[$0] })
                let outputBase = offset(of: plane, extents: otherExtents, strides: otherAxes.map { outputStrides[$0] })
                transposeTiles(
                    from: input + inputBase, rows: extents[contiguousAxis], columns: extents[inner],
                    sourceColumnStride: strides[inner], to: output + outputBase,
                    destinationRowStride: outputStrides[contiguousAxis])
            }
        }
    }

    /// Copies `rows` runs of `width` floats from `source` (runs `sourceStride` apart) to `destination` (runs
    /// `destinationStride` apart) — the copy behind slicing and concatenation.
    ///
    /// - Parameters:
    ///   - source: The first run to read.
    ///   - sourceStride: Distance between runs in the source.
    ///   - destination: The first run to write.
    ///   - destinationStride: Distance between runs in the destination.
    ///   - rows: The number of runs.
    ///   - width: The floats per run.
    ///   - pool: The threads to use.
    package static func copyRuns(
        from source: UnsafePointer<Float>, sourceStride: Int, to destination: UnsafeMutablePointer<Float>,
        destinationStride: Int, rows: Int, width: Int, pool: ThreadPool = .shared
    ) {
        if rows == 0 || width == 0 { return }
        if sourceStride == width && destinationStride == width {
            destination.update(from: source, count: rows * width)
            return
        }
        parallelRanges(rows, minimumPerPiece: max(1, (1 << 16) / width), pool: pool) { range in
            for row in range {
                (destination + row * destinationStride).update(from: source + row * sourceStride, count: width)
            }
        }
    }

    /// Adds `rows` runs of `width` floats from `source` into `destination` (the scatter behind slice gradients
    /// and embedding gradients).
    ///
    /// - Parameters:
    ///   - source: The first run to read.
    ///   - sourceStride: Distance between runs in the source.
    ///   - destination: The first run to update.
    ///   - destinationStride: Distance between runs in the destination.
    ///   - rows: The number of runs.
    ///   - width: The floats per run.
    package static func addRuns(
        from source: UnsafePointer<Float>, sourceStride: Int, to destination: UnsafeMutablePointer<Float>,
        destinationStride: Int, rows: Int, width: Int
    ) {
        for row in 0..<rows {
            let from = source + row * sourceStride
            let to = destination + row * destinationStride
            var column = 0
            while column + 8 <= width {
                let sum =
                    UnsafeRawPointer(from + column).loadUnaligned(as: SIMD8<Float>.self)
                    + UnsafeRawPointer(to + column).loadUnaligned(as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(to + column).storeBytes(of: sum, as: SIMD8<Float>.self)
                column += 8
            }
            while column < width {
                to[column] += from[column]
                column += 1
            }
        }
    }

    private static func rowMajorStrides(_ extents: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: extents.count)
        for axis in stride(from: extents.count - 2, through: 0, by: -1) {
            strides[axis] = strides[axis + 1] * extents[axis + 1]
        }
        return strides
    }

    private static func offset(of index: Int, extents: [Int], strides: [Int]) -> Int {
        var remainder = index
        var result = 0
        for axis in stride(from: extents.count - 1, through: 0, by: -1) {
            result += (remainder % extents[axis]) * strides[axis]
            remainder /= extents[axis]
        }
        return result
    }

    /// destination[r * destinationRowStride + c] = source[r + c * sourceColumnStride], in 16×16 tiles.
    private static func transposeTiles(
        from source: UnsafePointer<Float>, rows: Int, columns: Int, sourceColumnStride: Int,
        to destination: UnsafeMutablePointer<Float>, destinationRowStride: Int
    ) {
        let tile = 16
        for rowStart in stride(from: 0, to: rows, by: tile) {
            let rowEnd = min(rowStart + tile, rows)
            for columnStart in stride(from: 0, to: columns, by: tile) {
                let columnEnd = min(columnStart + tile, columns)
                for row in rowStart..<rowEnd {
                    let target = destination + row * destinationRowStride
                    for column in columnStart..<columnEnd {
                        target[column] = source[row + column * sourceColumnStride]
                    }
                }
            }
        }
    }

    /// Splits `0..<count` into pieces of at least `minimumPerPiece` items and runs them on `pool`.
    static func parallelRanges(_ count: Int, minimumPerPiece: Int, pool: ThreadPool, _ body: (Range<Int>) -> Void) {
        let pieces = max(1, min(pool.threadCount * 4, count / max(1, minimumPerPiece)))
        if pieces == 1 {
            body(0..<count)
            return
        }
        pool.parallelFor(pieces) { piece in
            body((count * piece / pieces)..<(count * (piece + 1) / pieces))
        }
    }
}
