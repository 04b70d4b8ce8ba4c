/// Copies blocks of GEMM operands into the layouts the tile loops stream through.
///
/// A block of op(A) becomes row panels of `mr` rows: for each panel, `kc` groups of `mr` floats (one per
/// row), rows past the edge filled with zeros. A block of op(B) becomes column panels of `nr` columns: for
/// each panel, `kc` rows of `nr` floats, columns past the edge filled with zeros.
enum Packing {
    /// Packs rows `rows` and depth `depth` of op(A) into `destination`.
    static func packA(
        _ operand: MatrixOperand, rows: Range<Int>, depth: Range<Int>, mr: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        let kc = depth.count
        var panelStart = rows.lowerBound
        var out = destination
        while panelStart < rows.upperBound {
            let height = min(mr, rows.upperBound - panelStart)
            if operand.transpose == .none {
                // Row i of A is contiguous: walk each row and scatter it into every mr-th slot.
                for ii in 0..<height {
                    let source = operand.pointer + (panelStart + ii) * operand.leadingDimension + depth.lowerBound
                    var slot = out + ii
                    for p in 0..<kc {
                        slot.pointee = source[p]
                        slot += mr
                    }
                }
                if height < mr {
                    for p in 0..<kc {
                        (out + p * mr + height).update(repeating: 0, count: mr - height)
                    }
                }
            } else {
                // A is stored transposed: the mr values of one depth step are contiguous.
                for p in 0..<kc {
                    let source = operand.pointer + (depth.lowerBound + p) * operand.leadingDimension + panelStart
                    let slot = out + p * mr
                    slot.update(from: source, count: height)
                    if height < mr { (slot + height).update(repeating: 0, count: mr - height) }
                }
            }
            out += kc * mr
            panelStart += mr
        }
    }

    /// Packs depth `depth` and columns `columns` of op(B) into `destination`.
    static func packB(
        _ operand: MatrixOperand, depth: Range<Int>, columns: Range<Int>, nr: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        let kc = depth.count
        var panelStart = columns.lowerBound
        var out = destination
        while panelStart < columns.upperBound {
            let width = min(nr, columns.upperBound - panelStart)
            if operand.transpose == .none {
                // Row p of B is contiguous: copy nr floats per depth step.
                for p in 0..<kc {
                    let source = operand.pointer + (depth.lowerBound + p) * operand.leadingDimension + panelStart
                    let slot = out + p * nr
                    slot.update(from: source, count: width)
                    if width < nr { (slot + width).update(repeating: 0, count: nr - width) }
                }
            } else {
                // B is stored transposed: column j of op(B) is contiguous; scatter it into every nr-th slot.
                for jj in 0..<width {
                    let source = operand.pointer + (panelStart + jj) * operand.leadingDimension + depth.lowerBound
                    var slot = out + jj
                    for p in 0..<kc {
                        slot.pointee = source[p]
                        slot += nr
                    }
                }
                if width < nr {
                    for p in 0..<kc {
                        (out + p * nr + width).update(repeating: 0, count: nr - width)
                    }
                }
            }
            out += kc * nr
            panelStart += nr
        }
    }
}

/// A GEMM operand as stored: its memory, its leading dimension and whether it is used transposed.
struct MatrixOperand {
    let pointer: UnsafePointer<Float>
    let leadingDimension: Int
    let transpose: Transpose
}
