/// Copies blocks of GEMM operands into the layouts the tile loops stream through.
///
/// A block of op(A) becomes row panels of `mr` rows: for each panel, `kc` groups of `mr` floats (one per
/// row), rows past the edge filled with zeros. A block of op(B) becomes column panels of `nr` columns: for
/// each panel, `kc` rows of `nr` floats, columns past the edge filled with zeros.
enum Packing {
    /// Packs rows `rows` and depth `depth` of op(A) into `destination`, in panels of the kernel's `mr` rows; an
    /// untransposed A goes through the kernel's vector packing loop when it has one.
    static func packA(
        _ operand: MatrixOperand, rows: Range<Int>, depth: Range<Int>, kernel: TileKernel,
        into destination: UnsafeMutablePointer<Float>
    ) {
        let mr = kernel.mr
        if operand.transpose == .none, let loops = kernel.packingLoops {
            let ld = operand.leadingDimension
            loops.rows(
                rows.count, depth.count, operand.pointer + rows.lowerBound * ld + depth.lowerBound, ld, mr, destination)
            return
        }
        // Row i of A is contiguous along the depth unless A is stored transposed.
        packPanels(
            operand, lines: rows, depth: depth, panelWidth: mr, linesAlongDepth: operand.transpose == .none,
            into: destination)
    }

    /// Packs depth `depth` and columns `columns` of op(B) into `destination`, in panels of the kernel's `nr` columns;
    /// an untransposed B goes through the kernel's vector packing loop when it has one.
    static func packB(
        _ operand: MatrixOperand, depth: Range<Int>, columns: Range<Int>, kernel: TileKernel,
        into destination: UnsafeMutablePointer<Float>
    ) {
        let nr = kernel.nr
        if operand.transpose == .none, let loops = kernel.packingLoops {
            let ld = operand.leadingDimension
            loops.columns(
                depth.count, columns.count, operand.pointer + depth.lowerBound * ld + columns.lowerBound, ld, nr,
                destination)
            return
        }
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
        let panelSize = kc * panelWidth
        let panels = (lines.count + panelWidth - 1) / panelWidth
        let ld = operand.leadingDimension
        guard linesAlongDepth else {
            // Depth step by depth step, each step's run of lines read from start to end (the prefetcher follows
            // one stream; panel by panel it would be `kc` short reads `ld` apart) and dealt out to the panels.
            for p in 0..<kc {
                let source = operand.pointer + (depth.lowerBound + p) * ld + lines.lowerBound
                for panel in 0..<panels {
                    let start = panel * panelWidth
                    copyGroup(
                        from: source + start, count: min(panelWidth, lines.count - start),
                        to: destination + panel * panelSize + p * panelWidth, width: panelWidth)
                }
            }
            return
        }
        for panel in 0..<panels {
            let start = panel * panelWidth
            let width = min(panelWidth, lines.count - start)
            let out = destination + panel * panelSize
            // Depth step by depth step, so that the stores fill each group of `panelWidth` floats in order (a line
            // at a time, they would land `panelWidth` floats apart and cost several times as much); the `width`
            // lines are read as that many sequential streams.
            let base = operand.pointer + (lines.lowerBound + start) * ld + depth.lowerBound
            for p in 0..<kc {
                let slot = out + p * panelWidth
                var source = base + p
                for line in 0..<width {
                    slot[line] = source.pointee
                    source += ld
                }
                if width < panelWidth { (slot + width).update(repeating: 0, count: panelWidth - width) }
            }
        }
    }

    /// Copies `count` floats to a group of `width` (at least `count`), zeros after them.
    @inline(__always)
    private static func copyGroup(
        from source: UnsafePointer<Float>, count: Int, to slot: UnsafeMutablePointer<Float>, width: Int
    ) {
        // Sixteen floats at a time in registers: a `memmove` call costs more than copying one group of 64 or 128
        // bytes.
        let vectorCount = count / 16 * 16
        for offset in stride(from: 0, to: vectorCount, by: 16) {
            UnsafeMutableRawPointer(slot + offset).storeBytes(
                of: UnsafeRawPointer(source + offset).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
        }
        if vectorCount < count { (slot + vectorCount).update(from: source + vectorCount, count: count - vectorCount) }
        if count < width { (slot + count).update(repeating: 0, count: width - count) }
    }
}

/// A GEMM operand as stored: its memory, its leading dimension and whether it is used transposed.
struct MatrixOperand {
    let pointer: UnsafePointer<Float>
    let leadingDimension: Int
    let transpose: Transpose
}
