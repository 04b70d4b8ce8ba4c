/// Why a ``RecommenderPredictor`` request could not be answered.
public enum RecommenderPredictorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The user id is not in the bundle.
    case unknownUser(String)
    /// The item id is not in the bundle.
    case unknownItem(String)
    /// `k` is below 1.
    case invalidK(Int)
    /// The bundle's model has no item factors, so item similarity is undefined.
    case noItemFactors

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .unknownUser(let id): return "unknown user '\(id)'"
        case .unknownItem(let id): return "unknown item '\(id)'"
        case .invalidK(let k): return "k is \(k); it must be at least 1"
        case .noItemFactors: return "the model has no item factors; similar items are undefined"
        }
    }
}
