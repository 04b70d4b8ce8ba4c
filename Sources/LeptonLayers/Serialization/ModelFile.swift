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
    /// - Throws: ``ModelFileError`` for an unknown layer type, a newer format, or invalid JSON.
    public static func fromArchitectureJSON(_ json: Data, file: String = "architecture") throws -> Sequential {
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
        return Sequential(
            inputShape: architecture.inputShape.map(Shape.init), seed: architecture.seed,
            layers: architecture.layers.map(\.layer))
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
        let model = try fromArchitectureJSON(Data(json.utf8), file: name)
        if !model.isBuilt {
            throw ModelFileError.invalidArchitecture(
                file: name, reason: "no input shape, so the weights cannot be placed")
        }
        try model.loadWeights(from: file, name: name)
        return model
    }
}
