/// A transform that can be a step of a ``Pipeline``: every built-in transform conforms.
public protocol PipelineComponent: Sendable {
    /// The transform as a pipeline step.
    var pipelineStep: PipelineStep { get }
}

/// One unfitted step of a ``Pipeline``: a discriminated union of the built-in transforms, so a pipeline is data
/// (`Codable`) rather than code.
public enum PipelineStep: Sendable, Codable, Equatable, PipelineComponent {
    /// ``Impute``.
    case impute(Impute)
    /// ``Outliers``.
    case outliers(Outliers)
    /// ``StandardScale``.
    case standardScale(StandardScale)
    /// ``MinMaxScale``.
    case minMaxScale(MinMaxScale)
    /// ``RobustScale``.
    case robustScale(RobustScale)
    /// ``OneHot``.
    case oneHot(OneHot)
    /// ``OrdinalEncode``.
    case ordinalEncode(OrdinalEncode)
    /// ``Discretize``.
    case discretize(Discretize)
    /// ``WeightOfEvidence``.
    case weightOfEvidence(WeightOfEvidence)
    /// ``PolynomialFeatures``.
    case polynomialFeatures(PolynomialFeatures)
    /// ``BagOfWords``.
    case bagOfWords(BagOfWords)
    /// ``TFIDF``.
    case tfidf(TFIDF)
    /// ``FeatureHashing``.
    case featureHashing(FeatureHashing)
    /// ``Passthrough``.
    case passthrough(Passthrough)

    /// The step itself.
    public var pipelineStep: PipelineStep { self }

    /// Fits the step's transform on `table`.
    /// - Parameter table: the data as it reaches this step.
    /// - Throws: whatever the transform's `fit(on:)` throws.
    public func fit(on table: Table) throws -> FittedPipelineStep {
        switch self {
        case .impute(let transform): return .impute(try transform.fit(on: table))
        case .outliers(let transform): return .outliers(try transform.fit(on: table))
        case .standardScale(let transform): return .scale(try transform.fit(on: table))
        case .minMaxScale(let transform): return .scale(try transform.fit(on: table))
        case .robustScale(let transform): return .scale(try transform.fit(on: table))
        case .oneHot(let transform): return .oneHot(try transform.fit(on: table))
        case .ordinalEncode(let transform): return .ordinalEncode(try transform.fit(on: table))
        case .discretize(let transform): return .discretize(try transform.fit(on: table))
        case .weightOfEvidence(let transform): return .weightOfEvidence(try transform.fit(on: table))
        case .polynomialFeatures(let transform): return .polynomialFeatures(try transform.fit(on: table))
        case .bagOfWords(let transform): return .bagOfWords(try transform.fit(on: table))
        case .tfidf(let transform): return .tfidf(try transform.fit(on: table))
        case .featureHashing(let transform): return .featureHashing(try transform.fit(on: table))
        case .passthrough(let transform): return .passthrough(try transform.fit(on: table))
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind
        case transform
    }

    /// Decodes `{"kind": "<step>", "transform": {…}}`.
    /// - Parameter decoder: the decoder.
    /// - Throws: `DecodingError` for an unknown kind or a malformed transform.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try container.decode(T.self, forKey: .transform) }
        switch kind {
        case "impute": self = .impute(try decode(Impute.self))
        case "outliers": self = .outliers(try decode(Outliers.self))
        case "standardScale": self = .standardScale(try decode(StandardScale.self))
        case "minMaxScale": self = .minMaxScale(try decode(MinMaxScale.self))
        case "robustScale": self = .robustScale(try decode(RobustScale.self))
        case "oneHot": self = .oneHot(try decode(OneHot.self))
        case "ordinalEncode": self = .ordinalEncode(try decode(OrdinalEncode.self))
        case "discretize": self = .discretize(try decode(Discretize.self))
        case "weightOfEvidence": self = .weightOfEvidence(try decode(WeightOfEvidence.self))
        case "polynomialFeatures": self = .polynomialFeatures(try decode(PolynomialFeatures.self))
        case "bagOfWords": self = .bagOfWords(try decode(BagOfWords.self))
        case "tfidf": self = .tfidf(try decode(TFIDF.self))
        case "featureHashing": self = .featureHashing(try decode(FeatureHashing.self))
        case "passthrough": self = .passthrough(try decode(Passthrough.self))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown pipeline step kind \(kind.debugDescription)")
        }
    }

