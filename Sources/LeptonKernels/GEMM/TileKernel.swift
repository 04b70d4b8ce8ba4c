import CLeptonKernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A register-tile loop and the cache blocking that suits it.
///
/// The tile loop multiplies an `mr`×`kc` sliver of A (packed, or a transposed A read in place) by a `kc`×`nr` sliver of B and stores the
/// `mr`×`nr` result with an epilogue. One exists per instruction set; ``TileKernel/best`` is the fastest one
/// the running CPU supports.
struct TileKernel: Sendable {
    /// `(kc, a, aStep, b, bStride, c, ldc, mr, nr, epilogue)`: A's `mr` values of depth step p at `a + p·aStep`.
    typealias Loop =
        @convention(c) (
            Int, UnsafePointer<Float>?, Int, UnsafePointer<Float>?, Int, UnsafeMutablePointer<Float>?, Int, Int, Int,
            UnsafePointer<LeptonTileEpilogue>?
        ) -> Void

    /// `(kc, a, lda, b, bStride, c, ldc, mr, nr, epilogue)`: A read in place, row i at `a + i·lda`.
    typealias RowsLoop =
        @convention(c) (
            Int, UnsafePointer<Float>?, Int, UnsafePointer<Float>?, Int, UnsafeMutablePointer<Float>?, Int, Int, Int,
            UnsafePointer<LeptonTileEpilogue>?
        ) -> Void

    /// A name for reports and tests ("avx512", "avx2", "portable").
    let name: String
    /// Rows of C per tile.
    let mr: Int
    /// Columns of C per tile.
    let nr: Int
    /// Depth of one packed block.
    let kc: Int
    /// Rows of A packed at once (a multiple of `mr`); the `mc`×`kc` block lives in L3 or L2.
    let mc: Int
    /// Columns of B packed at once (a multiple of `nr`); the `kc`×`nc` block lives in L2.
    let nc: Int
    let loop: Loop
    /// A loop for products of at most 4 rows that reads A and B unpacked (`nr` columns wide), if the
    /// instruction set has one.
    var fewRowsLoop: FewRowsLoop? = nil
    /// A full-height tile loop that reads an untransposed A in place (no packing), if the instruction set has one.
    var rowsLoop: RowsLoop? = nil
    /// Vector loops that pack an untransposed A and an untransposed B (see ``PackingLoops``), if the instruction
    /// set has them; otherwise ``Packing`` copies in Swift.
    var packingLoops: PackingLoops? = nil

    /// The packing loops of an instruction set.
    struct PackingLoops: Sendable {
        /// `(rows, kc, a, lda, mr, out)`: row r at `a + r·lda`, contiguous along the depth, goes to panel r / mr,
        /// slot `p·mr + r % mr` for depth steps p < `kc`; the last panel is padded with zero rows.
        let rows: @convention(c) (Int, Int, UnsafePointer<Float>?, Int, Int, UnsafeMutablePointer<Float>?) -> Void
        /// `(kc, columns, b, ldb, nr, out)`: `b[p·ldb + j]` goes to panel j / nr, slot `p·nr + j % nr`; the last
        /// panel is padded with zero columns.
        let columns: @convention(c) (Int, Int, UnsafePointer<Float>?, Int, Int, UnsafeMutablePointer<Float>?) -> Void

        /// The AVX2 loops (which AVX-512 CPUs run too).
        static let avx2 = PackingLoops(rows: lepton_sgemm_pack_rows_avx2, columns: lepton_sgemm_pack_columns_avx2)
    }

    typealias FewRowsLoop =
        @convention(c) (
            Int, Int, UnsafePointer<Float>?, Int, UnsafePointer<Float>?, Int, UnsafeMutablePointer<Float>?, Int, Int,
            UnsafePointer<LeptonTileEpilogue>?
        ) -> Void

    /// The most rows ``fewRowsLoop`` handles.
    static let fewRowsLimit = 4

