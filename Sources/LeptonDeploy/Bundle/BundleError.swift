/// Why a model bundle could not be read, verified or written. Every case names the file.
public enum BundleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be opened, or is not a valid safetensors file (the reason says which rule it breaks).
    case unreadable(file: String, reason: String)
    /// The file ends before the data its header describes: it was cut short.
    case truncated(file: String, reason: String)
    /// The file is a valid safetensors file but has no bundle manifest (plain weights, for example).
    case notABundle(file: String, reason: String)
    /// The content does not hash to the recorded checksum: it was changed after writing.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// The bundle was written in a newer format than this library reads.
    case unsupportedFormatVersion(file: String, found: Int, supported: Int)
    /// The manifest is not valid JSON or lacks or mistypes a field; `path` locates it (`manifest.schema.output`).
    case malformedManifest(file: String, path: String, reason: String)
    /// The architecture does not rebuild into a model, or the model cannot be compiled for inference.
    case invalidArchitecture(file: String, reason: String)
    /// The weights do not match the architecture (a missing, unexpected or mis-shaped tensor).
    case weightsMismatch(file: String, reason: String)
    /// A weight is NaN or infinite (a ReLU could hide it as a dead unit, so it is refused at load): the parameter's
    /// dotted path and the element's flat index.
    case nonFiniteWeight(file: String, parameter: String, index: Int)
    /// The fitted preprocessing pipeline does not decode; `path` locates the problem.
    case invalidPipeline(file: String, path: String, reason: String)
    /// The schema contradicts the model or the pipeline (input shape, feature count, output size).
    case schemaMismatch(file: String, reason: String)
    /// The bundle could not be assembled or written.
    case writeFailed(file: String, reason: String)
    /// The int8 calibration does not fit the model (a range count or step that differs, a bound not finite, lower
    /// above upper); the reason is the ``CalibrationError``'s.
    case invalidCalibration(file: String, reason: String)

    /// A sentence naming the file and the problem.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason): return "\(file): cannot read the bundle: \(reason)"
        case .truncated(let file, let reason): return "\(file): the bundle is truncated: \(reason)"
        case .notABundle(let file, let reason): return "\(file): not a Lepton model bundle: \(reason)"
        case .checksumMismatch(let file, let expected, let actual):
            return "\(file): checksum mismatch: the manifest records sha256 \(expected), the content hashes to "
                + "\(actual) (the file was modified or damaged after it was written)"
        case .unsupportedFormatVersion(let file, let found, let supported):
            return "\(file): bundle format version \(found) is newer than this library reads (up to \(supported)); "
                + "upgrade Lepton"
        case .malformedManifest(let file, let path, let reason):
            return "\(file): malformed manifest at \(path): \(reason)"
        case .invalidArchitecture(let file, let reason): return "\(file): the architecture does not rebuild: \(reason)"
        case .weightsMismatch(let file, let reason):
            return "\(file): the weights do not match the architecture: \(reason)"
        case .nonFiniteWeight(let file, let parameter, let index):
            return "\(file): weight \(parameter) holds a non-finite value at element \(index)"
        case .invalidPipeline(let file, let path, let reason):
            return "\(file): the preprocessing pipeline does not decode at \(path): \(reason)"
        case .schemaMismatch(let file, let reason): return "\(file): the schema does not fit the model: \(reason)"
        case .writeFailed(let file, let reason): return "\(file): cannot write the bundle: \(reason)"
        case .invalidCalibration(let file, let reason):
            return "\(file): the int8 calibration does not fit the model: \(reason)"
        }
    }
}
