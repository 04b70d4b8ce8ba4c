import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor

/// A trained model as one self-describing, data-only file (`.lepton`): never code.
///
/// The file is a valid safetensors file. Its tensors are the model's weights, F32, under their dotted paths
/// (`0.weight`, `2.bias`); its `__metadata__` holds
/// - `lepton.format`: `lepton-bundle`;
/// - `lepton.manifest`: the ``BundleManifest`` JSON — architecture, fitted preprocessing, schema, metrics, reference
///   statistics for drift, lineage, format version;
/// - `lepton.checksum`: `sha256:<hex>` over the manifest and the tensors (see `BundleChecksum` in the source for
///   the exact byte stream), checked on every read.
///
/// Writes are atomic (temporary file, fsync, rename). Reading validates the file, the format version, the checksum,
/// the manifest, the architecture, the weights, the pipeline and the schema, and throws a ``BundleError`` naming the
/// first problem.
///
/// ```swift
/// let bundle = try ModelBundle(
///     model: model, pipeline: fitted, schema: schema, name: "credit", version: "credit-1",
///     evaluationMetrics: ["auc": 0.81], reference: reference,
///     lineage: BundleLineage(dataHash: try BundleLineage.dataHash(ofFile: csv), dataDescription: "file credit.csv"))
/// try bundle.write(to: URL(fileURLWithPath: "credit.lepton"))
/// let loaded = try ModelBundle(contentsOf: URL(fileURLWithPath: "credit.lepton"))
/// ```
public struct ModelBundle {
    /// The file extension of bundles.
    public static let fileExtension = "lepton"
    /// The `__metadata__` key of the format marker.
    public static let formatMetadataKey = "lepton.format"
    /// The value of the format marker.
    public static let formatMarker = "lepton-bundle"
    /// The `__metadata__` key of the manifest JSON.
    public static let manifestMetadataKey = "lepton.manifest"
    /// The `__metadata__` key of the checksum.
    public static let checksumMetadataKey = "lepton.checksum"

    /// The model, with its weights.
    public let model: Sequential
    /// The fitted preprocessing of a tabular model.
    public let pipeline: FittedPipeline?
    /// Everything else.
    public let manifest: BundleManifest
    /// `sha256:<hex>`: the verified checksum of a bundle read from a file; `nil` for one built in memory and not
    /// written yet.
    public private(set) var checksum: String?

    /// Assembles a bundle from a trained model, checking that schema, model and pipeline fit together.
    /// - Parameters:
    ///   - model: the trained, built model.
    ///   - pipeline: the fitted preprocessing (tabular models).
    ///   - schema: the input and output contract.
    ///   - name: the model's name.
    ///   - version: the model's version id.
    ///   - trainingMetrics: metrics from training.
    ///   - evaluationMetrics: metrics on held-out data.
    ///   - reference: drift reference statistics.
    ///   - lineage: provenance.
    ///   - calibration: int8 activation ranges (``QuantizationCalibration/init(model:batches:method:)``).
    /// - Throws: ``BundleError/schemaMismatch(file:reason:)`` or ``BundleError/invalidArchitecture(file:reason:)``
    ///   (with file `<memory>`) when the parts do not fit, ``BundleError/nonFiniteWeight(file:parameter:index:)``
    ///   when a weight is NaN or infinite (such a bundle could not be loaded),
    ///   ``BundleError/invalidCalibration(file:reason:)`` when the calibration does not fit the model.
    public init(
        model: Sequential, pipeline: FittedPipeline? = nil, schema: ModelSchema, name: String, version: String,
        trainingMetrics: [String: Double] = [:], evaluationMetrics: [String: Double] = [:],
        reference: ReferenceStatistics? = nil, lineage: BundleLineage = BundleLineage(),
        calibration: QuantizationCalibration? = nil
    ) throws(BundleError) {
        let file = "<memory>"
        let architecture: JSONValue
        let preprocessing: JSONValue?
        do {
            architecture = try JSONValue(parsing: model.architectureJSON())
            preprocessing = try pipeline.map { try JSONValue(encoding: $0) }
        } catch {
            throw .writeFailed(file: file, reason: "cannot encode the architecture or pipeline: \(error)")
        }
        try BundleConsistency.checkFiniteWeights(of: model, file: file)
        try BundleConsistency.check(model: model, pipeline: pipeline, schema: schema, file: file)
        try Self.checkCalibration(calibration, model: model, file: file)
        self.model = model
        self.pipeline = pipeline
        manifest = BundleManifest(
            name: name, version: version, architecture: architecture, preprocessing: preprocessing, schema: schema,
            trainingMetrics: trainingMetrics, evaluationMetrics: evaluationMetrics, reference: reference,
            lineage: lineage, calibration: calibration)
    }

