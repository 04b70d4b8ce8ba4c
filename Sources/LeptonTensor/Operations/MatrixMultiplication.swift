import LeptonKernels

/// The matrix product of the last two axes of `a` and `b`, with NumPy's broadcasting of leading (batch) axes.
///
/// A one-dimensional `a` is a row vector and a one-dimensional `b` a column vector, and the added axis is
/// removed from the result, as in NumPy's `matmul`.
///
/// - Parameters:
///   - a: The left operand, `[…, m, k]` (or `[…, k, m]` when `transposeA`).
///   - b: The right operand, `[…, k, n]` (or `[…, n, k]` when `transposeB`).
///   - transposeA: Use the transpose of each matrix of `a`.
///   - transposeB: Use the transpose of each matrix of `b`.
/// - Returns: The products, `[…, m, n]`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    if a.rank == 1 || b.rank == 1 {
        let left = a.rank == 1 ? a.reshaped(to: [1, a.shape[0]]) : a
        let right = b.rank == 1 ? b.reshaped(to: [b.shape[0], 1]) : b
        var product = matmul(
            left, right, transposeA: a.rank == 1 ? false : transposeA, transposeB: b.rank == 1 ? false : transposeB)
        if b.rank == 1 { product = product.squeezed(axes: [-1]) }
        if a.rank == 1 { product = product.squeezed(axes: [b.rank == 1 ? -1 : -2]) }
        return product
    }
    precondition(
        a.rank >= 2 && b.rank >= 2, "matmul: operands need at least one axis, shapes \(a.shape) and \(b.shape)")
    let result = MatrixProduct(a, b, transposeA: transposeA, transposeB: transposeB).compute()
    guard let nodes = Tensor.trackedNodes(a, b) else { return result }
    let (aValue, bValue) = (a.detached, b.detached)
    return result.recorded("matmul", inputs: nodes) { gradient, needs in
        var aGradient: Tensor?
        var bGradient: Tensor?
        if needs[0] {
            aGradient =
                transposeA
                ? matmul(bValue, gradient, transposeA: transposeB, transposeB: true)
                : matmul(gradient, bValue, transposeA: false, transposeB: !transposeB)
            aGradient = aGradient?.unbroadcast(to: aValue.shape)
        }
        if needs[1] {
            bGradient =
                transposeB
                ? matmul(gradient, aValue, transposeA: true, transposeB: transposeA)
                : matmul(aValue, gradient, transposeA: !transposeA, transposeB: false)
            bGradient = bGradient?.unbroadcast(to: bValue.shape)
        }
        return [aGradient, bGradient]
    }
}

/// The plan of one batched product: shapes, batch broadcasting, and the GEMM calls.
private struct MatrixProduct {
    let a: Tensor
    let b: Tensor
    let transposeA: Bool
    let transposeB: Bool
    let m: Int
    let n: Int
    let k: Int
    let batchShape: Shape

    init(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) {
        self.a = a
        self.b = b
        self.transposeA = transposeA
        self.transposeB = transposeB
        let (aRows, aColumns) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (bRows, bColumns) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        m = transposeA ? aColumns : aRows
        k = transposeA ? aRows : aColumns
        let bDepth = transposeB ? bColumns : bRows
        n = transposeB ? bRows : bColumns
        precondition(
            k == bDepth,
            "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") and \(b.shape)\(transposeB ? "ᵀ" : "") (\(k) vs \(bDepth))"
        )
        batchShape = Broadcast.shape(
            Shape(Array(a.shape.dimensions.dropLast(2))), Shape(Array(b.shape.dimensions.dropLast(2))),
            operation: "matmul")
    }

    func compute() -> Tensor {
        let outputShape = Shape(batchShape.dimensions + [m, n])
        let batches = batchShape.elementCount
        let aBatch = Shape(Array(a.shape.dimensions.dropLast(2)))
        let bBatch = Shape(Array(b.shape.dimensions.dropLast(2)))
        return Tensor(shape: outputShape) { out in
            if batches == 0 || m == 0 || n == 0 { return }
            // An inner dimension of 0 is an empty sum: zeros, as NumPy gives.
            if k == 0 {
                out.initialize(repeating: 0, count: outputShape.elementCount)
                return
            }
            // A batch of rows times one shared matrix is a single taller GEMM.
            if bBatch.elementCount == 1 && !transposeA && aBatch == batchShape {
                gemm(a.storage.pointer, b.storage.pointer, out, rows: batches * m)
                return
            }
            let aOffsets = Self.matrixOffsets(of: aBatch, in: batchShape)
            let bOffsets = Self.matrixOffsets(of: bBatch, in: batchShape)
            let (aSize, bSize) = (a.shape[a.rank - 2] * a.shape[a.rank - 1], b.shape[b.rank - 2] * b.shape[b.rank - 1])
            let run = { (index: Int, pool: ThreadPool) in
                gemm(
                    a.storage.pointer + aOffsets[index] * aSize, b.storage.pointer + bOffsets[index] * bSize,
                    out + index * m * n, rows: m, pool: pool)
            }
            // Small products gain nothing from threads inside GEMM: spread the batch instead.
            if 2 * m * n * k < 1 << 21 && batches > 1 {
                ThreadPool.shared.parallelFor(batches) { run($0, serialPool) }
            } else {
                for index in 0..<batches { run(index, .shared) }
            }
        }
    }

    private func gemm(
        _ aPointer: UnsafePointer<Float>, _ bPointer: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        rows: Int, pool: ThreadPool = .shared
    ) {
        sgemm(
            transposeA ? .transposed : .none, transposeB ? .transposed : .none, m: rows, n: n, k: k,
            a: aPointer, lda: transposeA ? m : k, b: bPointer, ldb: transposeB ? k : n, c: out, ldc: n, pool: pool)
    }

    /// For each batch index of `batch`, the index of the matrix of an operand with batch shape `operand`.
    static func matrixOffsets(of operand: Shape, in batch: Shape) -> [Int] {
        let strides = Broadcast.strides(of: operand, in: batch)
        let extents = batch.dimensions
        return (0..<batch.elementCount).map { flat in
            var remainder = flat
            var offset = 0
            for axis in stride(from: extents.count - 1, through: 0, by: -1) {
                offset += (remainder % extents[axis]) * strides[axis]
                remainder /= extents[axis]
            }
            return offset
        }
    }
}

/// A one-thread pool for GEMMs that run inside an already parallel loop.
private let serialPool = ThreadPool(threadCount: 1)
