/// The JSON description of a ``RecommenderBundle``: identity, id maps and sizes (the numbers are tensors).
public struct RecommenderManifest: Sendable, Equatable, Codable {
    /// The bundle format version this library writes.
    public static let currentFormatVersion = 1
    /// The format version the file was written in.
    public var formatVersion: Int
    /// The model's name.
    public var name: String
    /// The model's version id.
    public var version: String
    /// The kind of model that produced the factors (for example `ExplicitALS`).
    public var modelKind: String
    /// The user ids, in factor-row order.
    public var users: [String]
    /// The item ids, in factor-row order.
    public var items: [String]
    /// Latent factors per user and item (0 for a bias-only model).
    public var factorCount: Int
    /// The global offset of every score.
    public var globalMean: Float
    /// The rating scale predictions are clipped to, when the model predicts ratings.
    public var ratingScale: ClosedRange<Double>?
}
