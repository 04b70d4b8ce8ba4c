/// Why a recommender could not be fitted or asked for recommendations.
public enum RecommenderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A user id the model was not fitted on.
    case unknownUser(String)
    /// An item id the model was not fitted on.
    case unknownItem(String)
    /// The training interactions are empty.
    case emptyTraining
    /// A fold-in was asked with no interactions.
    case emptyFoldIn
    /// A hyperparameter or argument is outside its valid range.
    case invalidParameter(name: String, value: Double, expected: String)
    /// A value given for fold-in or scoring is NaN or infinite.
    case nonFiniteValue(what: String, value: Double)
    /// Training produced a NaN or infinite parameter (learning rate too large, for instance).
    case diverged(model: String, epoch: Int)
    /// Decoded model data is inconsistent.
    case corruptModel(String)
    /// A rating given for fold-in or an update lies outside the training data's rating scale.
    case ratingOutOfScale(item: String, rating: Double, scale: ClosedRange<Double>)
    /// The user has no training interactions, so a neighbourhood or content model has nothing to score from.
    case userWithoutInteractions(String)
    /// Two models (or a model and validation data) do not describe the same users and items.
    case incompatibleModels(String)

    /// A one-line explanation naming the offending value.
    public var description: String {
        switch self {
        case .unknownUser(let id): return "unknown user '\(id)': the model was not fitted on it (use fold-in)"
        case .unknownItem(let id): return "unknown item '\(id)': the model was not fitted on it"
        case .emptyTraining: return "the training interactions are empty"
        case .emptyFoldIn: return "fold-in needs at least one interaction"
        case .invalidParameter(let name, let value, let expected): return "\(name) is \(value); expected \(expected)"
        case .nonFiniteValue(let what, let value): return "\(what) is \(value); a finite number is required"
        case .diverged(let model, let epoch): return "\(model) diverged (non-finite parameters) in epoch \(epoch)"
        case .corruptModel(let reason): return "inconsistent model data: \(reason)"
        case .ratingOutOfScale(let item, let rating, let scale):
            return "rating \(rating) of item '\(item)' is outside the scale \(scale.lowerBound)...\(scale.upperBound)"
        case .userWithoutInteractions(let id):
            return "user '\(id)' has no training interactions to recommend from (use a fold-in with a few items)"
        case .incompatibleModels(let reason): return "incompatible models or data: \(reason)"
        }
    }
}
