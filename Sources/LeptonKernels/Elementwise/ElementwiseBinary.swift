extension Elementwise {
    /// Elements per thread below which a binary or fused operation stays on one thread.
    static let memoryBoundGrain = 1 << 16

    /// Combines two buffers pairwise: `out[i] = a[i·aStride] op b[i·bStride]`.
    ///
    /// A stride of 0 broadcasts the first element (a scalar operand); a stride of 1 walks the buffer.
    ///
    /// - Parameters:
    ///   - operation: The function of two elements.
    ///   - a: The left operand: `count` floats, or one with stride 0.
    ///   - aStride: 0 or 1.
    ///   - b: The right operand: `count` floats, or one with stride 0.
    ///   - bStride: 0 or 1.
    ///   - out: The result, `count` floats; may be an operand with stride 1.
    ///   - count: The number of elements.
    ///   - pool: The threads to use for large buffers.
    package static func binary(
        _ operation: BinaryOperation, _ a: UnsafePointer<Float>, aStride: Int, _ b: UnsafePointer<Float>,
        bStride: Int, _ out: UnsafeMutablePointer<Float>, count: Int, pool: ThreadPool = .shared
    ) {
        precondition(
            (aStride == 0 || aStride == 1) && (bStride == 0 || bStride == 1),
            "Elementwise.binary: strides must be 0 or 1, got aStride \(aStride), bStride \(bStride)")
        precondition(count >= 0, "Elementwise.binary: negative count \(count)")
        let grain = operation == .power ? 1 << 13 : memoryBoundGrain
        ParallelSplit.forEachRange(count: count, grain: grain, pool: pool) { range in
            func run<F: BinaryVectorFunction>(_ function: F) {
                VectorLoop.map(a, aStride: aStride, b, bStride: bStride, out, range, function)
            }
            switch operation {
            case .add: run(Add())
            case .subtract: run(Subtract())
            case .multiply: run(Multiply())
            case .divide: run(Divide())
            case .maximum: run(Maximum())
            case .minimum: run(Minimum())
            case .power: run(Power())
            }
        }
    }

    /// The fused multiply-add of BLAS: `out[i] = alpha·x[i] + y[i]`.
    ///
    /// - Parameters:
    ///   - alpha: The scale of `x`.
    ///   - x: `count` floats.
    ///   - y: `count` floats.
    ///   - out: The result, `count` floats; may be `y` (or `x`).
    ///   - count: The number of elements.
    ///   - pool: The threads to use for large buffers.
    package static func axpy(
        alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
        count: Int, pool: ThreadPool = .shared
    ) {
        precondition(count >= 0, "Elementwise.axpy: negative count \(count)")
        ParallelSplit.forEachRange(count: count, grain: memoryBoundGrain, pool: pool) { range in
            VectorLoop.map(x, y, out, range, ScaledAdd(scale: alpha))
        }
    }

    /// An affine map of every element: `out[i] = x[i]·scale + shift`.
    ///
    /// - Parameters:
    ///   - x: `count` floats.
    ///   - scale: The factor.
    ///   - shift: The offset added after scaling.
    ///   - out: The result, `count` floats; may be `x`.
    ///   - count: The number of elements.
    ///   - pool: The threads to use for large buffers.
    package static func scaleShift(
        _ x: UnsafePointer<Float>, scale: Float, shift: Float, _ out: UnsafeMutablePointer<Float>, count: Int,
        pool: ThreadPool = .shared
    ) {
        precondition(count >= 0, "Elementwise.scaleShift: negative count \(count)")
        ParallelSplit.forEachRange(count: count, grain: memoryBoundGrain, pool: pool) { range in
            VectorLoop.map(x, out, range, ScaleShift(scale: scale, shift: shift))
        }
    }

    /// Sets every element to `value`.
    ///
    /// - Parameters:
    ///   - out: `count` floats to overwrite.
    ///   - value: The value to store.
    ///   - count: The number of elements.
    package static func fill(_ out: UnsafeMutablePointer<Float>, value: Float, count: Int) {
        precondition(count >= 0, "Elementwise.fill: negative count \(count)")
        out.update(repeating: value, count: count)
    }

    /// Picks elements from two buffers by a condition (the `where` of NumPy):
    /// `out[i] = condition[i] != 0 ? a[i] : b[i]`.
    ///
    /// A NaN condition counts as true (it is not equal to 0).
    ///
    /// - Parameters:
    ///   - condition: `count` floats, nonzero where `a` is taken.
    ///   - a: The values where the condition holds.
    ///   - b: The values where it does not.
    ///   - out: The result, `count` floats; may be any of the inputs.
    ///   - count: The number of elements.
    package static func select(
        _ condition: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        _ out: UnsafeMutablePointer<Float>, count: Int
    ) {
        precondition(count >= 0, "Elementwise.select: negative count \(count)")
        VectorLoop.map(condition, a, b, out, 0..<count, accumulate: false, Select())
    }

    /// Compares two buffers pairwise and stores 1 where the comparison holds and 0 elsewhere:
    /// `out[i] = a[i·aStride] ⋈ b[i·bStride] ? 1 : 0`.
    ///
    /// - Parameters:
    ///   - comparison: The relation to test.
    ///   - a: The left operand: `count` floats, or one with stride 0.
    ///   - aStride: 0 or 1.
    ///   - b: The right operand: `count` floats, or one with stride 0.
    ///   - bStride: 0 or 1.
    ///   - out: The 0/1 result, `count` floats; may be an operand with stride 1.
    ///   - count: The number of elements.
    package static func compare(
        _ comparison: Comparison, _ a: UnsafePointer<Float>, aStride: Int, _ b: UnsafePointer<Float>, bStride: Int,
        _ out: UnsafeMutablePointer<Float>, count: Int
    ) {
        precondition(
            (aStride == 0 || aStride == 1) && (bStride == 0 || bStride == 1),
            "Elementwise.compare: strides must be 0 or 1, got aStride \(aStride), bStride \(bStride)")
        precondition(count >= 0, "Elementwise.compare: negative count \(count)")
        func run<F: BinaryVectorFunction>(_ function: F) {
            VectorLoop.map(a, aStride: aStride, b, bStride: bStride, out, 0..<count, function)
        }
        switch comparison {
        case .less: run(IsLess())
        case .lessOrEqual: run(IsLessOrEqual())
        case .greater: run(IsGreater())
        case .greaterOrEqual: run(IsGreaterOrEqual())
        case .equal: run(IsEqual())
        case .notEqual: run(IsNotEqual())
        }
    }
}