    /// Encodes `{"kind": "<step>", "transform": {…}}`.
    /// - Parameter encoder: the encoder.
    /// - Throws: `EncodingError` from the encoder.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let (kind, transform): (String, any Encodable) =
            switch self {
            case .impute(let value): ("impute", value)
            case .outliers(let value): ("outliers", value)
            case .standardScale(let value): ("standardScale", value)
            case .minMaxScale(let value): ("minMaxScale", value)
            case .robustScale(let value): ("robustScale", value)
            case .oneHot(let value): ("oneHot", value)
            case .ordinalEncode(let value): ("ordinalEncode", value)
            case .discretize(let value): ("discretize", value)
            case .weightOfEvidence(let value): ("weightOfEvidence", value)
            case .polynomialFeatures(let value): ("polynomialFeatures", value)
            case .bagOfWords(let value): ("bagOfWords", value)
            case .tfidf(let value): ("tfidf", value)
            case .featureHashing(let value): ("featureHashing", value)
            case .passthrough(let value): ("passthrough", value)
            }
        try container.encode(kind, forKey: .kind)
        try container.encode(transform, forKey: .transform)
    }
}

extension Impute: PipelineComponent {
    /// `.impute(self)`.
    public var pipelineStep: PipelineStep { .impute(self) }
}

extension Outliers: PipelineComponent {
    /// `.outliers(self)`.
    public var pipelineStep: PipelineStep { .outliers(self) }
}

extension StandardScale: PipelineComponent {
    /// `.standardScale(self)`.
    public var pipelineStep: PipelineStep { .standardScale(self) }
}

extension MinMaxScale: PipelineComponent {
    /// `.minMaxScale(self)`.
    public var pipelineStep: PipelineStep { .minMaxScale(self) }
}

extension RobustScale: PipelineComponent {
    /// `.robustScale(self)`.
    public var pipelineStep: PipelineStep { .robustScale(self) }
}

extension OneHot: PipelineComponent {
    /// `.oneHot(self)`.
    public var pipelineStep: PipelineStep { .oneHot(self) }
}

extension OrdinalEncode: PipelineComponent {
    /// `.ordinalEncode(self)`.
    public var pipelineStep: PipelineStep { .ordinalEncode(self) }
}

extension Discretize: PipelineComponent {
    /// `.discretize(self)`.
    public var pipelineStep: PipelineStep { .discretize(self) }
}

extension WeightOfEvidence: PipelineComponent {
    /// `.weightOfEvidence(self)`.
    public var pipelineStep: PipelineStep { .weightOfEvidence(self) }
}

extension PolynomialFeatures: PipelineComponent {
    /// `.polynomialFeatures(self)`.
    public var pipelineStep: PipelineStep { .polynomialFeatures(self) }
}

extension BagOfWords: PipelineComponent {
    /// `.bagOfWords(self)`.
    public var pipelineStep: PipelineStep { .bagOfWords(self) }
}

extension TFIDF: PipelineComponent {
    /// `.tfidf(self)`.
    public var pipelineStep: PipelineStep { .tfidf(self) }
}

extension FeatureHashing: PipelineComponent {
    /// `.featureHashing(self)`.
    public var pipelineStep: PipelineStep { .featureHashing(self) }
}

extension Passthrough: PipelineComponent {
    /// `.passthrough(self)`.
    public var pipelineStep: PipelineStep { .passthrough(self) }
}
