import Foundation
import LeptonTensor

/// Why a model file could not be read.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    /// The file has no architecture (it holds weights only).
    case missingArchitecture(file: String)
    /// The architecture is not valid JSON for a model.
    case invalidArchitecture(file: String, reason: String)
    /// The architecture names a layer type that is not registered.
    case unknownLayerType(String, known: [String])
    /// The file's format version is newer than this library reads.
    case unsupportedFormatVersion(Int, supported: Int)

    /// A sentence naming the file and the problem.
    public var description: String {
        switch self {
        case .missingArchitecture(let file): return "\(file): no model architecture in the file (weights only?)"
        case .invalidArchitecture(let file, let reason): return "\(file): invalid architecture: \(reason)"
        case .unknownLayerType(let type, let known):
            return
                "unknown layer type '\(type)'; registered: \(known.joined(separator: ", ")) (register custom layers with LayerRegistry.register)"
        case .unsupportedFormatVersion(let version, let supported):
            return "model format version \(version) is newer than the supported version \(supported)"
        }
    }
}

/// A ``Sequential`` model's architecture as data.
struct SequentialArchitecture: Codable {
    static let currentFormatVersion = 1
    var formatVersion: Int
    var inputShape: [Int]?
    var seed: UInt64
    var layers: [LayerSpecification]
}

extension Sequential {
    /// The metadata key holding the architecture JSON in a model file.
    public static let architectureMetadataKey = "lepton.architecture"

    /// The architecture as JSON (layer types and configurations, input shape), without weights.
    ///
    /// - Throws: `EncodingError` if a configuration cannot be encoded.
    /// - Returns: UTF-8 JSON.
    public func architectureJSON() throws -> Data {
        let architecture = SequentialArchitecture(
            formatVersion: SequentialArchitecture.currentFormatVersion, inputShape: inputShape?.dimensions, seed: seed,
            layers: layers.map(LayerSpecification.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(architecture)
    }

    /// Rebuilds an unweighted model from ``architectureJSON()``.
    ///
    /// - Parameters:
    ///   - json: The architecture.
    ///   - file: A name for error messages.
    /// - Returns: The model, built if the architecture has an input shape.
    /// - Throws: ``ModelFileError`` for an unknown layer type, a newer format, or invalid JSON, and
    ///   ``ModelFileError/invalidArchitecture(file:reason:)`` for settings a layer refuses: every configuration
    ///   passes ``Layer/checkSettings(_:)`` before its layer is created and, with an input shape, every layer's
    ///   ``Layer/checkArchitecture(_:inputShape:limits:)`` (default ``ArchitectureLimits``, at most `parameterLimit`
    ///   parameter elements) before anything is built, so a crafted file cannot make the process trap.
    public static func fromArchitectureJSON(_ json: Data, file: String = "architecture") throws -> Sequential {
        try fromArchitectureJSON(json, file: file, parameterLimit: Int.max)
    }

    /// ``fromArchitectureJSON(_:file:)`` with a bound on the parameter elements the layers may create (the weights a
    /// model file holds).
    static func fromArchitectureJSON(_ json: Data, file: String, parameterLimit: Int) throws -> Sequential {
        let architecture: SequentialArchitecture
        do {
            architecture = try JSONDecoder().decode(SequentialArchitecture.self, from: json)
        } catch let error as ModelFileError {
            throw error
        } catch {
            throw ModelFileError.invalidArchitecture(file: file, reason: String(describing: error))
        }
        guard architecture.formatVersion <= SequentialArchitecture.currentFormatVersion else {
            throw ModelFileError.unsupportedFormatVersion(
                architecture.formatVersion, supported: SequentialArchitecture.currentFormatVersion)
        }
        if let inputShape = architecture.inputShape {
            do {
                try checkShapes(
                    architecture.layers.map(\.layer), inputShape: inputShape,
                    limits: ArchitectureLimits(maximumParameterElements: parameterLimit))
            } catch {
                throw ModelFileError.invalidArchitecture(file: file, reason: error.reason)
            }
        }
        return Sequential(
            inputShape: architecture.inputShape.map(Shape.init), seed: architecture.seed,
            layers: architecture.layers.map(\.layer))
    }

    /// Walks the shapes through the layers' own checks, as the bundle reader's screen does; a trusted (custom) layer
    /// ends the walk.
    private static func checkShapes(_ layers: [any Layer], inputShape: [Int], limits: ArchitectureLimits)
        throws(ArchitectureError)
    {
        var shape = inputShape
        try limits.activation(shape, "input shape")
        var parameters = 0
        for (index, layer) in layers.enumerated() {
            let step: ArchitectureStep
            do {
                step = try check(layer, inputShape: shape, limits: limits)
            } catch {
                throw ArchitectureError("layer \(index) (\(layer.typeName)): \(error.reason)")
            }
            let (sum, overflow) = parameters.addingReportingOverflow(step.parameterCount)
            guard !overflow, sum <= limits.maximumParameterElements else {
                throw ArchitectureError(
                    "the layers need more than \(limits.maximumParameterElements) parameter elements")
            }
            parameters = sum
            guard let next = step.outputShape else { return }
            shape = next
        }
    }

    private static func check<L: Layer>(_ layer: L, inputShape: [Int], limits: ArchitectureLimits)
        throws(ArchitectureError) -> ArchitectureStep
    {
        try L.checkArchitecture(layer.configuration, inputShape: inputShape, limits: limits)
    }

    /// Saves architecture and weights to one safetensors file (the architecture in its metadata), atomically.
    ///
    /// - Parameter url: The destination.
    /// - Throws: `SafeTensorsError` or `EncodingError` when it cannot be written.
    public func save(to url: URL) throws {
        let json = String(decoding: try architectureJSON(), as: UTF8.self)
        try saveWeights(to: url, metadata: [Self.architectureMetadataKey: json])
    }

    /// Rebuilds a model saved with ``save(to:)``: its layers from the architecture, then its weights.
    ///
    /// - Parameter url: The model file.
    /// - Returns: The model.
    /// - Throws: ``ModelFileError`` or ``WeightLoadingError`` naming the problem.
    public static func load(from url: URL) throws -> Sequential {
        let name = url.lastPathComponent
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw WeightLoadingError.unreadable(file: name, reason: String(describing: error))
        }
        guard let json = file.metadata[architectureMetadataKey] else {
            throw ModelFileError.missingArchitecture(file: name)
        }
        let model = try fromArchitectureJSON(Data(json.utf8), file: name, parameterLimit: file.dataByteCount)
        if !model.isBuilt {
            throw ModelFileError.invalidArchitecture(
                file: name, reason: "no input shape, so the weights cannot be placed")
        }
        try model.loadWeights(from: file, name: name)
        return model
    }
}
