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
        // Row i of A is contiguous along the depth unless A is stored transposed.
        packPanels(
            operand, lines: rows, depth: depth, panelWidth: mr, linesAlongDepth: operand.transpose == .none,
            into: destination)
    }

    /// Packs depth `depth` and columns `columns` of op(B) into `destination`.
    static func packB(
        _ operand: MatrixOperand, depth: Range<Int>, columns: Range<Int>, nr: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        // Column j of op(B) is contiguous along the depth only when B is stored transposed.
        packPanels(
            operand, lines: columns, depth: depth, panelWidth: nr, linesAlongDepth: operand.transpose != .none,
            into: destination)
    }

    /// The packing of both operands: `lines` (rows of op(A) or columns of op(B)) go in panels of `panelWidth`; each
    /// panel is `depth.count` groups of `panelWidth` floats (one per line), lines past the edge filled with zeros.
    /// When `linesAlongDepth`, line l of the operand is contiguous along the depth (at `pointer + l · ld`) and is
    /// scattered into every `panelWidth`-th slot; otherwise depth step p is contiguous across the lines (at
    /// `pointer + p · ld`) and is copied whole.
    private static func packPanels(
        _ operand: MatrixOperand, lines: Range<Int>, depth: Range<Int>, panelWidth: Int, linesAlongDepth: Bool,
        into destination: UnsafeMutablePointer<Float>
    ) {
        let kc = depth.count
        var panelStart = lines.lowerBound
        var out = destination
        while panelStart < lines.upperBound {
            let width = min(panelWidth, lines.upperBound - panelStart)
            if linesAlongDepth {
                for line in 0..<width {
                    let source = operand.pointer + (panelStart + line) * operand.leadingDimension + depth.lowerBound
                    var slot = out + line
                    for p in 0..<kc {
                        slot.pointee = source[p]
                        slot += panelWidth
                    }
                }
                if width < panelWidth {
                    for p in 0..<kc {
                        (out + p * panelWidth + width).update(repeating: 0, count: panelWidth - width)
                    }
                }
            } else {
                for p in 0..<kc {
                    let source = operand.pointer + (depth.lowerBound + p) * operand.leadingDimension + panelStart
                    let slot = out + p * panelWidth
                    slot.update(from: source, count: width)
                    if width < panelWidth { (slot + width).update(repeating: 0, count: panelWidth - width) }
                }
            }
            out += kc * panelWidth
            panelStart += panelWidth
        }
    }
}

/// A GEMM operand as stored: its memory, its leading dimension and whether it is used transposed.
struct MatrixOperand {
    let pointer: UnsafePointer<Float>
    let leadingDimension: Int
    let transpose: Transpose
}
