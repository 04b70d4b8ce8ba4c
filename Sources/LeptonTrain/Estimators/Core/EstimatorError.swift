import LeptonTensor

/// Problems with data or settings given to an estimator, each naming what was expected and what was found.
public enum EstimatorError: Error, Equatable, CustomStringConvertible {
    /// `predict` (or a similar call) came before `fit`.
    case notFitted(estimator: String)
    /// Features are not a `[rows, features]` matrix.
    case featuresNotMatrix(shape: Shape)
    /// There are no rows (or no features) to learn from.
    case emptyFeatures(shape: Shape)
    /// The number of features differs from the number the estimator was fitted with.
    case featureCountMismatch(expected: Int, actual: Int)
    /// Features and targets have different numbers of rows.
    case sampleCountMismatch(features: Int, targets: Int)
    /// A feature is NaN or infinite.
    case nonFiniteFeature(row: Int, column: Int, value: Float)
    /// A target value is NaN or infinite.
    case nonFiniteTarget(row: Int, value: Float)
    /// The estimator needs labels but got values, or the reverse.
    case wrongTargetKind(estimator: String, expected: String)
    /// Value targets are not `[rows]` or `[rows, 1]`.
    case targetShapeMismatch(expected: String, actual: Shape)
    /// Training labels contain only one class.
    case singleClass(label: Int32)
    /// A hyperparameter is outside its valid range.
    case invalidHyperparameter(name: String, value: String, requirement: String)
    /// There are fewer samples than the estimator needs (for example fewer rows than neighbours or clusters).
    case tooFewSamples(what: String, needed: Int, actual: Int)
    /// An input of a per-sample function (weights, scores, groups) has the wrong length.
    case lengthMismatch(what: String, expected: Int, actual: Int)

    /// A sentence naming what was expected and what was found.
    public var description: String {
        switch self {
        case .notFitted(let estimator):
            return "\(estimator) is not fitted: call fit(_:_:) first"
        case .featuresNotMatrix(let shape):
            return "features must be a [rows, features] matrix, found shape \(shape)"
        case .emptyFeatures(let shape):
            return "features need at least one row and one column, found shape \(shape)"
        case .featureCountMismatch(let expected, let actual):
            return "expected \(expected) features (as in training), found \(actual)"
        case .sampleCountMismatch(let features, let targets):
            return "features have \(features) rows but targets have \(targets)"
        case .nonFiniteFeature(let row, let column, let value):
            return "feature at row \(row), column \(column) is \(value); features must be finite"
        case .nonFiniteTarget(let row, let value):
            return "target at row \(row) is \(value); targets must be finite"
        case .wrongTargetKind(let estimator, let expected):
            return "\(estimator) needs \(expected) targets"
        case .targetShapeMismatch(let expected, let actual):
            return "targets must have shape \(expected), found \(actual)"
        case .singleClass(let label):
            return "training labels contain only class \(label); at least two classes are needed"
        case .invalidHyperparameter(let name, let value, let requirement):
            return "hyperparameter \(name) = \(value) is invalid: \(requirement)"
        case .tooFewSamples(let what, let needed, let actual):
            return "\(what) needs at least \(needed) samples, found \(actual)"
        case .lengthMismatch(let what, let expected, let actual):
            return "\(what) has \(actual) entries, expected \(expected)"
        }
    }

    /// Throws ``invalidHyperparameter(name:value:requirement:)`` unless `condition` holds.
    static func require(_ condition: Bool, _ name: String, _ value: some CustomStringConvertible, _ requirement: String)
        throws
    {
        if !condition { throw invalidHyperparameter(name: name, value: value.description, requirement: requirement) }
    }
}