    /// The same bundle with int8 activation ranges (replacing any it had); write it to store them.
    /// - Parameter calibration: ranges calibrated on this bundle's model.
    /// - Returns: the calibrated bundle, not yet written (``checksum`` is `nil`).
    /// - Throws: ``BundleError/invalidCalibration(file:reason:)`` when the ranges do not fit the model.
    public func calibrated(_ calibration: QuantizationCalibration) throws(BundleError) -> ModelBundle {
        try Self.checkCalibration(calibration, model: model, file: "<memory>")
        var manifest = manifest
        manifest.calibration = calibration
        return ModelBundle(model: model, pipeline: pipeline, manifest: manifest, checksum: nil)
    }

    /// Validates int8 ranges against the model they are stored with.
    static func checkCalibration(_ calibration: QuantizationCalibration?, model: Sequential, file: String)
        throws(BundleError)
    {
        do {
            try calibration?.validate(for: model)
        } catch {
            throw .invalidCalibration(file: file, reason: error.description)
        }
    }

    /// A bundle from validated parts (used by the reader).
    init(model: Sequential, pipeline: FittedPipeline?, manifest: BundleManifest, checksum: String?) {
        self.model = model
        self.pipeline = pipeline
        self.manifest = manifest
        self.checksum = checksum
    }

    /// The model's version id.
    public var version: String { manifest.version }
    /// The input and output contract.
    public var schema: ModelSchema { manifest.schema }

    /// The complete file contents, with the checksum.
    /// - Returns: the bytes and the checksum.
    /// - Throws: ``BundleError/writeFailed(file:reason:)`` when the manifest or a tensor cannot be encoded.
    public func serialized() throws(BundleError) -> (data: Data, checksum: String) {
        let writer = try checksummedWriter(file: "<memory>")
        return (writer.serialized(), writer.metadata[Self.checksumMetadataKey]!)
    }

    /// Writes the bundle atomically (temporary file, fsync, rename).
    /// - Parameter url: the destination; its directory must exist.
    /// - Returns: the bundle as written, with its ``checksum``.
    /// - Throws: ``BundleError/writeFailed(file:reason:)`` naming the failing step.
    @discardableResult
    public func write(to url: URL) throws(BundleError) -> ModelBundle {
        let writer = try checksummedWriter(file: url.path)
        do {
            try writer.write(to: url)
        } catch {
            throw .writeFailed(file: url.path, reason: String(describing: error))
        }
        var written = self
        written.checksum = writer.metadata[Self.checksumMetadataKey]
        return written
    }

    /// A writer holding the weights and the metadata, checksum included.
    private func checksummedWriter(file: String) throws(BundleError) -> SafeTensorsWriter {
        do {
            let manifestJSON = try manifest.jsonData()
            var writer = SafeTensorsWriter(metadata: [
                Self.formatMetadataKey: Self.formatMarker,
                Self.manifestMetadataKey: String(decoding: manifestJSON, as: UTF8.self),
            ])
            for named in model.namedParameters() { try writer.add(named.path, named.parameter.value) }
            // Hash the tensors in the order the writer lays them out, read back from its own output.
            let laidOut = try SafeTensorsFile(data: writer.serialized())
            writer.metadata[Self.checksumMetadataKey] = try BundleChecksum.digest(manifest: manifestJSON, file: laidOut)
            return writer
        } catch {
            throw .writeFailed(file: file, reason: String(describing: error))
        }
    }
}

extension ModelBundle {
    /// The bundle's identity as the model registry records it: version id, name, evaluation metrics, creation time and
    /// lineage.
    ///
    /// ```swift
    /// let predictor = try Predictor(bundle: bundle, warmUpCalls: 0)
    /// try await registry.register(predictor, version: bundle.modelVersion) { predictor in
    ///     var copy = predictor
    ///     try copy.warmUp()
    /// }
    /// ```
    public var modelVersion: ModelVersion {
        var metadata = ["name": manifest.name, "leptonVersion": manifest.lineage.leptonVersion]
        if let checksum { metadata["checksum"] = checksum }
        if let dataHash = manifest.lineage.dataHash { metadata["dataHash"] = dataHash }
        return ModelVersion(
            id: manifest.version, metadata: metadata, metrics: manifest.evaluationMetrics,
            createdAt: manifest.lineage.creationDate ?? Date(timeIntervalSince1970: 0),
            lineage: manifest.lineage.modelLineage)
    }
}
