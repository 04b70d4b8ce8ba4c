/// Elementwise kernels on contiguous float buffers: unary functions and their derivatives, binary
/// arithmetic with scalar broadcasting, and fills, selects and comparisons.
///
/// Every loop runs eight lanes at a time. Large buffers are split over the thread pool in contiguous
/// pieces; small ones stay on the calling thread.
package enum Elementwise {
    /// Applies `operation` to every element: `y[i] = op(x[i])`.
    ///
    /// - Parameters:
    ///   - operation: The function to apply.
    ///   - x: The input, `count` floats.
    ///   - y: The output, `count` floats; may be the same buffer as `x`.
    ///   - count: The number of elements.
    ///   - pool: The threads to use for large buffers.
    package static func unary(
        _ operation: UnaryOperation, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
        pool: ThreadPool = .shared
    ) {
        precondition(count >= 0, "Elementwise.unary: negative count \(count)")
        ParallelSplit.forEachRange(count: count, grain: operation.parallelGrain, pool: pool) { range in
            unary(operation, x, y, range)
        }
    }

    /// One contiguous piece of ``unary(_:_:_:count:pool:)``.
    private static func unary(
        _ operation: UnaryOperation, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>
    ) {
        switch operation {
        case .negate: VectorLoop.map(x, y, range, NegateFunction())
        case .abs: VectorLoop.map(x, y, range, AbsoluteFunction())
        case .square: VectorLoop.map(x, y, range, SquareFunction())
        case .sqrt: VectorLoop.map(x, y, range, SquareRootFunction())
        case .rsqrt: VectorLoop.map(x, y, range, ReciprocalSquareRootFunction())
        case .exp: VectorLoop.map(x, y, range, ExpFunction())
        case .log: VectorLoop.map(x, y, range, LogFunction())
        case .tanh: VectorLoop.map(x, y, range, TanhFunction())
        case .sigmoid: VectorLoop.map(x, y, range, SigmoidFunction())
        case .relu: VectorLoop.map(x, y, range, ReLUFunction())
        case .leakyRelu(let slope): VectorLoop.map(x, y, range, LeakyReLUFunction(slope: slope))
        case .elu(let alpha): VectorLoop.map(x, y, range, ELUFunction(alpha: alpha))
        case .geluErf: geluErf(x, y, range)
        case .geluTanh: VectorLoop.map(x, y, range, GELUTanhFunction())
        case .silu: VectorLoop.map(x, y, range, SiLUFunction())
        case .softplus: VectorLoop.map(x, y, range, SoftplusFunction())
        case .power(let p): VectorLoop.map(x, y, range, PowerFunction(exponent: p))
        case .clamp(let low, let high): VectorLoop.map(x, y, range, ClampFunction(low: low, high: high))
        case .reciprocal: VectorLoop.map(x, y, range, ReciprocalFunction())
        }
    }

    /// The backward pass of a unary operation: `dx[i] = dy[i] · op'(x[i])`, or `dx[i] += …`.
    ///
    /// - Parameters:
    ///   - operation: The function whose derivative is applied.
    ///   - x: The forward input, `count` floats.
    ///   - y: The forward output `op(x)`; some derivatives are cheaper from it (sigmoid, tanh, exp).
    ///   - dy: The gradient with respect to `y`.
    ///   - dx: The gradient with respect to `x`, written or accumulated; may be the same buffer as `dy`.
    ///   - count: The number of elements.
    ///   - accumulate: Whether to add into `dx` instead of overwriting it.
    ///   - pool: The threads to use for large buffers.
    package static func unaryBackward(
        _ operation: UnaryOperation, x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>, count: Int, accumulate: Bool = false, pool: ThreadPool = .shared
    ) {
        precondition(count >= 0, "Elementwise.unaryBackward: negative count \(count)")
        ParallelSplit.forEachRange(count: count, grain: operation.parallelGrain, pool: pool) { range in
            unaryBackward(operation, x, y, dy, dx, range, accumulate)
        }
    }

    /// One contiguous piece of ``unaryBackward(_:x:y:dy:dx:count:accumulate:pool:)``.
    private static func unaryBackward(
        _ operation: UnaryOperation, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
        _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ range: Range<Int>, _ accumulate: Bool
    ) {
        func run<F: TernaryVectorFunction>(_ derivative: F) {
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate, derivative)
        }
        switch operation {
        case .negate: run(NegateDerivative())
        case .abs: run(AbsoluteDerivative())
        case .square: run(SquareDerivative())
        case .sqrt: run(SquareRootDerivative())
        case .rsqrt: run(ReciprocalSquareRootDerivative())
        case .exp: run(ExpDerivative())
        case .log: run(LogDerivative())
        case .tanh: run(TanhDerivative())
        case .sigmoid: run(SigmoidDerivative())
        case .relu: run(ReLUDerivative())
        case .leakyRelu(let slope): run(LeakyReLUDerivative(slope: slope))
        case .elu(let alpha): run(ELUDerivative(alpha: alpha))
        case .geluErf: geluErfBackward(x: x, dy: dy, dx: dx, range, accumulate: accumulate)
        case .geluTanh: run(GELUTanhDerivative())
        case .silu: run(SiLUDerivative())
        case .softplus: run(SoftplusDerivative())
        case .power(let p): run(PowerDerivative(exponent: p))
        case .clamp(let low, let high): run(ClampDerivative(low: low, high: high))
        case .reciprocal: run(ReciprocalDerivative())
        }
    }
}
