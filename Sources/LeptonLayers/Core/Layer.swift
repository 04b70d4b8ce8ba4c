import LeptonTensor

/// A built-in building block with a `Codable` configuration, so a model can be saved as data and rebuilt.
///
/// A layer may create its parameters lazily: ``build(inputShape:generator:)`` is called with the per-sample
/// input shape (without the batch axis) by ``Sequential`` when it infers shapes, or by the layer itself on its
/// first call.
public protocol Layer: Module {
    /// The layer's settings, enough to recreate it (without its weights).
    associatedtype Configuration: Codable & Sendable

    /// The name under which the layer is registered in ``LayerRegistry`` and stored in model files.
    static var typeName: String { get }

    /// The current settings.
    var configuration: Configuration { get }

    /// Creates an unbuilt layer from settings.
    ///
    /// - Parameter configuration: The settings.
    init(configuration: Configuration)

    /// Whether the parameters exist.
    var isBuilt: Bool { get }

    /// Creates the parameters for inputs of `inputShape` (per sample, without the batch axis).
    ///
    /// - Parameters:
    ///   - inputShape: The per-sample input shape.
    ///   - generator: The random stream for initial values.
    func build(inputShape: Shape, generator: inout RandomGenerator)

    /// The per-sample output shape for a per-sample input shape.
    ///
    /// - Parameter inputShape: The per-sample input shape.
    /// - Returns: The per-sample output shape.
    func outputShape(for inputShape: Shape) -> Shape

    /// Checks settings read from a file, before the layer is created, for per-sample inputs of `inputShape`.
    ///
    /// Every value the layer would treat as a programmer error (a zero-unit dense layer, a kernel larger than its
    /// input) must be answered with an ``ArchitectureError``, and every size must be computed with
    /// overflow-checked arithmetic against `limits`, so that a crafted file cannot make the process trap or
    /// allocate without bound. The default trusts the layer and ends the shape walk (``ArchitectureStep/trusted``).
    ///
    /// - Parameters:
    ///   - configuration: The settings as decoded from the file.
    ///   - inputShape: The per-sample input shape, already checked against `limits`.
    ///   - limits: The sizes an architecture may use.
    /// - Returns: The per-sample output shape and the number of parameter elements the layer will create.
    /// - Throws: ``ArchitectureError`` naming the offending setting.
    static func checkArchitecture(_ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits)
        throws(ArchitectureError) -> ArchitectureStep

    /// Checks settings read from a file that ``init(configuration:)`` treats as programmer errors (a zero-unit
    /// dense layer, a dropout rate of 1), without an input shape: ``LayerRegistry`` calls it on every decoded
    /// configuration before creating the layer, so a model file without an input shape cannot reach the
    /// initializer's preconditions either. The default accepts every configuration.
    ///
    /// - Parameter configuration: The settings as decoded from the file.
    /// - Throws: ``ArchitectureError`` naming the offending setting.
    static func checkSettings(_ configuration: Configuration) throws(ArchitectureError)

    /// One line describing the layer and its main settings, for summaries and `lepton inspect`
    /// (`Dense(64, relu)`, `Conv2D(32, 3x3, stride 1, valid, relu)`).
    var summaryLine: String { get }

    /// What the layer does to the meaning of its input, for reading a model's outputs as probabilities: whether
    /// it applies an activation last, passes its input's meaning through, or makes it unknown.
    var outputActivation: OutputActivation { get }
}

extension Layer {
    /// Layers without parameters are always built.
    public var isBuilt: Bool { true }

    /// Layers without parameters have nothing to build.
    public func build(inputShape: Shape, generator: inout RandomGenerator) {}

    /// The registered type name (for summaries).
    public var typeName: String { Self.typeName }

    /// Trusts the settings: the shape walk ends at this layer and its parameters are not counted.
    public static func checkArchitecture(
        _ configuration: Configuration, inputShape: [Int], limits: ArchitectureLimits
    ) throws(ArchitectureError) -> ArchitectureStep { .trusted }

    /// Accepts every configuration.
    public static func checkSettings(_ configuration: Configuration) throws(ArchitectureError) {}

    /// The registered type name.
    public var summaryLine: String { Self.typeName }

    /// Unknown: a custom layer may change the meaning of its input.
    public var outputActivation: OutputActivation { .opaque }

    /// Builds the layer from the shape of `input` (batch axis first) if it is not built yet.
    ///
    /// Lazily built layers draw their initial values from a stream seeded by the layer's type name, so a model
    /// built on first call is reproducible; build through ``Sequential`` to choose the seed.
    func buildIfNeeded(for input: Tensor) {
        guard !isBuilt else { return }
        precondition(input.rank >= 1, "\(Self.typeName): input must have a batch axis, shape is \(input.shape)")
        var generator = RandomGenerator(
            seed: UInt64(truncatingIfNeeded: Self.typeName.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        build(inputShape: Shape(Array(input.shape.dimensions.dropFirst())), generator: &generator)
    }
}

/// An activation function, as a layer option (`Dense(units: 64, activation: .relu)`) or a layer of its own.
public enum Activation: Codable, Sendable, Hashable {
    /// The identity.
    case linear
    /// max(0, x).
    case relu
    /// 1 / (1 + e^-x).
    case sigmoid
    /// The hyperbolic tangent.
    case tanh
    /// Softmax over the last axis.
    case softmax
    /// Log-softmax over the last axis.
    case logSoftmax
    /// x·Φ(x), exact.
    case gelu
    /// x·Φ(x) with the tanh approximation.
    case geluTanh
    /// x·sigmoid(x).
    case silu
    /// log(1 + e^x).
    case softplus
    /// x for x > 0, alpha·(e^x − 1) otherwise.
    case elu(alpha: Float)
    /// x for x > 0, slope·x otherwise.
    case leakyRelu(slope: Float)

    /// Applies the activation.
    ///
    /// - Parameter x: The input.
    /// - Returns: The activated tensor.
    public func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .linear: return x
        case .relu: return x.relu()
        case .sigmoid: return x.sigmoid()
        case .tanh: return x.tanh()
        case .softmax: return x.softmax()
        case .logSoftmax: return x.logSoftmax()
        case .gelu: return LeptonTensor.gelu(x)
        case .geluTanh: return LeptonTensor.gelu(x, approximation: .tanh)
        case .silu: return LeptonTensor.silu(x)
        case .softplus: return LeptonTensor.softplus(x)
        case .elu(let alpha): return LeptonTensor.elu(x, alpha: alpha)
        case .leakyRelu(let slope): return LeptonTensor.leakyRelu(x, slope: slope)
        }
    }
}
