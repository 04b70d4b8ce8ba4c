import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor

extension ModelBundle {
    /// Reads and validates a bundle file.
    ///
    /// Checks, in order: the file is a valid safetensors file (``BundleError/truncated(file:reason:)`` when it ends
    /// early, ``BundleError/unreadable(file:reason:)`` otherwise); it carries a manifest
    /// (``BundleError/notABundle(file:reason:)``); its format version is not newer than this library's
    /// (``BundleError/unsupportedFormatVersion(file:found:supported:)``); the checksum matches
    /// (``BundleError/checksumMismatch(file:expected:actual:)``); then the manifest, architecture, weights, pipeline
    /// and schema.
    /// - Parameters:
    ///   - url: the bundle file.
    ///   - verifyingChecksum: whether to compare the checksum (turn off only to inspect a damaged file).
    /// - Throws: ``BundleError`` naming the file and the first problem; every size in the architecture is checked
    ///   against `ArchitectureLimits` before anything is allocated, and NaN or infinite weights are refused
    ///   (``BundleError/nonFiniteWeight(file:parameter:index:)``).
    public init(contentsOf url: URL, verifyingChecksum: Bool = true) throws(BundleError) {
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw Self.classify(error, file: url.path)
        }
        try self.init(file: file, name: url.path, verifyingChecksum: verifyingChecksum)
    }

    /// Reads and validates bundle bytes held in memory; see ``init(contentsOf:verifyingChecksum:)``.
    /// - Parameters:
    ///   - data: the complete file contents.
    ///   - name: a name for error messages.
    ///   - verifyingChecksum: whether to compare the checksum.
    /// - Throws: ``BundleError``.
    public init(data: Data, name: String = "<memory>", verifyingChecksum: Bool = true) throws(BundleError) {
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(data: data)
        } catch {
            throw Self.classify(error, file: name)
        }
        try self.init(file: file, name: name, verifyingChecksum: verifyingChecksum)
    }

    /// The checksum recorded in a file and the one its content hashes to, without any other validation beyond the
    /// safetensors format and the manifest's presence.
    /// - Parameter url: the bundle file.
    /// - Returns: `(recorded, actual)`, both `sha256:<hex>`; `recorded` is `nil` when the file has none.
    /// - Throws: ``BundleError`` when the file is unreadable or not a bundle.
    public static func checksums(of url: URL) throws(BundleError) -> (recorded: String?, actual: String) {
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(contentsOf: url)
        } catch {
            throw classify(error, file: url.path)
        }
        guard let manifest = file.metadata[manifestMetadataKey] else {
            throw .notABundle(file: url.path, reason: "no '\(manifestMetadataKey)' entry in the header's __metadata__")
        }
        do {
            return (
                file.metadata[checksumMetadataKey], try BundleChecksum.digest(manifest: Data(manifest.utf8), file: file)
            )
        } catch {
            throw .unreadable(file: url.path, reason: String(describing: error))
        }
    }

    private init(file: SafeTensorsFile, name: String, verifyingChecksum: Bool) throws(BundleError) {
        guard let manifestText = file.metadata[Self.manifestMetadataKey] else {
            let reason =
                file.metadata[Sequential.architectureMetadataKey] != nil
                ? "it is a plain model file (architecture and weights, no manifest)"
                : "no '\(Self.manifestMetadataKey)' entry in the header's __metadata__"
            throw .notABundle(file: name, reason: reason)
        }
        let manifestJSON = Data(manifestText.utf8)
        try Self.checkFormatVersion(manifestJSON, file: name)
        if verifyingChecksum { try Self.verifyChecksum(file, manifestJSON: manifestJSON, name: name) }
        let manifest: BundleManifest
        do {
            manifest = try BundleManifest(jsonData: manifestJSON)
        } catch {
            let (path, reason) = DecodingErrorLocation.describe(error, root: "manifest")
            throw .malformedManifest(file: name, path: path, reason: reason)
        }
        if let problem = Self.lineageProblem(manifest.lineage) {
            throw .malformedManifest(file: name, path: "manifest.lineage.createdAt", reason: problem)
        }
        let model = try Self.rebuildModel(manifest.architecture, file: file, name: name)
        var pipeline: FittedPipeline?
        if let preprocessing = manifest.preprocessing {
            do {
                pipeline = try preprocessing.decoded(as: FittedPipeline.self)
            } catch {
                let (path, reason) = DecodingErrorLocation.describe(error, root: "manifest.preprocessing")
                throw .invalidPipeline(file: name, path: path, reason: reason)
            }
        }
        try BundleConsistency.check(model: model, pipeline: pipeline, schema: manifest.schema, file: name)
        try Self.checkCalibration(manifest.calibration, model: model, file: name)
        self.init(
            model: model, pipeline: pipeline, manifest: manifest,
            checksum: verifyingChecksum ? file.metadata[Self.checksumMetadataKey] : nil)
    }

    private static func checkFormatVersion(_ manifestJSON: Data, file: String) throws(BundleError) {
        let probe: BundleManifest.VersionProbe
        do {
            probe = try JSONDecoder().decode(BundleManifest.VersionProbe.self, from: manifestJSON)
        } catch {
            let (path, reason) = DecodingErrorLocation.describe(error, root: "manifest")
            throw .malformedManifest(file: file, path: path, reason: reason)
        }
        guard probe.formatVersion <= BundleManifest.currentFormatVersion else {
            throw .unsupportedFormatVersion(
                file: file, found: probe.formatVersion, supported: BundleManifest.currentFormatVersion)
        }
        guard probe.formatVersion >= 1 else {
            throw .malformedManifest(
                file: file, path: "manifest.formatVersion", reason: "must be at least 1, found \(probe.formatVersion)")
        }
    }

    private static func verifyChecksum(_ file: SafeTensorsFile, manifestJSON: Data, name: String) throws(BundleError) {
        guard let recorded = file.metadata[checksumMetadataKey] else {
            throw .notABundle(file: name, reason: "no '\(checksumMetadataKey)' entry in the header's __metadata__")
        }
        let actual: String
        do {
            actual = try BundleChecksum.digest(manifest: manifestJSON, file: file)
        } catch {
            throw .unreadable(file: name, reason: String(describing: error))
        }
        guard recorded == actual else { throw .checksumMismatch(file: name, expected: recorded, actual: actual) }
    }

    private static func lineageProblem(_ lineage: BundleLineage) -> String? {
        lineage.creationDate == nil ? "'\(lineage.createdAt)' is not an ISO 8601 date and time" : nil
    }

    private static func rebuildModel(_ architecture: JSONValue, file: SafeTensorsFile, name: String)
        throws(BundleError) -> Sequential
    {
        do {
            try ArchitectureScreen(parameterLimit: file.dataByteCount).check(architecture)
        } catch {
            throw .invalidArchitecture(file: name, reason: error.reason)
        }
        let model: Sequential
        do {
            model = try Sequential.fromArchitectureJSON(architecture.jsonData(), file: name)
        } catch {
            throw .invalidArchitecture(file: name, reason: String(describing: error))
        }
        guard model.isBuilt else {
            throw .invalidArchitecture(file: name, reason: "the architecture has no input shape")
        }
        do {
            try model.loadWeights(from: file, name: name)
        } catch {
            throw .weightsMismatch(file: name, reason: String(describing: error))
        }
        try BundleConsistency.checkFiniteWeights(of: model, file: name)
        return model
    }

    /// Maps a safetensors reading error to a bundle error: a file that ends early is truncated.
    static func classify(_ error: any Error, file: String) -> BundleError {
        guard let error = error as? SafeTensorsError else { return .unreadable(file: file, reason: "\(error)") }
        switch error.kind {
        case .fileTooShort, .headerBeyondFile, .dataOutOfBounds:
            return .truncated(file: file, reason: error.description)
        default:
            return .unreadable(file: file, reason: error.description)
        }
    }
}
