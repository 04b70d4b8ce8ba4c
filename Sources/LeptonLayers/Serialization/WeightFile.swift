import Foundation
import LeptonTensor

/// Why weights could not be loaded into a model.
public enum WeightLoadingError: Error, Equatable, CustomStringConvertible {
    /// The model has a parameter the file lacks.
    case missingKey(String, file: String)
    /// The file has a tensor the model lacks.
    case unexpectedKey(String, file: String)
    /// A tensor's shape differs from its parameter's.
    case shapeMismatch(key: String, expected: Shape, actual: Shape, file: String)
    /// A tensor's element type cannot become `Float`.
    case unsupportedDType(key: String, dtype: String, file: String)
    /// The file is not a valid safetensors file (the underlying error's description).
    case unreadable(file: String, reason: String)
    /// The model has a lazily built layer without parameters yet, so the file's tensors have nowhere to go.
    case modelNotBuilt(layer: String, file: String)

    /// A sentence naming the key, the file, and what was expected and found.
    public var description: String {
        switch self {
        case .missingKey(let key, let file): return "\(file): no tensor for parameter '\(key)'"
        case .unexpectedKey(let key, let file): return "\(file): tensor '\(key)' matches no parameter of the model"
        case .shapeMismatch(let key, let expected, let actual, let file):
            return "\(file): '\(key)' has shape \(actual), the model expects \(expected)"
        case .unsupportedDType(let key, let dtype, let file):
            return "\(file): '\(key)' has dtype \(dtype), which cannot be loaded as Float"
        case .unreadable(let file, let reason): return "\(file): \(reason)"
        case .modelNotBuilt(let layer, let file):
            return
                "\(file): layer \(layer) is not built yet, so its weights cannot be loaded; give the model an inputShape or call it once before loading"
        }
    }
}

extension Module {
    /// Writes every parameter and buffer as F32 under its dotted path, atomically.
    ///
    /// - Parameters:
    ///   - url: The safetensors file to write.
    ///   - metadata: Extra `__metadata__` entries.
    /// - Throws: `SafeTensorsError` when the file cannot be written.
    public func saveWeights(to url: URL, metadata: [String: String] = [:]) throws {
        var writer = SafeTensorsWriter(metadata: metadata)
        for named in namedParameters().uniqued() {
            try writer.add(named.path, named.parameter.value)
        }
        try writer.write(to: url)
    }

    /// Throws ``WeightLoadingError/modelNotBuilt(layer:file:)`` when a layer has no parameters yet.
    ///
    /// - Parameter file: The file name used in the error.
    /// - Throws: ``WeightLoadingError/modelNotBuilt(layer:file:)``.
    public func checkBuilt(file: String) throws {
        if let layer = firstUnbuiltLayer { throw WeightLoadingError.modelNotBuilt(layer: layer, file: file) }
    }

    /// Loads every parameter and buffer from a safetensors file written by ``saveWeights(to:metadata:)`` (or
    /// converted from another framework), checking that keys and shapes match exactly before changing anything.
    ///
    /// - Parameter url: The safetensors file.
    /// - Throws: ``WeightLoadingError`` naming an unbuilt layer, the first missing or unexpected key (as PyTorch's
    ///   `strict=True`), shape mismatch, unsupported dtype, or an unreadable file; the model is unchanged when it
    ///   throws.
    public func loadWeights(from url: URL) throws {
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw WeightLoadingError.unreadable(file: url.lastPathComponent, reason: String(describing: error))
        }
        try loadWeights(from: file, name: url.lastPathComponent)
    }

    /// Loads parameters from an opened safetensors file; see ``loadWeights(from:)-(URL)``.
    ///
    /// - Parameters:
    ///   - file: The opened file.
    ///   - name: The file name used in error messages.
    /// - Throws: ``WeightLoadingError``; the model is unchanged when it throws.
    public func loadWeights(from file: SafeTensorsFile, name: String) throws {
        try checkBuilt(file: name)
        let parameters = namedParameters().uniqued()
        let expected = Set(parameters.map(\.path))
        let floatTypes: Set<SafeTensorsDType> = [.f32, .f16, .bf16, .f64]
        for entry in file.entries where !entry.name.hasPrefix("__") {
            guard expected.contains(entry.name) else { throw WeightLoadingError.unexpectedKey(entry.name, file: name) }
        }
        var staged: [(Parameter, Tensor)] = []
        for named in parameters {
            guard file.contains(named.path) else { throw WeightLoadingError.missingKey(named.path, file: name) }
            let entry = try file.entry(named.path)
            guard floatTypes.contains(entry.dtype) else {
                throw WeightLoadingError.unsupportedDType(key: named.path, dtype: entry.dtype.rawValue, file: name)
            }
            guard Shape(entry.shape) == named.parameter.shape else {
                throw WeightLoadingError.shapeMismatch(
                    key: named.path, expected: named.parameter.shape, actual: Shape(entry.shape), file: name)
            }
            staged.append((named.parameter, try Tensor(file, name: named.path)))
        }
        for (parameter, value) in staged { parameter.value = value }
    }
}
