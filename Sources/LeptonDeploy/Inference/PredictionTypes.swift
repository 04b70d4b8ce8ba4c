import LeptonData
import LeptonTensor

/// One request to a ``Predictor``.
public enum PredictionRequest: Sendable {
    /// A tabular record: raw field values by name (fields the schema does not list are ignored).
    case record([String: FeatureValue])
    /// A tabular record as a one-row table.
    case table(Table)
    /// One sample of a tensor model: the per-sample shape, or `[1]` followed by it.
    case tensor(Tensor)
    /// One sample of a tensor model as row-major values and their shape.
    case values([Float], shape: [Int])
    /// One text for a text model (tokenised by the bundle's tokenizer).
    case text(String)
}

/// Whether to run a model in full precision or with 8-bit integer weights.
public enum Quantization: String, Codable, Sendable, CaseIterable {
    /// 32-bit floats throughout.
    case none
    /// int8: Dense and Conv2D weights are int8 per output channel (symmetric), products accumulate in int32 and are
    /// scaled back to floats. Activations are quantised with the calibrated scales of a ``QuantizationCalibration``
    /// when the predictor has one (static), else per row (per image for convolutions) at run time (dynamic).
    case int8
}

/// The answer to one request.
public struct Prediction: Codable, Sendable, Equatable {
    /// The model's raw outputs for the sample, row-major.
    public var outputs: [Float]
    /// Class probabilities, one per label, for a classifier (the outputs themselves when the model ends in softmax).
    public var probabilities: [Float]?
    /// The most probable class label, for a classifier.
    public var label: String?
    /// The index of that label in the schema's output names.
    public var classIndex: Int?
    /// Its probability.
    public var probability: Float?
    /// The version id of the model that answered.
    public var modelVersion: String

    /// A prediction.
    /// - Parameters:
    ///   - outputs: the raw outputs.
    ///   - probabilities: class probabilities.
    ///   - label: the top class label.
    ///   - classIndex: its index.
    ///   - probability: its probability.
    ///   - modelVersion: the answering version.
    public init(
        outputs: [Float], probabilities: [Float]? = nil, label: String? = nil, classIndex: Int? = nil,
        probability: Float? = nil, modelVersion: String
    ) {
        self.outputs = outputs
        self.probabilities = probabilities
        self.label = label
        self.classIndex = classIndex
        self.probability = probability
        self.modelVersion = modelVersion
    }
}

/// Where in a request a bad value sits.
public enum InputLocation: Sendable, Hashable, CustomStringConvertible {
    /// A named field of a tabular record.
    case field(String)
    /// An element of a tensor, by row-major index.
    case element(Int)

    /// `field 'age'` or `element 417`.
    public var description: String {
        switch self {
        case .field(let name): return "field '\(name)'"
        case .element(let index): return "element \(index)"
        }
    }
}

/// Why a request was rejected. A server answers it to the caller; it never crashes on one.
public enum PredictionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tensor request's shape differs from the model's per-sample input shape.
    case wrongShape(expected: [Int], actual: [Int])
    /// A values request has a different number of values than its shape needs.
    case wrongElementCount(shape: [Int], expected: Int, actual: Int)
    /// A value is NaN or infinite.
    case nonFinite(InputLocation, value: Double)
    /// A categorical field has a value outside the schema's categories.
    case unknownCategory(field: String, value: String, allowed: [String])
    /// A required field is absent or missing.
    case missingField(String)
    /// A value lies outside the schema's range.
    case outOfRange(InputLocation, value: Double, minimum: Double?, maximum: Double?)
    /// A field's value has the wrong type (a string for a numeric field…); `actual` describes what came.
    case wrongType(field: String, expected: ColumnType, actual: String)
    /// A tensor was sent to a tabular model or a record to a tensor model.
    case wrongRequestKind(expected: String, actual: String)
    /// A table request has other than one row.
    case wrongRowCount(expected: Int, actual: Int)
    /// The fitted preprocessing rejected the record.
    case preprocessingFailed(reason: String)
    /// The model produced a non-finite output (at the given output index).
    case nonFiniteOutput(index: Int)
    /// A text model's tokenizer refused the text (an unknown character) or kept no token of it.
    case invalidText(reason: String)

    /// A sentence naming the problem, with what was expected and what was found.
    public var description: String {
        switch self {
        case .wrongShape(let expected, let actual):
            return "wrong input shape: expected \(expected) (or [1] + \(expected)), got \(actual)"
        case .wrongElementCount(let shape, let expected, let actual):
            return "shape \(shape) needs \(expected) values, got \(actual)"
        case .nonFinite(let location, let value): return "\(location) is \(value); values must be finite"
        case .unknownCategory(let field, let value, let allowed):
            let shown = allowed.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
            return "field '\(field)' has unknown category '\(value)'; allowed: \(shown)"
                + (allowed.count > 20 ? ", … (\(allowed.count) in all)" : "")
        case .missingField(let name): return "required field '\(name)' is missing"
        case .outOfRange(let location, let value, let minimum, let maximum):
            let low = minimum.map { "\($0)" } ?? "-∞"
            let high = maximum.map { "\($0)" } ?? "∞"
            return "\(location) is \(value), outside the allowed range [\(low), \(high)]"
        case .wrongType(let field, let expected, let actual):
            return "field '\(field)' must be \(expected), got \(actual)"
        case .wrongRequestKind(let expected, let actual): return "this model takes \(expected), got \(actual)"
        case .wrongRowCount(let expected, let actual): return "expected a table of \(expected) row, got \(actual) rows"
        case .preprocessingFailed(let reason): return "preprocessing rejected the record: \(reason)"
        case .nonFiniteOutput(let index): return "the model produced a non-finite output at index \(index)"
        case .invalidText(let reason): return "the text cannot be tokenised: \(reason)"
        }
    }
}
