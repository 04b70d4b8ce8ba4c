import LeptonData

/// What every latent-factor recommender holds and saves — its configuration, its fitted factors and the interactions
/// it was fitted on, under the keys `configuration`, `factors` and `training` — kept and read in one place, and
/// checked against each other on decoding, so that a decoded model never ranks with factors that do not match its
/// users and items.
struct StoredFactorModel<Configuration: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The hyperparameters used.
    let configuration: Configuration
    /// The fitted parameters.
    let factors: LatentFactors
    /// The interactions fitted on.
    let training: InteractionMatrix

    private enum CodingKeys: String, CodingKey { case configuration, factors, training }

    /// The state of a model just fitted (its factors were made for `training`'s users and items).
    init(configuration: Configuration, factors: LatentFactors, training: InteractionMatrix) {
        self.configuration = configuration
        self.factors = factors
        self.training = training
    }

    /// Decodes the three parts and checks that the factors' users and items are the training interactions'.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError`, or ``RecommenderError/corruptModel(_:)`` when the parts do not match.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        factors = try container.decode(LatentFactors.self, forKey: .factors)
        training = try container.decode(InteractionMatrix.self, forKey: .training)
        try LatentFactors.validate(factors, training: training)
    }
}
