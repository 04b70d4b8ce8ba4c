import LeptonKernels
import LeptonTensor

/// Why a model could not be compiled for inference.
public enum InferenceCompilationError: Error, Equatable, CustomStringConvertible {
    /// The model has no input shape yet (build it, or give `Sequential(inputShape:)`).
    case notBuilt
    /// A layer type the compiler does not know.
    case unsupportedLayer(index: Int, typeName: String)

    /// A sentence naming the problem.
    public var description: String {
        switch self {
        case .notBuilt: return "the model has no input shape; build it before compiling it for inference"
        case .unsupportedLayer(let index, let typeName):
            return "layer \(index) (\(typeName)) has no inference implementation"
        }
    }
}

/// A trained ``Sequential`` model compiled for fast inference: immutable, `Sendable`, no gradient tape.
///
/// Compiling copies the weights and rewrites the layer list:
/// - a ``BatchNorm`` after a ``Conv2D`` or ``Dense`` is folded into its weights and bias;
/// - a ReLU (as the layer's activation or an ``ActivationLayer``) is fused into the preceding product;
/// - a ``MaxPool2D`` right after a convolution runs image by image with it, so the convolution's output never
///   leaves the cache;
/// - ``Dropout`` disappears.
///
/// ```swift
/// let engine = try InferenceModel(model)
/// let probabilities = engine(images)        // any batch size; safe to call from many tasks at once
/// ```
public struct InferenceModel: Sendable {
    /// The per-sample input shape.
    public let inputShape: Shape
    /// The per-sample output shape.
    public let outputShape: Shape
    let steps: [InferenceStep]

    /// Compiles a built model.
    ///
    /// - Parameter model: The trained model (its current weights are copied).
    /// - Throws: ``InferenceCompilationError`` when the model is not built or has a layer without an inference
    ///   implementation.
    public init(_ model: Sequential) throws {
        guard let inputShape = model.inputShape, let outputShape = model.outputShape else {
            throw InferenceCompilationError.notBuilt
        }
        self.inputShape = inputShape
        self.outputShape = outputShape
        steps = try InferenceCompiler(layers: model.layers).compile()
    }

    /// The compiled steps, one line each (for logs and `lepton inspect`).
    public var stepSummaries: [String] { steps.map(\.summary) }

    /// Runs the model on a batch.
    ///
    /// - Parameter input: `[batch] + inputShape`.
    /// - Returns: `[batch] + outputShape`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            Array(input.shape.dimensions.dropFirst()) == inputShape.dimensions,
            "InferenceModel: input shape \(input.shape) does not match [batch] + \(inputShape)")
        return withoutGradients { steps.reduce(input.detached) { $1.apply($0) } }
    }
}

/// Turns a layer list into fused inference steps.
struct InferenceCompiler {
    let layers: [any Layer]

    func compile() throws -> [InferenceStep] {
        var steps: [InferenceStep] = []
        var index = 0
        while index < layers.count {
            let layer = layers[index]
            index += 1
            switch layer {
            case let convolution as Conv2D:
                guard let weight = convolution.weight else { throw InferenceCompilationError.notBuilt }
                var filter = weight.value
                var bias = convolution.bias?.value
                if let norm = layers.element(at: index) as? BatchNorm, convolution.configuration.activation == .linear {
                    (filter, bias) = try fold(norm, into: filter, bias: bias)
                    index += 1
                }
                let (fused, after) = fusedActivation(convolution.configuration.activation, next: &index)
                var step = InferenceStep.ConvolutionStep(
                    filter: filter, bias: bias,
                    strides: (convolution.configuration.strides[0], convolution.configuration.strides[1]),
                    padding: convolution.configuration.padding.padding,
                    dilation: (convolution.configuration.dilation[0], convolution.configuration.dilation[1]),
                    fused: fused, maxPool: nil)
                if after == nil, let pool = layers.element(at: index) as? MaxPool2D,
                    pool.configuration.padding == .valid
                {
                    step.maxPool = (
                        (pool.configuration.poolSize[0], pool.configuration.poolSize[1]),
                        (pool.configuration.strides[0], pool.configuration.strides[1])
                    )
                    index += 1
                }
                steps.append(.convolution(step))
                if let after { steps.append(.activation(after)) }
            case let dense as Dense:
                guard let weight = dense.weight else { throw InferenceCompilationError.notBuilt }
                var matrix = weight.value
                var bias = dense.bias?.value
                if let norm = layers.element(at: index) as? BatchNorm, dense.configuration.activation == .linear {
                    (matrix, bias) = try fold(norm, into: matrix, bias: bias)
                    index += 1
                }
                let (fused, after) = fusedActivation(dense.configuration.activation, next: &index)
                steps.append(.dense(weight: matrix, bias: bias, fused: fused))
                if let after { steps.append(.activation(after)) }
            case let pool as MaxPool2D:
                steps.append(pooling(pool.configuration, max: true))
            case let pool as AvgPool2D:
                steps.append(pooling(pool.configuration, max: false))
            case is GlobalAvgPool2D:
                steps.append(.globalAveragePooling)
            case is Flatten:
                steps.append(.flatten)
            case is Dropout:
                continue
            case let norm as BatchNorm:
                let (scale, shift) = try affine(of: norm)
                steps.append(.affine(scale: scale, shift: shift))
            case let norm as LayerNorm:
                guard let scale = norm.scale?.value, let offset = norm.offset?.value else {
                    throw InferenceCompilationError.notBuilt
                }
                steps.append(.layerNormalization(scale: scale, offset: offset, epsilon: norm.configuration.epsilon))
            case let activation as ActivationLayer:
                steps.append(.activation(activation.configuration.activation))
            default:
                throw InferenceCompilationError.unsupportedLayer(index: index - 1, typeName: layer.typeName)
            }
        }
        return steps
    }

    /// The activation fused into a product, and the one left to apply after it: a ReLU is fused, also when it
    /// is the next layer (which is then consumed).
    private func fusedActivation(_ activation: Activation, next index: inout Int) -> (EpilogueActivation, Activation?) {
        switch activation {
        case .relu: return (.relu, nil)
        case .linear:
            if let next = layers.element(at: index) as? ActivationLayer, next.configuration.activation == .relu {
                index += 1
                return (.relu, nil)
            }
            return (.identity, nil)
        default: return (.identity, activation)
        }
    }

    private func pooling(_ configuration: PoolingConfiguration, max: Bool) -> InferenceStep {
        .pooling(
            max: max, window: (configuration.poolSize[0], configuration.poolSize[1]),
            strides: (configuration.strides[0], configuration.strides[1]), padding: configuration.padding.padding)
    }

    /// The batch norm as `x · scale + shift` with its running statistics.
    private func affine(of norm: BatchNorm) throws -> (Tensor, Tensor) {
        guard let gamma = norm.scale?.value, let beta = norm.offset?.value, let mean = norm.runningMean?.value,
            let variance = norm.runningVariance?.value
        else { throw InferenceCompilationError.notBuilt }
        let scale = gamma * (variance + norm.configuration.epsilon).rsqrt()
        return (scale, beta - mean * scale)
    }

    /// Folds a batch norm over the last axis of a product's output into the product's weight (output channels on
    /// the last axis) and bias.
    private func fold(_ norm: BatchNorm, into weight: Tensor, bias: Tensor?) throws -> (Tensor, Tensor) {
        let (scale, shift) = try affine(of: norm)
        let foldedBias = (bias ?? Tensor.zeros(scale.shape)) * scale + shift
        return (weight * scale, foldedBias)
    }
}

extension Array {
    fileprivate func element(at index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
