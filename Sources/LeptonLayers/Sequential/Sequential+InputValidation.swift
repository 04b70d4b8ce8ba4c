import LeptonTensor

/// Why an input cannot go through a model: the shapes it expected and found, and which layer objected.
public enum ModelInputError: Error, Equatable, CustomStringConvertible {
    /// The input has no batch axis.
    case missingBatchAxis(shape: Shape)
    /// The per-sample input shape differs from the model's.
    case shapeMismatch(expected: Shape, actual: Shape)
    /// A layer cannot take inputs of this per-sample shape.
    case layerRejectsShape(layer: Int, type: String, inputShape: Shape, reason: String)

    /// A sentence saying what was expected and what was found.
    public var description: String {
        switch self {
        case .missingBatchAxis(let shape):
            return "the input of shape \(shape) has no batch axis"
        case .shapeMismatch(let expected, let actual):
            return "the model expects inputs of shape [batch] + \(expected), got [batch] + \(actual)"
        case .layerRejectsShape(let layer, let type, let inputShape, let reason):
            return "layer \(layer) (\(type)) cannot take per-sample inputs of shape \(inputShape): \(reason)"
        }
    }
}

/// A module that can check an input batch before running, so `fit`, `evaluate` and `predict` throw a typed error
/// instead of trapping inside a layer. ``Sequential`` conforms; custom modules may too.
public protocol InputValidating {
    /// Checks that a batch of `input` can go through the module.
    ///
    /// - Parameter input: The input batch, batch axis first.
    /// - Returns: The per-sample output shape.
    /// - Throws: A typed error naming the expected and actual shapes.
    @discardableResult
    func validateInput(_ input: Tensor) throws -> Shape
}

extension Sequential: InputValidating {
    /// Checks that a batch of `input` can go through the model, before any layer runs.
    ///
    /// - Parameter input: The input batch, batch axis first.
    /// - Returns: The per-sample output shape.
    /// - Throws: ``ModelInputError`` naming the expected and actual shape, or the layer that cannot take it.
    @discardableResult
    public func validateInput(_ input: Tensor) throws -> Shape {
        guard input.rank >= 1 else { throw ModelInputError.missingBatchAxis(shape: input.shape) }
        return try outputShape(forInputShape: Shape(Array(input.shape.dimensions.dropFirst())))
    }

    /// The per-sample output shape for a per-sample input shape, checked layer by layer.
    ///
    /// Built-in layers check ranks, channel counts of built layers and spatial sizes against their windows;
    /// other layers are trusted.
    ///
    /// - Parameter shape: The per-sample input shape.
    /// - Returns: The per-sample output shape.
    /// - Throws: ``ModelInputError`` when the model's input shape or a layer rejects the shape.
    public func outputShape(forInputShape shape: Shape) throws -> Shape {
        if let inputShape, inputShape != shape {
            throw ModelInputError.shapeMismatch(expected: inputShape, actual: shape)
        }
        var current = shape
        for (index, layer) in layers.enumerated() {
            if let reason = Self.rejection(of: current, by: layer) {
                throw ModelInputError.layerRejectsShape(
                    layer: index, type: layer.typeName, inputShape: current, reason: reason)
            }
            current = layer.outputShape(for: current)
        }
        return current
    }

    /// Why `layer` cannot take per-sample inputs of `shape`, or `nil` when it can.
    static func rejection(of shape: Shape, by layer: any Layer) -> String? {
        if shape.dimensions.contains(where: { $0 < 1 }) { return "every axis needs at least one element" }
        switch layer {
        case let dense as Dense:
            guard shape.rank >= 1 else { return "needs a feature axis" }
            if let size = dense.configuration.inputSize, dense.isBuilt, shape[shape.rank - 1] != size {
                return "expected \(size) input features, got \(shape[shape.rank - 1])"
            }
        case let conv as Conv2D:
            let configuration = conv.configuration
            guard shape.rank == 3 else { return "needs [height, width, channels] (NHWC images with a channel axis)" }
            if let channels = configuration.inputChannels, conv.isBuilt, shape[2] != channels {
                return "expected \(channels) channels, got \(shape[2])"
            }
            let extent = zip(configuration.kernelSize, configuration.dilation).map { ($0 - 1) * $1 + 1 }
            if let reason = windowRejection(shape, window: extent, padding: configuration.padding) { return reason }
        case let pool as MaxPool2D:
            guard shape.rank == 3 else { return "needs [height, width, channels] (NHWC images with a channel axis)" }
            return windowRejection(shape, window: pool.configuration.poolSize, padding: pool.configuration.padding)
        case let pool as AvgPool2D:
            guard shape.rank == 3 else { return "needs [height, width, channels] (NHWC images with a channel axis)" }
            return windowRejection(shape, window: pool.configuration.poolSize, padding: pool.configuration.padding)
        case is GlobalAvgPool2D:
            guard shape.rank == 3 else { return "needs [height, width, channels] (NHWC images with a channel axis)" }
        case let norm as BatchNorm:
            guard shape.rank >= 1 else { return "needs a channel axis" }
            if let channels = norm.configuration.channels, norm.isBuilt, shape[shape.rank - 1] != channels {
                return "expected \(channels) channels, got \(shape[shape.rank - 1])"
            }
        case let norm as LayerNorm:
            guard shape.rank >= 1 else { return "needs a feature axis" }
            if let features = norm.configuration.features, norm.isBuilt, shape[shape.rank - 1] != features {
                return "expected \(features) features, got \(shape[shape.rank - 1])"
            }
        default:
            return architectureRejection(of: shape, by: layer)
        }
        return nil
    }

    /// Why a layer's own ``Layer/checkArchitecture(_:inputShape:limits:)`` refuses `shape`, with no size limits,
    /// or `nil`: how a layer added in its own file (an LSTM given images) is checked without being named here.
    private static func architectureRejection<L: Layer>(of shape: Shape, by layer: L) -> String? {
        let unlimited = ArchitectureLimits(
            maximumParameterElements: .max, maximumExtent: .max, maximumRank: .max, maximumActivationElements: .max)
        do {
            _ = try L.checkArchitecture(layer.configuration, inputShape: shape.dimensions, limits: unlimited)
            return nil
        } catch {
            return error.reason
        }
    }

    private static func windowRejection(_ shape: Shape, window: [Int], padding: PaddingMode) -> String? {
        var padded = [shape[0], shape[1]]
        switch padding {
        case .same: return nil
        case .valid: break
        case .explicit(let top, let bottom, let left, let right):
            padded = [shape[0] + top + bottom, shape[1] + left + right]
        }
        if padded[0] < window[0] || padded[1] < window[1] {
            return "a \(window[0])×\(window[1]) window does not fit a \(shape[0])×\(shape[1]) image"
        }
        return nil
    }
}
