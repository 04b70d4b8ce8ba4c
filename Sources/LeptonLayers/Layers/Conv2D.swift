import LeptonKernels
import LeptonTensor

/// How a convolution or pooling layer treats the border of its input.
public enum PaddingMode: Codable, Sendable, Hashable {
    /// No padding: windows stay inside the input.
    case valid
    /// Pad so that the output has `ceil(input / stride)` positions (TensorFlow's rule).
    case same
    /// Explicit padding per side.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    /// The kernel-level padding.
    var padding: Padding {
        switch self {
        case .valid: return .valid
        case .same: return .same
        case .explicit(let top, let bottom, let left, let right):
            return .explicit(top: top, bottom: bottom, left: left, right: right)
        }
    }
}

/// A 2-D convolution over NHWC images with an HWIO filter (`[kernelHeight, kernelWidth, inChannels, filters]`).
public final class Conv2D: Layer {
    /// Settings of a ``Conv2D`` layer.
    public struct Configuration: Codable, Sendable, Hashable {
        /// Output channels.
        public var filters: Int
        /// Window height and width.
        public var kernelSize: [Int]
        /// Step along height and width.
        public var strides: [Int]
        /// Border treatment.
        public var padding: PaddingMode
        /// Tap spacing along height and width.
        public var dilation: [Int]
        /// Whether there is a bias.
        public var useBias: Bool
        /// The activation after the convolution.
        public var activation: Activation
        /// Input channels, once known.
        public var inputChannels: Int?
    }

    /// The registered type name.
    public static let typeName = "Conv2D"
    /// The settings.
    public private(set) var configuration: Configuration
    /// `[kernelHeight, kernelWidth, inChannels, filters]`, once built.
    public private(set) var weight: Parameter?
    /// `[filters]`, once built (if the layer has a bias).
    public private(set) var bias: Parameter?

    /// Creates a convolution layer.
    ///
    /// - Parameters:
    ///   - filters: Output channels.
    ///   - kernelSize: Square window size.
    ///   - strides: Step along both axes.
    ///   - padding: `.valid` (default) or `.same`.
    ///   - dilation: Tap spacing along both axes.
    ///   - useBias: Whether to add a bias.
    ///   - activation: The activation (relu is fused into the convolution).
    public convenience init(
        filters: Int, kernelSize: Int, strides: Int = 1, padding: PaddingMode = .valid, dilation: Int = 1,
        useBias: Bool = true, activation: Activation = .linear
    ) {
        self.init(
            filters: filters, kernelSize: (kernelSize, kernelSize), strides: (strides, strides), padding: padding,
            dilation: (dilation, dilation), useBias: useBias, activation: activation)
    }

    /// Creates a convolution layer with separate height and width settings.
    ///
    /// - Parameters:
    ///   - filters: Output channels.
    ///   - kernelSize: Window height and width.
    ///   - strides: Step along height and width.
    ///   - padding: Border treatment.
    ///   - dilation: Tap spacing along height and width.
    ///   - useBias: Whether to add a bias.
    ///   - activation: The activation.
    public convenience init(
        filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: PaddingMode = .valid,
        dilation: (Int, Int) = (1, 1), useBias: Bool = true, activation: Activation = .linear
    ) {
        self.init(
            configuration: Configuration(
                filters: filters, kernelSize: [kernelSize.0, kernelSize.1], strides: [strides.0, strides.1],
                padding: padding, dilation: [dilation.0, dilation.1], useBias: useBias, activation: activation))
    }

    /// Creates an unbuilt layer from settings.
    public init(configuration: Configuration) {
        precondition(configuration.filters > 0, "Conv2D: filters must be positive, got \(configuration.filters)")
        precondition(
            configuration.kernelSize.count == 2 && configuration.strides.count == 2
                && configuration.dilation.count == 2,
            "Conv2D: kernelSize, strides and dilation need two values each")
        self.configuration = configuration
    }

    /// Whether the weight exists.
    public var isBuilt: Bool { weight != nil }

    /// Creates `weight` (Glorot uniform) and `bias` (zeros) for inputs of `[height, width, channels]`.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {
        guard !isBuilt else { return }
        precondition(
            inputShape.rank == 3, "Conv2D: per-sample input must be [height, width, channels], got \(inputShape)")
        let channels = inputShape[2]
        configuration.inputChannels = channels
        let shape: Shape = [configuration.kernelSize[0], configuration.kernelSize[1], channels, configuration.filters]
        weight = Parameter(Tensor.glorotUniform(shape, using: &generator))
        if configuration.useBias { bias = Parameter(Tensor.zeros([configuration.filters])) }
    }

    /// `[outHeight, outWidth, filters]`.
    public func outputShape(for inputShape: Shape) -> Shape {
        let geometry = self.geometry(batch: 1, inputShape: inputShape)
        return [geometry.outHeight, geometry.outWidth, configuration.filters]
    }

    func geometry(batch: Int, inputShape: Shape) -> Conv2DGeometry {
        Conv2DGeometry(
            batch: batch, height: inputShape[0], width: inputShape[1], inChannels: inputShape[2],
            outChannels: configuration.filters, kernelHeight: configuration.kernelSize[0],
            kernelWidth: configuration.kernelSize[1], strideHeight: configuration.strides[0],
            strideWidth: configuration.strides[1], dilationHeight: configuration.dilation[0],
            dilationWidth: configuration.dilation[1], padding: configuration.padding.padding)
    }

    /// The activation as the convolution kernels apply it in their store, or `nil` when it runs as its own step.
    private var fusedActivation: EpilogueActivation? {
        switch configuration.activation {
        case .relu: .relu
        case .linear: .identity
        default: nil
        }
    }

    /// Applies the convolution; relu is fused into it.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        buildIfNeeded(for: input)
        guard let weight else { preconditionFailure("Conv2D: not built") }
        let fused = fusedActivation
        let output = conv2d(
            input, filter: context.read(weight), bias: bias.map(context.read),
            strides: (configuration.strides[0], configuration.strides[1]), padding: configuration.padding.padding,
            dilation: (configuration.dilation[0], configuration.dilation[1]), activation: fused ?? .identity)
        return fused == nil ? configuration.activation.apply(output) : output
    }
}

