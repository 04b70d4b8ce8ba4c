import Testing

@testable import LeptonKernels

/// The vector packing loops against the Swift packing they replace: the same bytes, and nothing written past the
/// packed block.
@Suite("GEMM operand packing")
struct PackingTests {
    /// The kernels that have vector packing loops, each paired with a copy of itself that packs in Swift.
    static let kernelsWithPackingLoops = TileKernel.supported.filter { $0.packingLoops != nil }.map(\.name)

    /// Packs with `kernel` and with `kernel` stripped of its packing loops into buffers of `count` floats plus a
    /// guard filled with NaN, and returns both buffers.
    private static func packBoth(
        _ kernel: TileKernel, count: Int, pack: (TileKernel, UnsafeMutablePointer<Float>) -> Void
    ) -> (vector: [Float], swift: [Float]) {
        var plain = kernel
        plain.packingLoops = nil
        let vector = UnsafeMutableBufferPointer<Float>.allocate(capacity: count + 64)
        let swift = UnsafeMutableBufferPointer<Float>.allocate(capacity: count + 64)
        defer {
            vector.deallocate()
            swift.deallocate()
        }
        vector.initialize(repeating: .nan)
        swift.initialize(repeating: .nan)
        pack(kernel, vector.baseAddress!)
        pack(plain, swift.baseAddress!)
        return (Array(vector), Array(swift))
    }

    @Test("rows of an untransposed A, every panel height, ragged depth", arguments: kernelsWithPackingLoops)
    func packRows(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        var random = TestRandom(seed: 71)
        let (rowsInMatrix, lda) = (3 * kernel.mr + 7, 300)
        let a = random.floats(rowsInMatrix * lda)
        let stored = UnsafeMutableBufferPointer<Float>.allocate(capacity: a.count)
        defer { stored.deallocate() }
        _ = stored.initialize(from: a)
        let operand = MatrixOperand(pointer: stored.baseAddress!, leadingDimension: lda, transpose: .none)
        do {
            for rowCount in [1, 2, kernel.mr - 1, kernel.mr, kernel.mr + 1, 2 * kernel.mr + 5] {
                for (firstRow, depth) in [(0, 0..<1), (1, 3..<10), (2, 0..<16), (0, 5..<262), (3, 17..<290)] {
                    let rows = firstRow..<(firstRow + rowCount)
                    let panels = (rowCount + kernel.mr - 1) / kernel.mr
                    let count = panels * kernel.mr * depth.count
                    let packed = Self.packBoth(kernel, count: count) { kernel, out in
                        Packing.packA(operand, rows: rows, depth: depth, kernel: kernel, into: out)
                    }
                    #expect(
                        packed.vector.elementsEqual(packed.swift) { $0.bitPattern == $1.bitPattern },
                        "\(kernelName) rows \(rows) depth \(depth)")
                    #expect(packed.vector[count...].allSatisfy { $0.isNaN }, "\(kernelName) wrote past the panels")
                    // Against the definition as well: row r, depth step p at panel r / mr, slot p·mr + r % mr.
                    let r = rowCount - 1
                    let p = depth.count - 1
                    let slot = (r / kernel.mr) * kernel.mr * depth.count + p * kernel.mr + r % kernel.mr
                    #expect(packed.vector[slot] == a[(firstRow + r) * lda + depth.lowerBound + p])
                }
            }
        }
    }

    @Test("columns of an untransposed B, ragged last panel", arguments: kernelsWithPackingLoops)
    func packColumns(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        var random = TestRandom(seed: 72)
        let (depthInMatrix, ldb) = (300, 3 * kernel.nr + 11)
        let b = random.floats(depthInMatrix * ldb)
        let stored = UnsafeMutableBufferPointer<Float>.allocate(capacity: b.count)
        defer { stored.deallocate() }
        _ = stored.initialize(from: b)
        let operand = MatrixOperand(pointer: stored.baseAddress!, leadingDimension: ldb, transpose: .none)
        do {
            for columnCount in [1, 7, 8, 9, kernel.nr - 1, kernel.nr, kernel.nr + 3, 2 * kernel.nr + 11] {
                for (firstColumn, depth) in [(0, 0..<1), (2, 3..<10), (0, 5..<262)] {
                    let columns = firstColumn..<(firstColumn + columnCount)
                    let panels = (columnCount + kernel.nr - 1) / kernel.nr
                    let count = panels * kernel.nr * depth.count
                    let packed = Self.packBoth(kernel, count: count) { kernel, out in
                        Packing.packB(operand, depth: depth, columns: columns, kernel: kernel, into: out)
                    }
                    #expect(
                        packed.vector.elementsEqual(packed.swift) { $0.bitPattern == $1.bitPattern },
                        "\(kernelName) columns \(columns) depth \(depth)")
                    #expect(packed.vector[count...].allSatisfy { $0.isNaN }, "\(kernelName) wrote past the panels")
                    let j = columnCount - 1
                    let p = depth.count - 1
                    let slot = (j / kernel.nr) * kernel.nr * depth.count + p * kernel.nr + j % kernel.nr
                    #expect(packed.vector[slot] == b[(depth.lowerBound + p) * ldb + firstColumn + j])
                }
            }
        }
    }
}
