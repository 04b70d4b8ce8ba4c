import LeptonKernels

extension Tensor {
    /// Writes `operation(self)` into `output`, reusing its storage when it is not shared (no allocation).
    ///
    /// Nothing is recorded for differentiation: use it for inference, optimizers and other hot loops.
    ///
    /// - Parameters:
    ///   - operation: The element-wise operation.
    ///   - output: A tensor of this tensor's shape; its old values are overwritten.
    public func applying(_ operation: UnaryOperation, into output: inout Tensor) {
        precondition(output.shape == shape, "applying(_:into:): output shape \(output.shape) differs from \(shape)")
        let target = output.uniqueElementPointer()
        output.gradientNode = nil
        Elementwise.unary(operation, storage.pointer, target, count: elementCount)
    }

    /// Writes `lhs operation rhs` into `output` (NumPy broadcasting of the operands to `output`'s shape), reusing
    /// its storage when it is not shared. Nothing is recorded for differentiation.
    ///
    /// - Parameters:
    ///   - lhs: The left operand.
    ///   - operation: The element-wise operation.
    ///   - rhs: The right operand.
    ///   - output: The destination; its shape must be the operands' broadcast shape.
    public static func combine(_ lhs: Tensor, _ operation: BinaryOperation, _ rhs: Tensor, into output: inout Tensor) {
        let shape = Broadcast.shape(lhs.shape, rhs.shape, operation: "combine(_:_:_:into:)")
        precondition(output.shape == shape, "combine(_:_:_:into:): output shape \(output.shape) differs from \(shape)")
        let target = output.uniqueElementPointer()
        output.gradientNode = nil
        if lhs.shape == rhs.shape {
            Elementwise.binary(
                operation, lhs.storage.pointer, aStride: 1, rhs.storage.pointer, bStride: 1, target,
                count: shape.elementCount)
            return
        }
        let plan = Broadcast.plan(output: shape, operands: [shape, lhs.shape, rhs.shape])
        let strides = plan.runStrides
        forEachRunInParallel(plan) { offsets in
            Elementwise.binary(
                operation, lhs.storage.pointer + offsets[1], aStride: strides[1], rhs.storage.pointer + offsets[2],
                bStride: strides[2], target + offsets[0], count: plan.runLength)
        }
    }

    /// Writes `alpha · x + y` into `output` in one pass (the fused multiply-add of BLAS' `axpy`), reusing its
    /// storage when it is not shared. Nothing is recorded for differentiation.
    ///
    /// - Parameters:
    ///   - alpha: The factor of `x`.
    ///   - x: A tensor.
    ///   - y: A tensor of the same shape.
    ///   - output: The destination, of the same shape (it may be `y` itself).
    public static func axpy(_ alpha: Float, _ x: Tensor, _ y: Tensor, into output: inout Tensor) {
        precondition(
            x.shape == y.shape && output.shape == x.shape, "axpy: shapes \(x.shape), \(y.shape), \(output.shape) differ"
        )
        let yPointer = y.storage.pointer
        let target = output.uniqueElementPointer()
        output.gradientNode = nil
        Elementwise.axpy(alpha: alpha, x.storage.pointer, yPointer, target, count: x.elementCount)
    }
}
