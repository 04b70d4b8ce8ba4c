import LeptonKernels

extension Tensor {
    /// `a op b` with broadcasting, without recording gradients.
    static func broadcastBinary(_ operation: BinaryOperation, _ a: Tensor, _ b: Tensor, name: String) -> Tensor {
        let outputShape = Broadcast.shape(a.shape, b.shape, operation: name)
        return Tensor(shape: outputShape) { out in
            if a.shape == b.shape {
                Elementwise.binary(
                    operation, a.storage.pointer, aStride: 1, b.storage.pointer, bStride: 1, out,
                    count: outputShape.elementCount)
                return
            }
            let plan = Broadcast.plan(output: outputShape, operands: [outputShape, a.shape, b.shape])
            let strides = plan.runStrides
            let runLength = plan.runLength
            forEachRunInParallel(plan) { offsets in
                Elementwise.binary(
                    operation, a.storage.pointer + offsets[1], aStride: strides[1], b.storage.pointer + offsets[2],
                    bStride: strides[2], out + offsets[0], count: runLength, pool: .shared)
            }
        }
    }

    /// `a compared to b` with broadcasting, as 0/1 values, without recording gradients.
    static func broadcastCompare(_ comparison: Comparison, _ a: Tensor, _ b: Tensor, name: String) -> Tensor {
        let outputShape = Broadcast.shape(a.shape, b.shape, operation: name)
        return Tensor(shape: outputShape) { out in
            let plan = Broadcast.plan(output: outputShape, operands: [outputShape, a.shape, b.shape])
            let strides = plan.runStrides
            let runLength = plan.runLength
            forEachRunInParallel(plan) { offsets in
                Elementwise.compare(
                    comparison, a.storage.pointer + offsets[1], aStride: strides[1], b.storage.pointer + offsets[2],
                    bStride: strides[2], out + offsets[0], count: runLength)
            }
        }
    }

    /// Calls `body` with the operand offsets of every run of `plan`, splitting many short runs over the pool.
    static func forEachRunInParallel(_ plan: Broadcast.Plan, _ body: ([Int]) -> Void) {
        let runs = plan.runCount
        let total = runs * plan.runLength
        let pieces = total >= 1 << 17 && runs >= 2 ? Swift.min(runs, ThreadPool.shared.threadCount * 4) : 1
        if pieces == 1 {
            plan.forEachRun(in: 0..<runs) { _, offsets in body(offsets) }
            return
        }
        ThreadPool.shared.parallelFor(pieces) { piece in
            let range = (runs * piece / pieces)..<(runs * (piece + 1) / pieces)
            plan.forEachRun(in: range) { _, offsets in body(offsets) }
        }
    }

    /// The sum of `self` and a tensor of the same shape, without recording gradients (used to accumulate).
    func adding(_ other: Tensor) -> Tensor {
        precondition(shape == other.shape, "adding: shapes \(shape) and \(other.shape) differ")
        return Tensor(shape: shape) { out in
            Elementwise.binary(
                .add, storage.pointer, aStride: 1, other.storage.pointer, bStride: 1, out, count: elementCount)
        }
    }

    /// This gradient summed down to `target`, undoing the broadcast that produced it from a tensor of that shape.
    func unbroadcast(to target: Shape) -> Tensor {
        if shape == target { return self }
        var result = self
        // Sum away leading axes the target does not have.
        while result.rank > target.rank {
            result = result.sumWithoutRecording(axis: 0, keepDims: false)
        }
        for axis in 0..<target.rank where target[axis] == 1 && result.shape[axis] != 1 {
            result = result.sumWithoutRecording(axis: axis, keepDims: true)
        }
        return result.viewed(as: target)
    }

    /// The sum along one axis, without recording gradients.
    func sumWithoutRecording(axis: Int, keepDims: Bool) -> Tensor {
        let (outer, extent, inner) = splitAround(axis: axis)
        var newDimensions = shape.dimensions
        if keepDims { newDimensions[axis] = 1 } else { newDimensions.remove(at: axis) }
        return Tensor(shape: Shape(newDimensions)) { out in
            Reduction.sum(storage.pointer, outer: outer, axis: extent, inner: inner, into: out)
        }
    }

    /// The sizes of the axes before `axis`, of `axis`, and after it: the [outer, axis, inner] view kernels use.
    func splitAround(axis: Int) -> (outer: Int, axis: Int, inner: Int) {
        let outer = shape.dimensions[..<axis].reduce(1, *)
        let inner = shape.dimensions[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }
}