extension Conv2D: FusingLayer {
    /// Followed by a ``MaxPool2D``, with a ReLU or linear activation: LeptonTensor's `conv2dMaxPooled`, which never
    /// stores the convolution's full-size output.
    public func callFused(_ input: Tensor, followedBy next: any Layer, context: ForwardContext) -> Tensor? {
        guard let pooling = (next as? MaxPool2D)?.configuration, let activation = fusedActivation else { return nil }
        buildIfNeeded(for: input)
        guard let weight else { preconditionFailure("Conv2D: not built") }
        return conv2dMaxPooled(
            input, filter: context.read(weight), bias: bias.map(context.read),
            strides: (configuration.strides[0], configuration.strides[1]), padding: configuration.padding.padding,
            dilation: (configuration.dilation[0], configuration.dilation[1]), activation: activation,
            poolSize: (pooling.poolSize[0], pooling.poolSize[1]), poolStrides: (pooling.strides[0], pooling.strides[1]),
            poolPadding: pooling.padding.padding)
    }
}

extension Conv2D {
    /// Refuses a filter count below 1 and kernel sizes, strides or dilations without exactly two values.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {
        try requirePositive(configuration.filters, "filters")
        for (name, values) in [
            ("kernelSize", configuration.kernelSize), ("strides", configuration.strides),
            ("dilation", configuration.dilation),
        ] where values.count != 2 {
            throw ArchitectureError("\(name) needs two values, got \(values)")
        }
    }
}

extension Conv2D: InferenceLowerable {
    /// Checks filters, kernel, strides, dilation, padding and a stored channel count against the image input, the
    /// output and the unrolled patches of one image against the activation limit; counts the HWIO filter plus
    /// `filters` biases.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try limits.extent(configuration.filters, "filters")
        let kernel = try limits.pair(configuration.kernelSize, "kernelSize")
        let strides = try limits.pair(configuration.strides, "strides")
        let dilation = try limits.pair(configuration.dilation, "dilation")
        let padding = try limits.padding(configuration.padding)
        try configuration.activation.checkArchitecture()
        try limits.image(inputShape)
        for value in inputShape { try limits.extent(value, "input extent") }
        if let stored = configuration.inputChannels, stored != inputShape[2] {
            throw ArchitectureError("inputChannels \(stored) does not match the input's \(inputShape[2]) channels")
        }
        let geometry = Conv2DGeometry(
            batch: 1, height: inputShape[0], width: inputShape[1], inChannels: inputShape[2],
            outChannels: configuration.filters, kernelHeight: kernel.0, kernelWidth: kernel.1,
            strideHeight: strides.0, strideWidth: strides.1, dilationHeight: dilation.0, dilationWidth: dilation.1,
            padding: padding)
        guard geometry.outHeight >= 1, geometry.outWidth >= 1 else {
            throw ArchitectureError("the kernel does not fit the \(inputShape) input")
        }
        let output = [geometry.outHeight, geometry.outWidth, configuration.filters]
        try limits.activation(output)
        _ = try limits.product(
            [geometry.outHeight, geometry.outWidth, kernel.0, kernel.1, inputShape[2]],
            limit: limits.maximumActivationElements, "unrolled patches")
        let parameters = try limits.parameters(
            [kernel.0, kernel.1, inputShape[2], configuration.filters], bias: configuration.useBias)
        return ArchitectureStep(outputShape: output, parameterCount: parameters)
    }

    /// `Conv2D(32, 3x3, stride 1, valid, relu)`.
    public var summaryLine: String {
        let settings = configuration
        return "Conv2D(\(settings.filters), \(settings.kernelSize[0])x\(settings.kernelSize[1]), "
            + "stride \(settings.strides[0]), \(settings.padding), \(settings.activation))"
    }

    /// The layer's activation.
    public var outputActivation: OutputActivation { .activation(configuration.activation) }

    /// A convolution product with the activation fused (ReLU) or after it.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        guard let weight else { throw .notBuilt }
        let settings = ProductOperation.ConvolutionSettings(
            inputShape: inputShape, strides: (configuration.strides[0], configuration.strides[1]),
            padding: configuration.padding.padding,
            dilation: (configuration.dilation[0], configuration.dilation[1]), maxPool: nil)
        operations.append(
            ProductOperation(convolution: settings, filter: weight.value, bias: bias?.value),
            then: configuration.activation)
    }
}
