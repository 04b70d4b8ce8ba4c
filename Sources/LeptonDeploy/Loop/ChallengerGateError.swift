/// Why ``ChallengerGate`` (or an AUC estimate) could not judge its input.
public enum ChallengerGateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No rows were given.
    case emptyInput
    /// An input array (`what`: "champion predictions", "segments"…) does not have one entry per label.
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// A model's score at `row` is NaN or infinite.
    case nonFiniteScore(model: String, row: Int)
    /// The labels hold only one class, so no AUC (and no lift) can be computed.
    case singleClass(positives: Int, negatives: Int)
    /// A gate setting is out of range.
    case invalidConfiguration(setting: String, reason: String)

    /// A sentence naming what was wrong, with the numbers.
    public var description: String {
        switch self {
        case .emptyInput: return "the gate was given no rows"
        case .lengthMismatch(let what, let expected, let actual):
            return "\(what): expected one per label (\(expected)), got \(actual)"
        case .nonFiniteScore(let model, let row): return "\(model): the score of row \(row) is not finite"
        case .singleClass(let positives, let negatives):
            return "labels hold a single class (\(positives) positives, \(negatives) negatives); no AUC can be computed"
        case .invalidConfiguration(let setting, let reason): return "invalid gate setting \(setting): \(reason)"
        }
    }
}
