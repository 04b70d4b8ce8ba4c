/// Elementwise kernels on contiguous float buffers: unary functions and their derivatives, binary
/// arithmetic with scalar broadcasting, and fills, selects and comparisons.
///
/// Every loop runs eight lanes at a time. Large buffers are split over the thread pool in contiguous
/// pieces; small ones stay on the calling thread.
public enum Elementwise {
    /// Applies `operation` to every element: `y[i] = op(x[i])`.
    ///
    /// - Parameters:
    ///   - operation: The function to apply.
    ///   - x: The input, `count` floats.
    ///   - y: The output, `count` floats; may be the same buffer as `x`.
    ///   - count: The number of elements.
    ///   - pool: The threads to use for large buffers.
    public static func unary(
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
        case .negate: VectorLoop.map(x, y, range) { negated($0) }
        case .abs: VectorLoop.map(x, y, range) { absolute($0) }
        case .square: VectorLoop.map(x, y, range) { $0 * $0 }
        case .sqrt: VectorLoop.map(x, y, range) { squareRoot($0) }
        case .rsqrt: VectorLoop.map(x, y, range) { 1 / squareRoot($0) }
        case .exp: VectorLoop.map(x, y, range) { VectorMath.exp($0) }
        case .log: VectorLoop.map(x, y, range) { VectorMath.log($0) }
        case .tanh: VectorLoop.map(x, y, range) { VectorMath.tanh($0) }
        case .sigmoid: VectorLoop.map(x, y, range) { VectorMath.sigmoid($0) }
        case .relu: VectorLoop.map(x, y, range) { $0.replacing(with: 0, where: $0 .< 0) }
        case .leakyRelu(let slope):
            VectorLoop.map(x, y, range) { $0.replacing(with: $0 * slope, where: $0 .< 0) }
        case .elu(let alpha):
            VectorLoop.map(x, y, range) { $0.replacing(with: VectorMath.expm1($0) * alpha, where: $0 .<= 0) }
        case .geluErf: VectorLoop.map(x, y, range) { $0 * VectorMath.twiceNormalCDF($0) * 0.5 }
        case .geluTanh: VectorLoop.map(x, y, range) { $0 * VectorMath.sigmoid(GELUTanh.argument($0)) }
        case .silu: VectorLoop.map(x, y, range) { $0 * VectorMath.sigmoid($0) }
        case .softplus: VectorLoop.map(x, y, range) { softplus($0) }
        case .power(let p): VectorLoop.map(x, y, range) { VectorMath.power($0, p) }
        case .clamp(let low, let high):
            VectorLoop.map(x, y, range) {
                $0.replacing(with: low, where: $0 .< low).replacing(with: high, where: $0 .> high)
            }
        case .reciprocal: VectorLoop.map(x, y, range) { 1 / $0 }
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
    public static func unaryBackward(
        _ operation: UnaryOperation, x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>, count: Int, accumulate: Bool = false, pool: ThreadPool = .shared
    ) {
        precondition(count >= 0, "Elementwise.unaryBackward: negative count \(count)")
        ParallelSplit.forEachRange(count: count, grain: operation.parallelGrain, pool: pool) { range in
            unaryBackward(operation, x, y, dy, dx, range, accumulate)
        }
    }

    // One piece of ``unaryBackward``; each closure gets (x, y, dy) and returns dy·op'(x).
    private static func unaryBackward(
        _ operation: UnaryOperation, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
        _ dy: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ range: Range<Int>, _ accumulate: Bool
    ) {
        switch operation {
        case .negate:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { _, _, g in negated(g) }
        case .abs:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in
                FloatVector().replacing(with: g, where: x .> 0).replacing(with: negated(g), where: x .< 0)
            }
        case .square:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in g * x * 2 }
        case .sqrt:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { _, y, g in g * 0.5 / y }
        case .rsqrt:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { _, y, g in g * y * y * y * -0.5 }
        case .exp:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { _, y, g in g * y }
        case .log:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in g / x }
        case .tanh:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { _, y, g in g * (1 - y * y) }
        case .sigmoid:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { _, y, g in g * y * (1 - y) }
        case .relu:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in
                g.replacing(with: 0, where: .!(x .> 0))
            }
        case .leakyRelu(let slope):
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in
                g.replacing(with: g * slope, where: .!(x .> 0))
            }
        case .elu(let alpha):
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, y, g in
                g.replacing(with: g * (y + alpha), where: .!(x .> 0))
            }
        case .geluErf:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in
                let density = VectorMath.expNegativeSquare(x, factor: 0.5) * 0.398_942_28
                return g * (VectorMath.twiceNormalCDF(x) * 0.5 + x * density)
            }
        case .geluTanh:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in g * GELUTanh.derivative(x) }
        case .silu:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in
                let s = VectorMath.sigmoid(x)
                return g * s * (1 + x * (1 - s))
            }
        case .softplus:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in g * VectorMath.sigmoid(x) }
        case .power(let p):
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in
                p == 0 ? FloatVector() : g * VectorMath.power(x, p - 1) * p
            }
        case .clamp(let low, let high):
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { x, _, g in
                FloatVector().replacing(with: g, where: (x .>= low) .& (x .<= high))
            }
        case .reciprocal:
            VectorLoop.map(x, y, dy, dx, range, accumulate: accumulate) { _, y, g in negated(g * y * y) }
        }
    }

    /// `log(1 + eˣ) = max(x, 0) + log1p(e^-|x|)`: no overflow, and exact-looking tails.
    @inline(__always)
    private static func softplus(_ x: FloatVector) -> FloatVector {
        let positivePart = x.replacing(with: 0, where: x .< 0)
        return positivePart + VectorMath.log1pNonNegative(VectorMath.exp(negated(absolute(x))))
    }
}

/// The tanh approximation of GELU, written as `x·sigmoid(2u)` (equal to `½x·(1 + tanh u)` but without
/// the cancellation of `1 + tanh u` for negative x).
enum GELUTanh {
    private static let scale: Float = 0.797_884_56  // √(2/π)
    private static let cubic: Float = 0.044_715

    /// `2u = 2·√(2/π)·(x + 0.044715x³)`.
    @inline(__always)
    static func argument(_ x: FloatVector) -> FloatVector {
        (x + x * x * x * cubic) * (2 * scale)
    }

    /// d/dx of `x·sigmoid(2u)`: `s + x·s·(1 - s)·2u'`.
    @inline(__always)
    static func derivative(_ x: FloatVector) -> FloatVector {
        let s = VectorMath.sigmoid(argument(x))
        let slope = (x * x * (3 * cubic) + 1) * (2 * scale)
        return s + x * s * (1 - s) * slope
    }
}
