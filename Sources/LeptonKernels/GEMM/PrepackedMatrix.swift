/// The B operand of SGEMM packed once, for many products with the same B: a recurrent weight used at every time
/// step of a sequence, which ``sgemm(m:alpha:a:lda:b:beta:c:ldc:epilogue:pool:)`` then reads without repacking.
///
/// The layout is the one ``sgemm(_:_:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:epilogue:pool:)`` packs per call: column
/// panels `nr` wide (the tile width of the kernel in use), each the whole depth `k` (row `p` of panel `j` at
/// `storage + (j·k + p)·nr`), columns past `n` filled with zeros. The storage belongs to the caller and must outlive
/// this value; nothing is allocated.
package struct PrepackedMatrix {
    /// Rows of op(B): the depth of the products.
    package let k: Int
    /// Columns of op(B): the columns of the products.
    package let n: Int
    /// The tile loop the panels are laid out for.
    let kernel: TileKernel
    /// The packed panels.
    let panels: UnsafePointer<Float>

    /// The number of floats of storage a `k`×`n` op(B) packs into.
    ///
    /// - Parameters:
    ///   - k: Rows of op(B).
    ///   - n: Columns of op(B).
    package static func storageCount(k: Int, n: Int) -> Int { storageCount(k: k, n: n, kernel: .best) }

    static func storageCount(k: Int, n: Int, kernel: TileKernel) -> Int { max(1, k * roundUp(n, kernel.nr)) }

    /// Packs op(B) into `storage` for the tile loop SGEMM uses on this CPU.
    ///
    /// - Parameters:
    ///   - transB: Whether B is used as stored (`k`×`n`, leading dimension ≥ n) or transposed (stored `n`×`k`).
    ///   - k: Rows of op(B).
    ///   - n: Columns of op(B).
    ///   - b: The stored B.
    ///   - ldb: Leading dimension of the stored B.
    ///   - storage: At least ``storageCount(k:n:)`` floats; it must outlive the returned value.
    package init(
        _ transB: Transpose, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int,
        into storage: UnsafeMutablePointer<Float>
    ) {
        self.init(transB, k: k, n: n, b: b, ldb: ldb, into: storage, kernel: .best)
    }

    /// Packs op(B) into `storage` for `kernel`.
    init(
        _ transB: Transpose, k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int,
        into storage: UnsafeMutablePointer<Float>,
        kernel: TileKernel
    ) {
        precondition(k >= 0 && n >= 0, "PrepackedMatrix: negative size k=\(k) n=\(n)")
        let width = transB == .none ? n : k
        precondition(ldb >= max(1, width), "PrepackedMatrix: ldb \(ldb) is smaller than the width of B (\(width))")
        self.k = k
        self.n = n
        self.kernel = kernel
        panels = UnsafePointer(storage)
        guard k > 0, n > 0 else { return }
        let operand = MatrixOperand(pointer: b, leadingDimension: ldb, transpose: transB)
        Packing.packB(operand, depth: 0..<k, columns: 0..<n, kernel: kernel, into: storage)
    }

    /// The first packed row of depth `depth` of the panel holding column `column` (a multiple of `nr`).
    @inline(__always)
    func panel(column: Int, depth: Int) -> UnsafePointer<Float> {
        panels + (column * k + depth * kernel.nr)
    }
}
