import LeptonKernels
import LeptonTensor

/// Settings shared by the pooling layers.
public struct PoolingConfiguration: Codable, Sendable, Hashable {
    /// Window height and width.
    public var poolSize: [Int]
    /// Step along height and width (by default the window size).
    public var strides: [Int]
    /// Border treatment.
    public var padding: PaddingMode

    func outputShape(for inputShape: Shape) -> Shape {
        precondition(
            inputShape.rank == 3, "pooling: per-sample input must be [height, width, channels], got \(inputShape)")
        let geometry = Pool2DGeometry(
            batch: 1, height: inputShape[0], width: inputShape[1], channels: inputShape[2], windowHeight: poolSize[0],
            windowWidth: poolSize[1], strideHeight: strides[0], strideWidth: strides[1], padding: padding.padding)
        return [geometry.outHeight, geometry.outWidth, inputShape[2]]
    }

    init(poolSize: (Int, Int), strides: (Int, Int)?, padding: PaddingMode) {
        self.poolSize = [poolSize.0, poolSize.1]
        let step = strides ?? poolSize
        self.strides = [step.0, step.1]
        self.padding = padding
    }

    /// Settings with a square window and square strides (by default the window size).
    init(square poolSize: Int, strides: Int?, padding: PaddingMode) {
        self.init(poolSize: (poolSize, poolSize), strides: strides.map { ($0, $0) }, padding: padding)
    }

    /// Runs a pooling operation (`maxPool2d` or `avgPool2d`) with these settings.
    func pool(
        _ input: Tensor, with operation: (Tensor, (Int, Int), (Int, Int), Padding) -> Tensor
    ) -> Tensor {
        operation(input, (poolSize[0], poolSize[1]), (strides[0], strides[1]), padding.padding)
    }
}

/// Max pooling over NHWC images.
public final class MaxPool2D: Layer {
    /// The registered type name.
    public static let typeName = "MaxPool2D"
    /// The settings.
    public let configuration: PoolingConfiguration

    /// Creates a max-pooling layer with a square window.
    ///
    /// - Parameters:
    ///   - poolSize: Window size (default 2).
    ///   - strides: Step; by default the window size.
    ///   - padding: Border treatment.
    public convenience init(poolSize: Int = 2, strides: Int? = nil, padding: PaddingMode = .valid) {
        self.init(configuration: PoolingConfiguration(square: poolSize, strides: strides, padding: padding))
    }

    /// Creates the layer from settings.
    public init(configuration: PoolingConfiguration) { self.configuration = configuration }

    /// The pooled shape.
    public func outputShape(for inputShape: Shape) -> Shape { configuration.outputShape(for: inputShape) }

    /// Applies the pooling.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        configuration.pool(input) { maxPool2d($0, poolSize: $1, strides: $2, padding: $3) }
    }
}

/// Average pooling over NHWC images (padded cells are not counted).
public final class AvgPool2D: Layer {
    /// The registered type name.
    public static let typeName = "AvgPool2D"
    /// The settings.
    public let configuration: PoolingConfiguration

    /// Creates an average-pooling layer with a square window.
    ///
    /// - Parameters:
    ///   - poolSize: Window size (default 2).
    ///   - strides: Step; by default the window size.
    ///   - padding: Border treatment.
    public convenience init(poolSize: Int = 2, strides: Int? = nil, padding: PaddingMode = .valid) {
        self.init(configuration: PoolingConfiguration(square: poolSize, strides: strides, padding: padding))
    }

    /// Creates the layer from settings.
    public init(configuration: PoolingConfiguration) { self.configuration = configuration }

    /// The pooled shape.
    public func outputShape(for inputShape: Shape) -> Shape { configuration.outputShape(for: inputShape) }

    /// Applies the pooling.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        configuration.pool(input) { avgPool2d($0, poolSize: $1, strides: $2, padding: $3) }
    }
}

/// The mean over height and width of NHWC images: `[batch, h, w, c]` → `[batch, c]`.
public final class GlobalAvgPool2D: Layer {
    /// Settings (none).
    public struct Configuration: Codable, Sendable, Hashable {}

    /// The registered type name.
    public static let typeName = "GlobalAvgPool2D"
    /// The settings.
    public let configuration = Configuration()

    /// Creates the layer.
    public init() {}

    /// Creates the layer from settings.
    public init(configuration: Configuration) {}

    /// `[channels]`.
    public func outputShape(for inputShape: Shape) -> Shape { [inputShape[inputShape.rank - 1]] }

    /// Averages over the spatial axes.
    public func callAsFunction(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.rank == 4, "GlobalAvgPool2D: input must be NHWC, shape is \(input.shape)")
        return input.mean(axes: [1, 2])
    }
}

extension PoolingConfiguration {
    /// Checks the window, strides and padding against the image input; no parameters.
    func checkArchitecture(inputShape: [Int], limits: ArchitectureLimits) throws(ArchitectureError)
        -> ArchitectureStep
    {
        let window = try limits.pair(poolSize, "poolSize")
        let step = try limits.pair(strides, "strides")
        let padding = try limits.padding(self.padding, smallerThan: window)
        try limits.image(inputShape)
        for value in inputShape { try limits.extent(value, "input extent") }
        let geometry = Pool2DGeometry(
            batch: 1, height: inputShape[0], width: inputShape[1], channels: inputShape[2], windowHeight: window.0,
            windowWidth: window.1, strideHeight: step.0, strideWidth: step.1, padding: padding)
        guard geometry.outHeight >= 1, geometry.outWidth >= 1 else {
            throw ArchitectureError("the window does not fit the \(inputShape) input")
        }
        let output = [geometry.outHeight, geometry.outWidth, inputShape[2]]
        try limits.activation(output)
        return ArchitectureStep(outputShape: output)
    }
}

extension MaxPool2D: InferenceLowerable {
    /// Checks the window, strides and padding against the image input.
    public static func checkArchitecture(
        _ configuration: PoolingConfiguration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try configuration.checkArchitecture(inputShape: inputShape, limits: limits)
    }

    /// `MaxPool2D(2x2)`.
    public var summaryLine: String { "MaxPool2D(\(configuration.poolSize[0])x\(configuration.poolSize[1]))" }

    /// Max pooling (fused into a preceding convolution when its padding is valid).
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        operations.append(PoolingOperation(max: true, configuration))
    }
}

extension AvgPool2D: InferenceLowerable {
    /// Checks the window, strides and padding against the image input.
    public static func checkArchitecture(
        _ configuration: PoolingConfiguration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try configuration.checkArchitecture(inputShape: inputShape, limits: limits)
    }

    /// `AvgPool2D(2x2)`.
    public var summaryLine: String { "AvgPool2D(\(configuration.poolSize[0])x\(configuration.poolSize[1]))" }

    /// Average pooling.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        operations.append(PoolingOperation(max: false, configuration))
    }
}

extension GlobalAvgPool2D: InferenceLowerable {
    /// Needs an image input; outputs its channels.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep {
        try limits.image(inputShape)
        return ArchitectureStep(outputShape: [inputShape[2]])
    }

    /// The mean over height and width.
    package func lower(inputShape: Shape, into operations: inout [any InferenceOperation])
        throws(InferenceCompilationError)
    {
        operations.append(FunctionOperation("global average pool") { $0.mean(axes: [1, 2]) })
    }
}
