import LeptonData

/// The fitted parameters every recommender here shares: a global mean, user and item biases, and user and item
/// factor matrices (row-major, `factorCount` columns), with the id maps that name their rows.
///
/// The predicted score of user u for item i is `globalMean + userBiases[u] + itemBiases[i] + p_u · q_i`; models
/// without a term keep it at 0 (implicit ALS has no biases; the baseline has no factors).
public struct LatentFactors: Sendable, Equatable, Codable {
    /// The user ids, one per row of ``userFactors``.
    public let users: IDMap
    /// The item ids, one per row of ``itemFactors``.
    public let items: IDMap
    /// The number of latent factors (0 for a bias-only model).
    public let factorCount: Int
    /// User factors, `users.count × factorCount`, row-major.
    public internal(set) var userFactors: [Float]
    /// Item factors, `items.count × factorCount`, row-major.
    public internal(set) var itemFactors: [Float]
    /// One bias per user.
    public internal(set) var userBiases: [Float]
    /// One bias per item.
    public internal(set) var itemBiases: [Float]
    /// The global offset.
    public internal(set) var globalMean: Float

    /// Zero-initialised parameters for the users and items of `matrix`.
    init(users: IDMap, items: IDMap, factorCount: Int, globalMean: Float = 0) {
        self.users = users
        self.items = items
        self.factorCount = factorCount
        userFactors = [Float](repeating: 0, count: users.count * factorCount)
        itemFactors = [Float](repeating: 0, count: items.count * factorCount)
        userBiases = [Float](repeating: 0, count: users.count)
        itemBiases = [Float](repeating: 0, count: items.count)
        self.globalMean = globalMean
    }

    private enum CodingKeys: String, CodingKey {
        case users, items, factorCount, userFactors, itemFactors, userBiases, itemBiases, globalMean
    }

    /// Decodes the parameters and checks that every array has the length the id maps and factor count imply.
    /// - Parameter decoder: The decoder.
    /// - Throws: ``RecommenderError/corruptModel(_:)`` for inconsistent lengths or non-finite values.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        users = try container.decode(IDMap.self, forKey: .users)
        items = try container.decode(IDMap.self, forKey: .items)
        factorCount = try container.decode(Int.self, forKey: .factorCount)
        userFactors = try container.decode([Float].self, forKey: .userFactors)
        itemFactors = try container.decode([Float].self, forKey: .itemFactors)
        userBiases = try container.decode([Float].self, forKey: .userBiases)
        itemBiases = try container.decode([Float].self, forKey: .itemBiases)
        globalMean = try container.decode(Float.self, forKey: .globalMean)
        guard factorCount >= 0, userFactors.count == users.count * factorCount,
            itemFactors.count == items.count * factorCount, userBiases.count == users.count,
            itemBiases.count == items.count
        else { throw RecommenderError.corruptModel("parameter lengths do not match the id maps and factor count") }
        guard isFinite else { throw RecommenderError.corruptModel("non-finite parameters") }
    }

    /// Checks that decoded parameters and training interactions describe the same users and items.
    static func validate(_ factors: LatentFactors, training: InteractionMatrix) throws {
        guard factors.users == training.users, factors.items == training.items else {
            throw RecommenderError.corruptModel("the factors' id maps differ from the training interactions'")
        }
        guard training.interactionCount > 0 else {
            throw RecommenderError.corruptModel("the training interactions are empty")
        }
    }

    /// Whether every parameter is finite.
    var isFinite: Bool {
        globalMean.isFinite && userFactors.allSatisfy(\.isFinite) && itemFactors.allSatisfy(\.isFinite)
            && userBiases.allSatisfy(\.isFinite) && itemBiases.allSatisfy(\.isFinite)
    }

    /// The predicted score of dense user `user` for dense item `item`.
    func score(user: Int, item: Int) -> Float {
        var dot: Float = 0
        for f in 0..<factorCount { dot += userFactors[user * factorCount + f] * itemFactors[item * factorCount + f] }
        return globalMean + userBiases[user] + itemBiases[item] + dot
    }
}
