import Foundation

/// Everything in a model bundle except the weights: stored as JSON under ``ModelBundle/manifestMetadataKey`` in the
/// safetensors header's `__metadata__`.
///
/// The JSON has sorted keys; nested documents (the architecture, the pipeline) are objects, not strings:
/// ```json
/// {"architecture": {"formatVersion": 1, "inputShape": [4], "layers": […], "seed": 0},
///  "evaluationMetrics": {"accuracy": 0.93}, "formatVersion": 1,
///  "lineage": {"createdAt": "2025-06-01T12:00:00Z", "dataHash": "sha256:…", "leptonVersion": "0.1.0", …},
///  "name": "credit", "preprocessing": {"featureNames": […], "formatVersion": 1, "steps": […]},
///  "reference": {…}, "schema": {"input": {"kind": "tabular", "fields": […]}, "output": {…}},
///  "trainingMetrics": {"loss": 0.21}, "version": "credit-1"}
/// ```
public struct BundleManifest: Codable, Sendable, Equatable {
    /// The format version this library writes; it reads every version up to this one.
    public static let currentFormatVersion = 1

    /// The bundle format version.
    public var formatVersion: Int
    /// The model's name (`"credit-scoring"`).
    public var name: String
    /// The version id of this model (`"credit-scoring-3"`), reported with every prediction.
    public var version: String
    /// The `Sequential` architecture JSON (`Sequential.architectureJSON()`), as a tree.
    public var architecture: JSONValue
    /// The `FittedPipeline` JSON, as a tree, for tabular models.
    public var preprocessing: JSONValue?
    /// The input and output contract.
    public var schema: ModelSchema
    /// Metrics measured during training (final loss, training accuracy…).
    public var trainingMetrics: [String: Double]
    /// Metrics measured on held-out data.
    public var evaluationMetrics: [String: Double]
    /// Training-data and prediction statistics for drift detection.
    public var reference: ReferenceStatistics?
    /// Where the model came from.
    public var lineage: BundleLineage
    /// Activation ranges for static int8 inference; absent in bundles written without calibration (which run int8
    /// with dynamic scales).
    public var calibration: QuantizationCalibration?

    /// A manifest in the current format version.
    /// - Parameters:
    ///   - name: the model's name.
    ///   - version: the model's version id.
    ///   - architecture: the architecture tree.
    ///   - preprocessing: the fitted pipeline tree.
    ///   - schema: the contract.
    ///   - trainingMetrics: training metrics.
    ///   - evaluationMetrics: held-out metrics.
    ///   - reference: drift reference statistics.
    ///   - lineage: provenance.
    ///   - calibration: int8 activation ranges.
    public init(
        name: String, version: String, architecture: JSONValue, preprocessing: JSONValue?, schema: ModelSchema,
        trainingMetrics: [String: Double], evaluationMetrics: [String: Double], reference: ReferenceStatistics?,
        lineage: BundleLineage, calibration: QuantizationCalibration? = nil
    ) {
        formatVersion = Self.currentFormatVersion
        self.name = name
        self.version = version
        self.architecture = architecture
        self.preprocessing = preprocessing
        self.schema = schema
        self.trainingMetrics = trainingMetrics
        self.evaluationMetrics = evaluationMetrics
        self.reference = reference
        self.lineage = lineage
        self.calibration = calibration
    }

    /// The manifest as the bytes stored in the bundle: compact JSON, sorted keys, non-finite numbers as the strings
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`.
    /// - Throws: `EncodingError`.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    /// Reads manifest JSON written by ``jsonData()``.
    /// - Parameter data: the JSON.
    /// - Throws: `DecodingError`.
    public init(jsonData data: Data) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        self = try decoder.decode(BundleManifest.self, from: data)
    }

    /// The format version alone, read before anything else so that a newer bundle is reported as such rather than as
    /// malformed.
    struct VersionProbe: Decodable {
        let formatVersion: Int
    }
}
