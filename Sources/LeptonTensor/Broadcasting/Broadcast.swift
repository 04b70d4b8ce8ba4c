import LeptonKernels

/// NumPy broadcasting: the result shape of two operands and a walk over the result in contiguous runs.
enum Broadcast {
    /// The broadcast shape of `a` and `b`: axes aligned from the right, each pair equal or one of them 1.
    ///
    /// Traps with a message naming `operation` and both shapes when they are incompatible.
    static func shape(_ a: Shape, _ b: Shape, operation: String) -> Shape {
        if a == b { return a }
        let rank = Swift.max(a.rank, b.rank)
        var result = [Int](repeating: 1, count: rank)
        for offset in 0..<rank {
            let x = offset < a.rank ? a[a.rank - 1 - offset] : 1
            let y = offset < b.rank ? b[b.rank - 1 - offset] : 1
            precondition(
                x == y || x == 1 || y == 1,
                "\(operation): shapes \(a) and \(b) cannot be broadcast together (axis \(rank - 1 - offset): \(x) vs \(y))"
            )
            result[rank - 1 - offset] = x == 1 ? y : x
        }
        return Shape(result)
    }

    /// The strides of `shape` seen through the broadcast `output` shape: 0 along axes it is repeated over.
    static func strides(of shape: Shape, in output: Shape) -> [Int] {
        let own = shape.strides
        let lead = output.rank - shape.rank
        return (0..<output.rank).map { axis in
            let ownAxis = axis - lead
            if ownAxis < 0 || shape[ownAxis] == 1 { return 0 }
            return own[ownAxis]
        }
    }

    /// A walk over a broadcast result as runs along the innermost (merged) axis.
    struct Plan {
        /// Extents of the merged axes, outermost first.
        var extents: [Int]
        /// Strides of each operand along the merged axes (one array per operand).
        var operandStrides: [[Int]]

        /// The length of each contiguous run (the innermost extent).
        var runLength: Int { extents.last ?? 1 }
        /// Each operand's stride within a run (0 or 1).
        var runStrides: [Int] { operandStrides.map { $0.last ?? 0 } }
        /// The number of runs.
        var runCount: Int { extents.dropLast().reduce(1, *) }

        /// Calls `body(run, offsets)` for run `run` in `range`, with each operand's element offset at the run's start.
        func forEachRun(in range: Range<Int>, _ body: (_ run: Int, _ offsets: [Int]) -> Void) {
            let outerRank = extents.count - 1
            var offsets = [Int](repeating: 0, count: operandStrides.count)
            for run in range {
                var remainder = run
                for operand in offsets.indices { offsets[operand] = 0 }
                var axis = outerRank - 1
                while axis >= 0 {
                    let index = remainder % extents[axis]
                    remainder /= extents[axis]
                    for operand in offsets.indices { offsets[operand] += index * operandStrides[operand][axis] }
                    axis -= 1
                }
                body(run, offsets)
            }
        }
    }

    /// Plans a walk over `output` for operands of the given shapes, merging axes that stay contiguous for all.
    static func plan(output: Shape, operands: [Shape]) -> Plan {
        var extents = output.dimensions
        var strides = operands.map { Self.strides(of: $0, in: output) }
        if extents.isEmpty {
            return Plan(extents: [1], operandStrides: strides.map { _ in [0] })
        }
        // Drop axes of extent 1, then merge neighbours whose strides chain for every operand.
        var keptExtents: [Int] = []
        var keptStrides: [[Int]] = strides.map { _ in [] }
        for axis in extents.indices where extents[axis] != 1 {
            keptExtents.append(extents[axis])
            for operand in strides.indices { keptStrides[operand].append(strides[operand][axis]) }
        }
        if keptExtents.isEmpty {
            return Plan(extents: [1], operandStrides: strides.map { _ in [0] })
        }
        extents = [keptExtents[0]]
        strides = keptStrides.map { [$0[0]] }
        for axis in 1..<keptExtents.count {
            let extent = keptExtents[axis]
            let mergeable = keptStrides.indices.allSatisfy { operand in
                strides[operand][strides[operand].count - 1] == keptStrides[operand][axis] * extent
            }
            if mergeable {
                extents[extents.count - 1] *= extent
                for operand in strides.indices {
                    strides[operand][strides[operand].count - 1] = keptStrides[operand][axis]
                }
            } else {
                extents.append(extent)
                for operand in strides.indices { strides[operand].append(keptStrides[operand][axis]) }
            }
        }
        return Plan(extents: extents, operandStrides: strides)
    }
}
