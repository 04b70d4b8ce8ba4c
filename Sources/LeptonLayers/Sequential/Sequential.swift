import LeptonTensor

/// Layers applied one after another, with Keras-style shape inference.
///
/// ```swift
/// let model = Sequential(inputShape: [28, 28, 1]) {
///     Conv2D(filters: 32, kernelSize: 3, activation: .relu)
///     MaxPool2D(poolSize: 2)
///     Flatten()
///     Dense(units: 64, activation: .relu)
///     Dense(units: 10, activation: .softmax)
/// }
/// ```
///
/// Given an input shape (per sample, without the batch axis), every layer is built immediately and
/// ``outputShapes`` holds each layer's output shape. Without one, layers build on the first call.
/// Parameter paths are `<layer index>.<name>`, as in PyTorch's `nn.Sequential` (`0.weight`, `3.bias`).
public final class Sequential: Module {
    /// The layers, in order.
    public let layers: [any Layer]
    /// The per-sample input shape, when given or once inferred from the first call.
    public private(set) var inputShape: Shape?
    /// The per-sample output shape of each layer, once the model is built.
    public private(set) var outputShapes: [Shape] = []
    /// The seed initial weights are drawn from.
    public let seed: UInt64

    /// Creates a model from a block of layers.
    ///
    /// - Parameters:
    ///   - inputShape: The per-sample input shape; when given, every layer is built now.
    ///   - seed: The seed of the initial weights.
    ///   - content: The layers, one per line.
    public convenience init(inputShape: Shape? = nil, seed: UInt64 = 0, @LayerBuilder _ content: () -> [any Layer]) {
        self.init(inputShape: inputShape, seed: seed, layers: content())
    }

    /// Creates a model from a list of layers.
    ///
    /// - Parameters:
    ///   - inputShape: The per-sample input shape; when given, every layer is built now.
    ///   - seed: The seed of the initial weights.
    ///   - layers: The layers, in order.
    public init(inputShape: Shape? = nil, seed: UInt64 = 0, layers: [any Layer]) {
        self.layers = layers
        self.seed = seed
        if let inputShape {
            // The message survives release builds, unlike a precondition's; use init(validating:…) to catch it.
            do { _ = try outputShape(forInputShape: inputShape) } catch { fatalError("Sequential: \(error)") }
            build(inputShape: inputShape)
        }
    }

    /// Creates a model from a block of layers, checking that every layer can take the input shape first.
    ///
    /// - Parameters:
    ///   - inputShape: The per-sample input shape (for images `[height, width, channels]`).
    ///   - seed: The seed of the initial weights.
    ///   - content: The layers, one per line.
    /// - Throws: ``ModelInputError/layerRejectsShape(layer:type:inputShape:reason:)`` naming the first layer that
    ///   cannot take its input (for example images given without their channel axis).
    public convenience init(validating inputShape: Shape, seed: UInt64 = 0, @LayerBuilder _ content: () -> [any Layer])
        throws
    {
        let layers = content()
        _ = try Sequential(seed: seed, layers: layers).outputShape(forInputShape: inputShape)
        self.init(inputShape: inputShape, seed: seed, layers: layers)
    }

    /// Whether every layer has its parameters.
    public var isBuilt: Bool { !outputShapes.isEmpty }

    /// Builds every layer for per-sample inputs of `inputShape` and records each layer's output shape.
    ///
    /// - Parameter inputShape: The per-sample input shape.
    public func build(inputShape: Shape) {
        var generator = RandomGenerator(seed: seed)
        var shape = inputShape
        var shapes: [Shape] = []
        for layer in layers {
            var layerGenerator = generator.split()
            layer.build(inputShape: shape, generator: &layerGenerator)
            shape = layer.outputShape(for: shape)
            shapes.append(shape)
        }
        self.inputShape = inputShape
        outputShapes = shapes
    }

    /// The per-sample output shape of the model, once built.
    public var outputShape: Shape? { outputShapes.last }

    /// Applies the layers in order (a ``PaddingMask`` layer's mask reaches the mask-aware layers after it).
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        if !isBuilt {
            precondition(input.rank >= 1, "Sequential: input needs a batch axis, shape is \(input.shape)")
            build(inputShape: Shape(Array(input.shape.dimensions.dropFirst())))
        }
        if let inputShape {
            precondition(
                Array(input.shape.dimensions.dropFirst()) == inputShape.dimensions,
                "Sequential: input shape \(input.shape) does not match the model's input shape [batch] + \(inputShape)")
        }
        return forward(input, context: context)
    }

    /// Parameters as `<layer index>.<name>`; a layer used at several positions is listed once, at its first.
    public func namedParameters() -> [NamedParameter] {
        layers.enumerated().flatMap { index, layer in
            layer.namedParameters().map { NamedParameter(path: "\(index).\($0.path)", parameter: $0.parameter) }
        }.uniqued()
    }
}
