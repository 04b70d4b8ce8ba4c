/// Evaluation measures for fitted models: ranking and probability quality of binary scores (ROC AUC, PR AUC, KS,
/// Gini, log loss, Brier score), confusion at a threshold, and accuracy. Reports that print as tables live in their
/// own types: ``ClassificationReport``, ``RegressionReport``, ``CalibrationTable``, ``FairnessReport``.
///
/// Binary measures take `scores` (larger means more likely positive: a probability or a decision value) and
/// `positives` (the truth), one per sample.
public enum Evaluation {}

/// Problems with inputs to an evaluation measure.
public enum EvaluationError: Error, Equatable, CustomStringConvertible {
    /// Two per-sample inputs have different lengths.
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// There are no samples.
    case empty(what: String)
    /// The measure needs both positive and negative samples.
    case needsBothClasses(measure: String)
    /// A probability is outside [0, 1] or not finite.
    case invalidProbability(index: Int, value: Double)
    /// A score or value is not finite.
    case nonFinite(what: String, index: Int)
    /// A label is not among the classes of the probability columns.
    case unknownLabel(Int32)
    /// An argument is outside its valid range.
    case invalidArgument(name: String, value: String, requirement: String)

    /// A sentence naming what was expected and what was found.
    public var description: String {
        switch self {
        case .lengthMismatch(let what, let expected, let actual):
            return "\(what) has \(actual) entries, expected \(expected) (one per sample)"
        case .empty(let what):
            return "\(what) is empty"
        case .needsBothClasses(let measure):
            return "\(measure) needs at least one positive and one negative sample"
        case .invalidProbability(let index, let value):
            return "probability at index \(index) is \(value), expected a value in [0, 1]"
        case .nonFinite(let what, let index):
            return "\(what) at index \(index) is not finite"
        case .unknownLabel(let label):
            return "label \(label) is not among the classes of the probabilities"
        case .invalidArgument(let name, let value, let requirement):
            return "\(name) = \(value) is invalid: \(requirement)"
        }
    }

    static func checkPaired(_ count: Int, _ other: Int, what: String) throws {
        guard count == other else { throw lengthMismatch(what: what, expected: count, actual: other) }
        guard count > 0 else { throw empty(what: what) }
    }

    static func checkFinite(_ values: [Double], what: String) throws {
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw nonFinite(what: what, index: bad) }
    }

    static func checkProbabilities(_ values: [Double]) throws {
        if let bad = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw invalidProbability(index: bad, value: values[bad])
        }
    }
}
