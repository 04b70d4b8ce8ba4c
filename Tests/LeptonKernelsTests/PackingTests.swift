import Testing

@testable import LeptonKernels

/// The vector packing loops against the Swift packing they replace: the same bytes, nothing written past the packed
/// panels, and the last element where the layout's definition puts it.
@Suite("GEMM operand packing")
struct PackingTests {
    /// The kernels that have vector packing loops.
    static let kernelsWithPackingLoops = TileKernel.supported.filter { $0.packingLoops != nil }.map(\.name)

    /// A matrix of `count` random floats in memory that stays put while the packing loops read it.
    private static func storedMatrix(count: Int, seed: UInt64) -> UnsafeMutableBufferPointer<Float> {
        var random = TestRandom(seed: seed)
        let stored = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        _ = stored.initialize(from: random.floats(count))
        return stored
    }

    /// Packs `panels` panels of `panelWidth` lines by `depth` steps with `kernel` and with `kernel` stripped of its
    /// packing loops, into buffers followed by a guard of NaN, and checks that both agree bit for bit, that the guard
    /// is untouched and that the line `lastLine` at the last depth step holds `lastValue`.
    private static func expectSamePacking(
        _ kernel: TileKernel, panels: Int, panelWidth: Int, depth: Int, lastLine: Int, lastValue: Float,
        _ label: String, pack: (TileKernel, UnsafeMutablePointer<Float>) -> Void
    ) {
        let count = panels * panelWidth * depth
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
        #expect(vector.elementsEqual(swift) { $0.bitPattern == $1.bitPattern }, "\(kernel.name) \(label)")
        #expect(vector[count...].allSatisfy { $0.isNaN }, "\(kernel.name) wrote past the panels: \(label)")
        // Line l at depth step p sits in panel l / width, slot p·width + l % width.
        let slot = (lastLine / panelWidth) * panelWidth * depth + (depth - 1) * panelWidth + lastLine % panelWidth
        #expect(vector[slot] == lastValue, "\(kernel.name) \(label)")
    }

    @Test("rows of an untransposed A, every panel height, ragged depth", arguments: kernelsWithPackingLoops)
    func packRows(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        let lda = 300
        let a = Self.storedMatrix(count: (3 * kernel.mr + 7) * lda, seed: 71)
        defer { a.deallocate() }
        let operand = MatrixOperand(pointer: a.baseAddress!, leadingDimension: lda, transpose: .none)
        for rowCount in [1, 2, kernel.mr - 1, kernel.mr, kernel.mr + 1, 2 * kernel.mr + 5] {
            for (firstRow, depth) in [(0, 0..<1), (1, 3..<10), (2, 0..<16), (0, 5..<262), (3, 17..<290)] {
                let rows = firstRow..<(firstRow + rowCount)
                Self.expectSamePacking(
                    kernel, panels: (rowCount + kernel.mr - 1) / kernel.mr, panelWidth: kernel.mr, depth: depth.count,
                    lastLine: rowCount - 1, lastValue: a[(rows.upperBound - 1) * lda + depth.upperBound - 1],
                    "rows \(rows) depth \(depth)"
                ) { kernel, out in
                    Packing.packA(operand, rows: rows, depth: depth, kernel: kernel, into: out)
                }
            }
        }
    }

    @Test("columns of an untransposed B, ragged last panel", arguments: kernelsWithPackingLoops)
    func packColumns(kernelName: String) {
        let kernel = TileKernel.supported.first { $0.name == kernelName }!
        let ldb = 3 * kernel.nr + 11
        let b = Self.storedMatrix(count: 300 * ldb, seed: 72)
        defer { b.deallocate() }
        let operand = MatrixOperand(pointer: b.baseAddress!, leadingDimension: ldb, transpose: .none)
        for columnCount in [1, 7, 8, 9, kernel.nr - 1, kernel.nr, kernel.nr + 3, 2 * kernel.nr + 11] {
            for (firstColumn, depth) in [(0, 0..<1), (2, 3..<10), (0, 5..<262)] {
                let columns = firstColumn..<(firstColumn + columnCount)
                Self.expectSamePacking(
                    kernel, panels: (columnCount + kernel.nr - 1) / kernel.nr, panelWidth: kernel.nr,
                    depth: depth.count, lastLine: columnCount - 1,
                    lastValue: b[(depth.upperBound - 1) * ldb + columns.upperBound - 1],
                    "columns \(columns) depth \(depth)"
                ) { kernel, out in
                    Packing.packB(operand, depth: depth, columns: columns, kernel: kernel, into: out)
                }
            }
        }
    }
}