    static let avx512 = TileKernel(
        name: "avx512", mr: 12, nr: 32, kc: 256, mc: 2400, nc: 512, loop: lepton_sgemm_tile_avx512_12x32,
        fewRowsLoop: lepton_sgemm_rows_avx512, rowsLoop: lepton_sgemm_tile_avx512_12x32_rows,
        packingLoops: .avx2)
    static let avx2 = TileKernel(
        name: "avx2", mr: 6, nr: 16, kc: 256, mc: 1200, nc: 384, loop: lepton_sgemm_tile_avx2_6x16,
        fewRowsLoop: lepton_sgemm_rows_avx2, rowsLoop: lepton_sgemm_tile_avx2_6x16_rows,
        packingLoops: .avx2)
    static let portable = TileKernel(
        name: "portable", mr: 4, nr: 8, kc: 256, mc: 512, nc: 256, loop: portableTile4x8)

    /// Every tile loop the running CPU can execute, fastest first.
    static let supported: [TileKernel] = {
        var kernels: [TileKernel] = []
        if CPUFeatures.current.avx512F { kernels.append(.avx512) }
        if CPUFeatures.current.avx2FMA { kernels.append(.avx2) }
        kernels.append(.portable)
        return kernels
    }()

    /// The tile loop SGEMM uses: the fastest one the running CPU supports, unless the environment variable
    /// `LEPTON_SGEMM_KERNEL` names another supported one (`avx2` or `portable`), which benchmarks use to show
    /// what older CPUs get.
    static let best: TileKernel = {
        if let requested = getenv("LEPTON_SGEMM_KERNEL").map({ String(cString: $0) }),
            let kernel = supported.first(where: { $0.name == requested })
        {
            return kernel
        }
        return supported[0]
    }()
}

/// The tile loop for CPUs without AVX2: a 4×8 tile in Swift `SIMD8<Float>` registers.
///
/// On x86-64 without `-mfma`, `addingProduct` becomes a call to `fmaf` per lane, so the loop multiplies and
/// adds separately there; on arm64 the fused form is a single NEON instruction.
private func portableTile4x8(
    _ kc: Int, _ a: UnsafePointer<Float>?, _ aStep: Int, _ b: UnsafePointer<Float>?, _ bStride: Int,
    _ c: UnsafeMutablePointer<Float>?, _ ldc: Int, _ mr: Int, _ nr: Int,
    _ epilogue: UnsafePointer<LeptonTileEpilogue>?
) {
    guard var a, var b, let c, let epilogue else { return }
    var acc0 = SIMD8<Float>()
    var acc1 = SIMD8<Float>()
    var acc2 = SIMD8<Float>()
    var acc3 = SIMD8<Float>()
    for _ in 0..<kc {
        let row = UnsafeRawPointer(b).loadUnaligned(as: SIMD8<Float>.self)
        #if arch(arm64)
            acc0.addProduct(SIMD8(repeating: a[0]), row)
            acc1.addProduct(SIMD8(repeating: a[1]), row)
            acc2.addProduct(SIMD8(repeating: a[2]), row)
            acc3.addProduct(SIMD8(repeating: a[3]), row)
        #else
            acc0 += SIMD8(repeating: a[0]) * row
            acc1 += SIMD8(repeating: a[1]) * row
            acc2 += SIMD8(repeating: a[2]) * row
            acc3 += SIMD8(repeating: a[3]) * row
        #endif
        a += aStep
        b += bStride
    }
    let settings = epilogue.pointee
    var columnBias = SIMD8<Float>()
    if let bias = settings.col_bias {
        for j in 0..<nr { columnBias[j] = bias[j] }
    }
    func store(_ acc: SIMD8<Float>, row i: Int) {
        guard i < mr else { return }
        let row = c + i * ldc
        var value = acc * settings.alpha + columnBias
        if let bias = settings.row_bias { value += SIMD8(repeating: bias[i]) }
        for j in 0..<nr {
            var element = value[j]
            if settings.beta != 0 { element += settings.beta * row[j] }
            row[j] = settings.relu != 0 ? max(element, 0) : element
        }
    }
    store(acc0, row: 0)
    store(acc1, row: 1)
    store(acc2, row: 2)
    store(acc3, row: 3)
}
