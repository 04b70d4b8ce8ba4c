import LeptonTensor

/// Why a model could not be compiled for inference.
public enum InferenceCompilationError: Error, Equatable, CustomStringConvertible {
    /// The model has no input shape yet (build it, or give `Sequential(inputShape:)`).
    case notBuilt
    /// A layer type the compiler does not know.
    case unsupportedLayer(index: Int, typeName: String)
    /// A compiled weight or bias is NaN or infinite (a batch norm folded into a product can overflow).
    case nonFiniteParameters(step: String)

    /// A sentence naming the problem.
    public var description: String {
        switch self {
        case .notBuilt: return "the model has no input shape; build it before compiling it for inference"
        case .unsupportedLayer(let index, let typeName):
            return "layer \(index) (\(typeName)) has no inference implementation"
        case .nonFiniteParameters(let step):
            return "the compiled step '\(step)' has a NaN or infinite weight or bias"
        }
    }
}

/// A trained ``Sequential`` model compiled for fast inference: immutable, `Sendable`, no gradient tape.
///
/// Compiling copies the weights and lowers every layer to inference operations, then fuses neighbours (see
/// `InferenceProgram`):
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
    public var inputShape: Shape { program.inputShape }
    /// The per-sample output shape.
    public var outputShape: Shape { program.outputShape }
    let program: InferenceProgram

    /// Compiles a built model.
    ///
    /// - Parameter model: The trained model (its current weights are copied).
    /// - Throws: ``InferenceCompilationError`` when the model is not built or has a layer without an inference
    ///   implementation.
    public init(_ model: Sequential) throws {
        program = try InferenceProgram(model)
    }

    /// The compiled steps, one line each (for logs and `lepton inspect`).
    public var stepSummaries: [String] { program.summaries }

    /// Runs the model on a batch.
    ///
    /// - Parameter input: `[batch] + inputShape`.
    /// - Returns: `[batch] + outputShape`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            Array(input.shape.dimensions.dropFirst()) == inputShape.dimensions,
            "InferenceModel: input shape \(input.shape) does not match [batch] + \(inputShape)")
        return program(input)
    }
}
