/// Why a recommendation metric could not be computed.
public enum RecommendationMetricError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two inputs that must align have different lengths.
    case countMismatch(what: String, expected: Int, actual: Int)
    /// There is nothing to average.
    case emptyInput
    /// A prediction or target is NaN or infinite.
    case nonFiniteValue(what: String, index: Int, value: Double)
    /// The cut-off `k` is not positive.
    case invalidK(Int)
    /// No user has both recommendations and relevant items, so the average is undefined.
    case noEvaluableUsers
    /// A recommended item has no training interactions, so its novelty is undefined (`what` describes the item).
    case itemWithoutHistory(String)
    /// The catalogue size is not positive.
    case invalidCatalogSize(Int)

    /// A one-line explanation with the numbers involved.
    public var description: String {
        switch self {
        case .countMismatch(let what, let expected, let actual):
            return "\(what): expected \(expected) entries, got \(actual)"
        case .emptyInput: return "no values to evaluate"
        case .nonFiniteValue(let what, let index, let value): return "\(what)[\(index)] is \(value)"
        case .invalidK(let k): return "k is \(k); it must be at least 1"
        case .noEvaluableUsers: return "no user has both recommendations and relevant items"
        case .itemWithoutHistory(let item): return "recommended item \(item) has no training interactions"
        case .invalidCatalogSize(let size): return "catalogue size is \(size); it must be at least 1"
        }
    }
}
