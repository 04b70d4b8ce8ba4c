import LeptonData

/// What every latent-factor recommender saves — its configuration, its fitted factors and the interactions it was
/// fitted on, under the keys `configuration`, `factors` and `training` — read in one place and checked against each
/// other, so that a decoded model never ranks with factors that do not match its users and items.
struct StoredFactorModel<Configuration: Decodable>: Decodable {
    /// The hyperparameters used.
    let configuration: Configuration
    /// The fitted parameters.
    let factors: LatentFactors
    /// The interactions fitted on.
    let training: InteractionMatrix

    private enum CodingKeys: String, CodingKey { case configuration, factors, training }

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
