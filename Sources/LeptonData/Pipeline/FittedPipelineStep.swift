/// One fitted step of a ``FittedPipeline``: a discriminated union of the fitted built-in transforms.
///
/// Encoded as `{"kind": "<step>", "state": {…}}`; the three scalers share the kind `scale`.
public enum FittedPipelineStep: Sendable, Codable, Equatable {
    /// A fitted ``Impute``.
    case impute(FittedImpute)
    /// A fitted ``Outliers``.
    case outliers(FittedOutliers)
    /// A fitted ``StandardScale``, ``MinMaxScale`` or ``RobustScale``.
    case scale(FittedAffineScale)
    /// A fitted ``OneHot``.
    case oneHot(FittedOneHot)
    /// A fitted ``OrdinalEncode``.
    case ordinalEncode(FittedOrdinalEncode)
    /// A fitted ``Discretize``.
    case discretize(FittedDiscretize)
    /// A fitted ``WeightOfEvidence``.
    case weightOfEvidence(FittedWeightOfEvidence)
    /// A fitted ``PolynomialFeatures``.
    case polynomialFeatures(FittedPolynomialFeatures)
    /// A fitted ``BagOfWords``.
    case bagOfWords(FittedBagOfWords)
    /// A fitted ``TFIDF``.
    case tfidf(FittedTFIDF)
    /// A fitted ``FeatureHashing``.
    case featureHashing(FittedFeatureHashing)
    /// A fitted ``Passthrough``.
    case passthrough(FittedPassthrough)

    /// The fitted transform inside, with its kind's name.
    private var parts: (kind: String, transform: any FittedTableTransform) {
        switch self {
        case .impute(let value): return ("impute", value)
        case .outliers(let value): return ("outliers", value)
        case .scale(let value): return ("scale", value)
        case .oneHot(let value): return ("oneHot", value)
        case .ordinalEncode(let value): return ("ordinalEncode", value)
        case .discretize(let value): return ("discretize", value)
        case .weightOfEvidence(let value): return ("weightOfEvidence", value)
        case .polynomialFeatures(let value): return ("polynomialFeatures", value)
        case .bagOfWords(let value): return ("bagOfWords", value)
        case .tfidf(let value): return ("tfidf", value)
        case .featureHashing(let value): return ("featureHashing", value)
        case .passthrough(let value): return ("passthrough", value)
        }
    }

    /// The fitted transform inside.
    public var transform: any FittedTableTransform { parts.transform }

    /// The columns the step produces.
    public var outputColumns: [String] { parts.transform.outputColumns }

    /// Applies the step to `table`.
    /// - Parameter table: the data as it reaches this step.
    /// - Throws: whatever the transform's `apply(to:)` throws.
    public func apply(to table: Table) throws -> Table { try parts.transform.apply(to: table) }

    /// The data the next step is fitted on: ``apply(to:)``, except that ``OutlierAction/drop`` removes the rows
    /// outside the bounds.
    /// - Parameter table: the training data as it reaches this step.
    /// - Throws: whatever the transform's `apply(to:)` throws.
    func applyForFitting(to table: Table) throws -> Table {
        if case .outliers(let outliers) = self, outliers.action == .drop { return try outliers.dropping(from: table) }
        return try apply(to: table)
    }

    private enum CodingKeys: String, CodingKey {
        case kind
        case state
    }

    /// Decodes `{"kind": "<step>", "state": {…}}` and checks the state's consistency (bins match cut points,
    /// scales are nonzero, term indices are in range, …), so a damaged file fails here rather than in `apply`.
    /// - Parameter decoder: the decoder.
    /// - Throws: `DecodingError` for an unknown kind or a malformed or inconsistent state.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try container.decode(T.self, forKey: .state) }
        switch kind {
        case "impute": self = .impute(try decode(FittedImpute.self))
        case "outliers": self = .outliers(try decode(FittedOutliers.self))
        case "scale": self = .scale(try decode(FittedAffineScale.self))
        case "oneHot": self = .oneHot(try decode(FittedOneHot.self))
        case "ordinalEncode": self = .ordinalEncode(try decode(FittedOrdinalEncode.self))
        case "discretize": self = .discretize(try decode(FittedDiscretize.self))
        case "weightOfEvidence": self = .weightOfEvidence(try decode(FittedWeightOfEvidence.self))
        case "polynomialFeatures": self = .polynomialFeatures(try decode(FittedPolynomialFeatures.self))
        case "bagOfWords": self = .bagOfWords(try decode(FittedBagOfWords.self))
        case "tfidf": self = .tfidf(try decode(FittedTFIDF.self))
        case "featureHashing": self = .featureHashing(try decode(FittedFeatureHashing.self))
        case "passthrough": self = .passthrough(try decode(FittedPassthrough.self))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown fitted step kind \(kind.debugDescription)")
        }
        if let inconsistency {
            throw DecodingError.dataCorruptedError(
                forKey: .state, in: container, debugDescription: "\(kind) step: \(inconsistency)")
        }
    }

    /// Encodes `{"kind": "<step>", "state": {…}}`.
    /// - Parameter encoder: the encoder.
    /// - Throws: `EncodingError` from the encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let (kind, transform) = parts
        try container.encode(kind, forKey: .kind)
        try container.encode(transform, forKey: .state)
    }
}
