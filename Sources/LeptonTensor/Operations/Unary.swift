import LeptonKernels

extension Tensor {
    /// Applies an element-wise operation; its derivative comes from LeptonKernels' `unaryBackward`.
    ///
    /// - Parameter operation: The operation.
    /// - Returns: `operation(x)` for every element `x`.
    public func applying(_ operation: UnaryOperation) -> Tensor {
        let result = Tensor(shape: shape) { out in
            Elementwise.unary(operation, storage.pointer, out, count: elementCount)
        }
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        let (input, output) = (detached, result.detached)
        return result.recorded("\(operation)", inputs: nodes) { gradient, _ in
            [
                Tensor(shape: input.shape) { inputGradient in
                    Elementwise.unaryBackward(
                        operation, x: input.storage.pointer, y: output.storage.pointer, dy: gradient.storage.pointer,
                        dx: inputGradient, count: input.elementCount)
                }
            ]
        }
    }

    /// e raised to each element.
    public func exp() -> Tensor { applying(.exp) }
    /// The natural logarithm of each element.
    public func log() -> Tensor { applying(.log) }
    /// The square root of each element.
    public func sqrt() -> Tensor { applying(.sqrt) }
    /// The reciprocal square root of each element.
    public func rsqrt() -> Tensor { applying(.rsqrt) }
    /// The absolute value of each element (gradient 0 at 0).
    public func abs() -> Tensor { applying(.abs) }
    /// The square of each element.
    public func squared() -> Tensor { applying(.square) }
    /// Each element raised to `exponent`.
    ///
    /// - Parameter exponent: The power.
    /// - Returns: `x^exponent` element-wise.
    public func pow(_ exponent: Float) -> Tensor { applying(.power(exponent)) }
    /// The hyperbolic tangent of each element.
    public func tanh() -> Tensor { applying(.tanh) }
    /// The logistic sigmoid of each element, 1 / (1 + e^-x).
    public func sigmoid() -> Tensor { applying(.sigmoid) }
    /// `Swift.max(0, x)` for each element.
    public func relu() -> Tensor { applying(.relu) }
    /// Each element clamped to `[minimum, maximum]` (gradient 0 outside the range).
    ///
    /// - Parameters:
    ///   - minimum: The lower bound.
    ///   - maximum: The upper bound.
    /// - Returns: The clamped tensor.
    public func clamped(min minimum: Float, max maximum: Float) -> Tensor {
        precondition(minimum <= maximum, "clamped: minimum \(minimum) is greater than maximum \(maximum)")
        return applying(.clamp(min: minimum, max: maximum))
    }
}

/// How ``gelu(_:approximation:)`` computes the Gaussian CDF.
public enum GELUApproximation: String, Sendable, Codable {
    /// The exact form, x·Φ(x) with the error function.
    case none
    /// The tanh approximation of Hendrycks and Gimpel (PyTorch's `approximate="tanh"`).
    case tanh
}

/// e raised to each element of `x`.
public func exp(_ x: Tensor) -> Tensor { x.exp() }
/// The natural logarithm of each element of `x`.
public func log(_ x: Tensor) -> Tensor { x.log() }
/// The square root of each element of `x`.
public func sqrt(_ x: Tensor) -> Tensor { x.sqrt() }
/// The absolute value of each element of `x`.
public func abs(_ x: Tensor) -> Tensor { x.abs() }
/// The hyperbolic tangent of each element of `x`.
public func tanh(_ x: Tensor) -> Tensor { x.tanh() }
/// Each element of `x` raised to `exponent`.
public func pow(_ x: Tensor, _ exponent: Float) -> Tensor { x.pow(exponent) }
/// The logistic sigmoid of each element of `x`.
public func sigmoid(_ x: Tensor) -> Tensor { x.sigmoid() }
/// `Swift.max(0, x)` element-wise.
public func relu(_ x: Tensor) -> Tensor { x.relu() }
/// `x` where positive, `slope·x` elsewhere.
public func leakyRelu(_ x: Tensor, slope: Float = 0.01) -> Tensor { x.applying(.leakyRelu(slope: slope)) }
/// `x` where positive, `alpha·(e^x − 1)` elsewhere.
public func elu(_ x: Tensor, alpha: Float = 1) -> Tensor { x.applying(.elu(alpha: alpha)) }
/// The Gaussian error linear unit, x·Φ(x), exact or with the tanh approximation.
public func gelu(_ x: Tensor, approximation: GELUApproximation = .none) -> Tensor {
    x.applying(approximation == .none ? .geluErf : .geluTanh)
}
/// x·sigmoid(x) (also called swish).
public func silu(_ x: Tensor) -> Tensor { x.applying(.silu) }
/// log(1 + e^x), computed without overflow.
public func softplus(_ x: Tensor) -> Tensor { x.applying(.softplus) }
