import LeptonKernels

/// The sizes an architecture read from a file may use, checked by ``Layer/checkArchitecture(_:inputShape:limits:)``
/// before anything is allocated.
///
/// The defaults admit every model the examples build with a wide margin and keep the activations of one sample
/// under 256 MiB, so that warming up a crafted file cannot exhaust memory.
public struct ArchitectureLimits: Sendable, Hashable {
    /// The largest extent of any one size in an architecture: an axis of a shape, a kernel, window, stride,
    /// dilation or padding, a number of units or filters (default 2²⁰ = 1,048,576).
    public var maximumExtent: Int
    /// The most axes of a per-sample shape (default 8).
    public var maximumRank: Int
    /// The most elements of one sample's activations after any layer, including a convolution's unrolled patches
    /// for one image (default 2²⁶, 256 MiB of floats).
    public var maximumActivationElements: Int
    /// The most parameter elements the whole architecture may create (for a bundle: what its weights hold).
    public var maximumParameterElements: Int

    /// Creates limits.
    ///
    /// - Parameters:
    ///   - maximumParameterElements: The most parameter elements in total.
    ///   - maximumExtent: The largest single size.
    ///   - maximumRank: The most axes of a per-sample shape.
    ///   - maximumActivationElements: The most elements of one sample's activations.
    public init(
        maximumParameterElements: Int, maximumExtent: Int = 1 << 20, maximumRank: Int = 8,
        maximumActivationElements: Int = 1 << 26
    ) {
        self.maximumParameterElements = maximumParameterElements
        self.maximumExtent = maximumExtent
        self.maximumRank = maximumRank
        self.maximumActivationElements = maximumActivationElements
    }

    /// Checks one size: at least `minimum` and at most ``maximumExtent``.
    ///
    /// - Parameters:
    ///   - value: The size.
    ///   - name: Its name in the configuration, for the error.
    ///   - minimum: The smallest allowed value (1 by default; 0 for padding).
    /// - Returns: `value`.
    /// - Throws: ``ArchitectureError`` naming the setting.
    @discardableResult
    public func extent(_ value: Int, _ name: String, minimum: Int = 1) throws(ArchitectureError) -> Int {
        guard value >= minimum else {
            let bound = minimum == 1 ? "positive" : minimum == 0 ? "not negative" : "at least \(minimum)"
            throw ArchitectureError("\(name) must be \(bound), got \(value)")
        }
        guard value <= maximumExtent else {
            throw ArchitectureError("\(name) must be at most \(maximumExtent), got \(value)")
        }
        return value
    }

    /// Checks a pair of sizes (height and width).
    ///
    /// - Parameters:
    ///   - values: The sizes as stored.
    ///   - name: Their name in the configuration.
    /// - Returns: The two values.
    /// - Throws: ``ArchitectureError`` unless there are exactly two values, each in `1...maximumExtent`.
    public func pair(_ values: [Int], _ name: String) throws(ArchitectureError) -> (Int, Int) {
        guard values.count == 2 else { throw ArchitectureError("\(name) must be two integers, got \(values)") }
        return (try extent(values[0], name), try extent(values[1], name))
    }

    /// Checks a per-sample shape: rank in `1...maximumRank`, each extent positive, and at most
    /// ``maximumActivationElements`` elements.
    ///
    /// - Parameters:
    ///   - shape: The shape.
    ///   - name: What it is, for the error.
    /// - Returns: The element count.
    /// - Throws: ``ArchitectureError``.
    @discardableResult
    public func activation(_ shape: [Int], _ name: String = "output shape") throws(ArchitectureError) -> Int {
        guard (1...maximumRank).contains(shape.count) else {
            throw ArchitectureError("\(name) \(shape) must have 1 to \(maximumRank) axes")
        }
        guard shape.allSatisfy({ $0 >= 1 }) else { throw ArchitectureError("\(name) \(shape) must be positive") }
        return try product(shape, limit: maximumActivationElements, name)
    }

    /// The product of sizes, computed with overflow checks.
    ///
    /// - Parameters:
    ///   - values: The factors (each at least 0).
    ///   - limit: The largest allowed product.
    ///   - name: What it counts, for the error.
    /// - Returns: The product.
    /// - Throws: ``ArchitectureError`` when it overflows or exceeds `limit`.
    public func product(_ values: [Int], limit: Int, _ name: String) throws(ArchitectureError) -> Int {
        var result = 1
        for value in values {
            let (next, overflow) = result.multipliedReportingOverflow(by: value)
            guard value >= 0, !overflow, next <= limit else {
                throw ArchitectureError("\(name) \(values.map(String.init).joined(separator: "×")) exceeds \(limit)")
            }
            result = next
        }
        return result
    }

