import LeptonData

/// A latent-factor recommender whose whole state is one ``StoredFactorModel``: its ``LatentFactorRecommender/factors``
/// and ``ItemScoringRecommender/training`` are the stored ones, and it is saved and read as the stored model (keys
/// `configuration`, `factors`, `training`, checked against each other on decoding). The default `init(from:)` and
/// `encode(to:)` below are the conformers' `Codable` implementations: a protocol extension's witnesses are chosen
/// before the compiler would synthesise them.
protocol StoredFactorRecommender: LatentFactorRecommender, Codable {
    /// The model's hyperparameters.
    associatedtype Configuration: Codable & Sendable & Equatable

    /// The configuration, factors and training interactions.
    var stored: StoredFactorModel<Configuration> { get }

    /// A model of the given state.
    init(stored: StoredFactorModel<Configuration>)
}

extension StoredFactorRecommender {
    /// The hyperparameters used.
    public var configuration: Configuration { stored.configuration }

    /// The fitted parameters.
    public var factors: LatentFactors { stored.factors }

    /// The interactions fitted on.
    public var training: InteractionMatrix { stored.training }

    /// Decodes a fitted model (keys `configuration`, `factors`, `training`) and checks that its parameters match its
    /// training interactions' users and items.
    /// - Parameter decoder: The decoder.
    /// - Throws: ``RecommenderError/corruptModel(_:)`` when they do not match.
    public init(from decoder: any Decoder) throws {
        self.init(stored: try StoredFactorModel(from: decoder))
    }

    /// Encodes the configuration, factors and training interactions under the keys `configuration`, `factors` and
    /// `training`.
    /// - Parameter encoder: The encoder.
    public func encode(to encoder: any Encoder) throws {
        try stored.encode(to: encoder)
    }

    /// Runs `epochs` passes of `pass` over `model`, checking after each that every parameter is still finite.
    ///
    /// - Parameters:
    ///   - model: The parameters being fitted.
    ///   - epochs: How many passes.
    ///   - pass: One pass over the parameters.
    /// - Throws: ``RecommenderError/diverged(model:epoch:)`` naming the first epoch after which a parameter is NaN or
    ///   infinite.
    static func train(_ model: inout LatentFactors, epochs: Int, _ pass: (inout LatentFactors) -> Void) throws {
        for epoch in 0..<epochs {
            pass(&model)
            guard model.isFinite else { throw RecommenderError.diverged(model: modelName, epoch: epoch) }
        }
    }
}
