/// Reductions down the columns of a row-major block: `out[j] = reduce over r of x[r·stride + j]`.
///
/// Rows are streamed in order, so memory is read contiguously and the running results stay in cache.
/// Sums add rows into a block accumulator 128 rows at a time and then add the block into the result, which
/// keeps the rounding error near (128 + rows/128) ulps instead of `rows` ulps.
enum ColumnReduction {
    static let rowsPerBlock = 128

    /// `out[j] = Σ_r x[r·stride + j]` for `j` in `0..<width` (`out` has `width` floats).
    static func sum(
        _ x: UnsafePointer<Float>, rows: Int, stride: Int, width: Int, into out: UnsafeMutablePointer<Float>
    ) {
        out.update(repeating: 0, count: width)
        guard rows > 0, width > 0 else { return }
        ScratchPool.withBuffer(atLeast: width) { block in
            for blockStart in Swift.stride(from: 0, to: rows, by: rowsPerBlock) {
                let blockEnd = min(blockStart + rowsPerBlock, rows)
                block.update(from: x + blockStart * stride, count: width)
                for row in (blockStart + 1)..<blockEnd {
                    VectorLoop.map(block, x + row * stride, block, 0..<width, Add())
                }
                VectorLoop.map(out, block, out, 0..<width, Add())
            }
        }
    }

    /// `out[j] = Σ_r (x[r·stride + j] - mean[j])²`.
    static func squaredDeviations(
        _ x: UnsafePointer<Float>, rows: Int, stride: Int, width: Int, mean: UnsafePointer<Float>,
        into out: UnsafeMutablePointer<Float>
    ) {
        out.update(repeating: 0, count: width)
        guard rows > 0, width > 0 else { return }
        ScratchPool.withBuffer(atLeast: width) { block in
            for blockStart in Swift.stride(from: 0, to: rows, by: rowsPerBlock) {
                let blockEnd = min(blockStart + rowsPerBlock, rows)
                block.update(repeating: 0, count: width)
                for row in blockStart..<blockEnd {
                    VectorLoop.map(
                        x + row * stride, mean, block, block, 0..<width, accumulate: false, AddSquaredDeviation())
                }
                VectorLoop.map(out, block, out, 0..<width, Add())
            }
        }
    }

    /// `out[j] = max_r (or min_r) x[r·stride + j]`, NaN if any is NaN; `rows` ≥ 1.
    static func extremum(
        _ x: UnsafePointer<Float>, rows: Int, stride: Int, width: Int, largest: Bool,
        into out: UnsafeMutablePointer<Float>
    ) {
        out.update(from: x, count: width)
        for row in 1..<max(rows, 1) {
            if largest {
                VectorLoop.map(out, x + row * stride, out, 0..<width, Maximum())
            } else {
                VectorLoop.map(out, x + row * stride, out, 0..<width, Minimum())
            }
        }
    }

    /// `out[j]` = the first row index holding the largest value of column `j` (the first NaN, if any).
    static func indexOfMaximum(
        _ x: UnsafePointer<Float>, rows: Int, stride: Int, width: Int, into out: UnsafeMutablePointer<Int32>
    ) {
        out.update(repeating: 0, count: width)
        ScratchPool.withBuffer(atLeast: width) { best in
            best.update(from: x, count: width)
            for row in 1..<max(rows, 1) {
                let values = x + row * stride
                let rowIndex = IntVector(repeating: Int32(row))
                var column = 0
                while column + vectorWidth <= width {
                    let current = best.vector(at: column)
                    let candidate = values.vector(at: column)
                    // Take the candidate when it is larger, or NaN while the best is not.
                    let wins = (candidate .> current) .| ((candidate .!= candidate) .& (current .== current))
                    if any(wins) {
                        best.store(current.replacing(with: candidate, where: wins), at: column)
                        let indices = UnsafeMutableRawPointer(out + column)
                        let old = indices.loadUnaligned(as: IntVector.self)
                        indices.storeBytes(of: old.replacing(with: rowIndex, where: wins), as: IntVector.self)
                    }
                    column += vectorWidth
                }
                while column < width {
                    let candidate = values[column]
                    if candidate > best[column] || (candidate.isNaN && !best[column].isNaN) {
                        best[column] = candidate
                        out[column] = Int32(row)
                    }
                    column += 1
                }
            }
        }
    }
}