    /// The number of parameters of a product layer: `depth · outputs` weights plus `outputs` biases when
    /// `bias` is set, checked against ``maximumParameterElements``.
    ///
    /// - Parameters:
    ///   - weightShape: The weight's shape.
    ///   - bias: Whether there is a bias of the last extent.
    /// - Returns: The parameter count.
    /// - Throws: ``ArchitectureError`` when it overflows or exceeds the limit.
    public func parameters(_ weightShape: [Int], bias: Bool) throws(ArchitectureError) -> Int {
        let weights = try product(weightShape, limit: maximumParameterElements, "parameters")
        let biases = bias ? weightShape.last ?? 0 : 0
        let (total, overflow) = weights.addingReportingOverflow(biases)
        guard !overflow, total <= maximumParameterElements else {
            throw ArchitectureError("parameters \(weights) + \(biases) exceed \(maximumParameterElements)")
        }
        return total
    }

    /// Checks a padding mode against the window it pads.
    ///
    /// - Parameters:
    ///   - mode: The padding.
    ///   - window: The window height and width, when the padding must be smaller than it (pooling).
    /// - Returns: The kernel-level padding.
    /// - Throws: ``ArchitectureError`` for a negative or too large padding.
    package func padding(_ mode: PaddingMode, smallerThan window: (Int, Int)? = nil) throws(ArchitectureError)
        -> Conv2DGeometry.Padding
    {
        if case .explicit(let top, let bottom, let left, let right) = mode {
            for (name, value) in [("top", top), ("bottom", bottom), ("left", left), ("right", right)] {
                try extent(value, "padding \(name)", minimum: 0)
            }
            if let window, max(top, bottom) >= window.0 || max(left, right) >= window.1 {
                throw ArchitectureError("padding must be smaller than the window")
            }
        }
        return mode.padding
    }

    /// Checks that a per-sample input is an image `[height, width, channels]`.
    ///
    /// - Parameter input: The per-sample input shape.
    /// - Throws: ``ArchitectureError`` for another rank.
    public func image(_ input: [Int]) throws(ArchitectureError) {
        guard input.count == 3 else { throw ArchitectureError("needs a [height, width, channels] input, got \(input)") }
    }
}

/// Why an architecture read from a file was refused: the setting and the value.
public struct ArchitectureError: Error, Hashable, CustomStringConvertible {
    /// A sentence naming the setting, the value found and what was expected.
    public let reason: String

    /// Creates an error.
    ///
    /// - Parameter reason: The sentence.
    public init(_ reason: String) { self.reason = reason }

    /// The reason.
    public var description: String { reason }
}

/// Refuses a count below 1 — the setting most layers check.
///
/// - Parameters:
///   - value: The setting's value.
///   - name: The setting's name, for the message.
/// - Throws: ``ArchitectureError`` naming the setting and its value.
func requirePositive(_ value: Int, _ name: String) throws(ArchitectureError) {
    guard value > 0 else { throw ArchitectureError("\(name) must be positive, got \(value)") }
}

/// What ``Layer/checkArchitecture(_:inputShape:limits:)`` found for one layer.
public struct ArchitectureStep: Sendable, Hashable {
    /// The per-sample output shape, or `nil` when the layer is trusted and the shape walk ends.
    public var outputShape: [Int]?
    /// The number of parameter elements the layer creates.
    public var parameterCount: Int

    /// Creates a step.
    ///
    /// - Parameters:
    ///   - outputShape: The per-sample output shape (`nil` ends the walk).
    ///   - parameterCount: The parameter elements.
    public init(outputShape: [Int]?, parameterCount: Int = 0) {
        self.outputShape = outputShape
        self.parameterCount = parameterCount
    }

    /// A layer whose settings are not checked: the walk ends and nothing is counted.
    public static let trusted = ArchitectureStep(outputShape: nil)
}

/// What a layer does to the meaning of its input, for ``Layer/outputActivation``.
public enum OutputActivation: Sendable, Hashable {
    /// The layer applies this activation last.
    case activation(Activation)
    /// The layer keeps the meaning of its input (dropout, flatten): look at the layer before.
    case transparent
    /// The layer's output has no known activation.
    case opaque
}

extension Activation {
    /// Checks the activation's own settings (finite slopes).
    ///
    /// - Throws: ``ArchitectureError`` for a non-finite `alpha` or `slope`.
    func checkArchitecture() throws(ArchitectureError) {
        switch self {
        case .elu(let value), .leakyRelu(let value):
            guard value.isFinite else { throw ArchitectureError("activation \(self) must have a finite parameter") }
        default: return
        }
    }
}

extension Array where Element == any InferenceOperation {
    /// Appends a product and its activation: a ReLU is fused into it, another activation follows it.
    ///
    /// - Parameters:
    ///   - product: The product, with no fused activation yet.
    ///   - activation: The layer's activation.
    mutating func append(_ product: ProductOperation, then activation: Activation) {
        var product = product
        switch activation {
        case .linear: append(product)
        case .relu:
            product.activation = .relu
            append(product)
        default:
            append(product)
            append(ActivationOperation(activation))
        }
    }
}
