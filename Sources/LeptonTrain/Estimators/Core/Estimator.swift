import LeptonData
import LeptonTensor

/// A model that learns from features and targets and then predicts: the one protocol that classical models
/// (linear models, SVMs, neighbours, k-means) and neural networks (through ``NeuralClassifier`` and
/// ``NeuralRegressor``) share, so cross-validation, search and evaluation work with any of them.
///
/// Features are a `[rows, features]` tensor. Targets are `Targets.labels` for classifiers and
/// `Targets.values` (shape `[rows]` or `[rows, 1]`) for regressors. Hyperparameters are plain `var`
/// properties, so ``GridSearch`` and ``RandomSearch`` can set them through key paths; fitting replaces the
/// fitted state and keeps the hyperparameters.
///
/// ```swift
/// var model = LogisticRegression(c: 0.5)
/// try model.fit(features, .labels(labels))
/// let predicted = try model.predict(testFeatures)      // .labels([Int32])
/// ```
public protocol Estimator {
    /// Learns from training data, replacing any earlier fit.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`, all finite.
    ///   - y: Targets, one per row.
    /// - Throws: ``EstimatorError`` when the data does not suit the estimator.
    mutating func fit(_ x: Tensor, _ y: Targets) throws

    /// Predicts targets for new rows: `Targets.labels` for classifiers and clusterers, `Targets.values`
    /// of shape `[rows]` for regressors.
    ///
    /// - Parameter x: Features, `[rows, features]` with as many features as in training.
    /// - Returns: One prediction per row.
    /// - Throws: ``EstimatorError`` when the estimator is not fitted or `x` does not match it.
    func predict(_ x: Tensor) throws -> Targets

    /// Learns from Double features. The classical estimators keep every digit (Float keeps about seven significant
    /// ones, see `DoubleMatrix`); the default narrows to a Float tensor and calls ``fit(_:_:)-(Tensor,_)``.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`, all finite.
    ///   - y: Targets, one per row.
    /// - Throws: ``EstimatorError`` when the data does not suit the estimator.
    mutating func fit(_ x: DoubleMatrix, _ y: Targets) throws

    /// Predicts targets for Double features (see ``fit(_:_:)-(DoubleMatrix,_)``).
    ///
    /// - Parameter x: Features, `[rows, features]` with as many features as in training.
    /// - Returns: One prediction per row.
    /// - Throws: ``EstimatorError`` when the estimator is not fitted or `x` does not match it.
    func predict(_ x: DoubleMatrix) throws -> Targets
}

extension Estimator {
    /// Narrows `x` to a Float tensor and fits on it.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Targets, one per row.
    /// - Throws: ``EstimatorError`` when the data does not suit the estimator.
    public mutating func fit(_ x: DoubleMatrix, _ y: Targets) throws { try fit(x.floatTensor, y) }

    /// Narrows `x` to a Float tensor and predicts from it.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: One prediction per row.
    /// - Throws: ``EstimatorError`` when the estimator is not fitted or `x` does not match it.
    public func predict(_ x: DoubleMatrix) throws -> Targets { try predict(x.floatTensor) }
}

/// An estimator that predicts one of a fixed set of class labels.
public protocol Classifier: Estimator {
    /// The class labels seen in training, ascending; empty before fitting. Columns of probabilities and decision
    /// values follow this order.
    var classes: [Int32] { get }
}

/// A classifier that estimates the probability of each class.
public protocol ProbabilisticClassifier: Classifier {
    /// The probability of each class for each row.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows, classes.count]`; each row sums to 1, columns in ``Classifier/classes`` order.
    /// - Throws: ``EstimatorError`` when the estimator is not fitted or `x` does not match it.
    func predictProbabilities(_ x: Tensor) throws -> Tensor

    /// The probability of each class for Double features (the default narrows them to Float).
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows, classes.count]`.
    /// - Throws: ``EstimatorError`` when the estimator is not fitted or `x` does not match it.
    func predictProbabilities(_ x: DoubleMatrix) throws -> Tensor
}

extension ProbabilisticClassifier {
    /// Narrows `x` to a Float tensor and computes the probabilities from it.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows, classes.count]`.
    /// - Throws: ``EstimatorError`` when the estimator is not fitted or `x` does not match it.
    public func predictProbabilities(_ x: DoubleMatrix) throws -> Tensor { try predictProbabilities(x.floatTensor) }
}

/// A classifier with a real-valued decision function: larger means more confidently the positive class (binary)
/// or that class (one column per class otherwise).
public protocol MarginClassifier: Classifier {
    /// The decision values of each row.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows]` for two classes (positive favours `classes[1]`), `[rows, classes.count]` otherwise.
    /// - Throws: ``EstimatorError`` when the estimator is not fitted or `x` does not match it.
    func decisionFunction(_ x: Tensor) throws -> Tensor

    /// The decision values for Double features (the default narrows them to Float).
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows]` for two classes, `[rows, classes.count]` otherwise.
    /// - Throws: ``EstimatorError`` when the estimator is not fitted or `x` does not match it.
    func decisionFunction(_ x: DoubleMatrix) throws -> Tensor
}

extension MarginClassifier {
    /// Narrows `x` to a Float tensor and computes the decision values from it.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows]` for two classes, `[rows, classes.count]` otherwise.
    /// - Throws: ``EstimatorError`` when the estimator is not fitted or `x` does not match it.
    public func decisionFunction(_ x: DoubleMatrix) throws -> Tensor { try decisionFunction(x.floatTensor) }
}
