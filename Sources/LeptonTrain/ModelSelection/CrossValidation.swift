import Foundation
import LeptonData
import LeptonSupport
import LeptonTensor

/// The scores of an estimator over cross-validation folds.
public struct CrossValidationResult: Sendable, Hashable, Codable {
    /// The scoring rule's name.
    public let scoring: String
    /// The held-out score of each fold, in fold order.
    public let foldScores: [Double]
    /// Seconds spent fitting in each fold.
    public let fitSeconds: [Double]
    /// Warnings from the fits, such as a solver that did not converge (empty when all went well).
    /// Encodings from before warnings existed decode with none.
    @DefaultWhenMissing<EmptyWhenMissing<[FitWarning]>> public private(set) var warnings: [FitWarning]

    /// A result of fold scores, fit times and warnings.
    /// - Parameters:
    ///   - scoring: the scoring rule's name.
    ///   - foldScores: the held-out score of each fold.
    ///   - fitSeconds: seconds spent fitting in each fold.
    ///   - warnings: warnings from the fits.
    public init(scoring: String, foldScores: [Double], fitSeconds: [Double], warnings: [FitWarning] = []) {
        self.scoring = scoring
        self.foldScores = foldScores
        self.fitSeconds = fitSeconds
        self.warnings = warnings
    }

    /// The mean of the fold scores.
    public var meanScore: Double { foldScores.reduce(0, +) / Double(Swift.max(foldScores.count, 1)) }

    /// The population standard deviation of the fold scores (as NumPy's `std`, which scikit-learn reports).
    public var standardDeviation: Double {
        let mean = meanScore
        let sum = foldScores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (sum / Double(Swift.max(foldScores.count, 1))).squareRoot()
    }
}

/// Fits a fresh copy of `estimator` on the training rows of each fold and scores it on the test rows.
///
/// ```swift
/// let result = try crossValidate(LogisticRegression(), x, .labels(y), folds: .stratifiedKFold(5),
///                                scoring: .rocAUC)
/// print(result.meanScore, result.standardDeviation)
/// ```
///
/// - Parameters:
///   - estimator: The estimator with its hyperparameters set (its fitted state, if any, is not used).
///   - x: Features, `[rows, features]`.
///   - y: Targets, one per row.
///   - folds: How rows are split (default: 5 folds, stratified for labels).
///   - scoring: How each fold is scored (default: accuracy for classifiers, R² otherwise).
/// - Returns: The fold scores, with a ``FitWarning`` for every fold whose fit did not converge.
/// - Throws: ``ModelSelectionError`` when the folds cannot be formed, or the estimator's and scoring's errors.
public func crossValidate<Model: Estimator>(
    _ estimator: Model, _ x: Tensor, _ y: Targets, folds: FoldStrategy = .automatic(5),
    scoring: Scoring = .automatic
) throws -> CrossValidationResult {
    let rows = x.rank >= 1 ? x.shape[0] : 0
    guard y.count == rows else { throw EstimatorError.sampleCountMismatch(features: rows, targets: y.count) }
    let scoring = scoring.resolved(for: estimator)
    var scores: [Double] = []
    var seconds: [Double] = []
    var warnings: [FitWarning] = []
    for (index, fold) in try folds.folds(sampleCount: rows, labels: y.labels).enumerated() {
        var model = estimator
        let started = Date()
        try model.fit(x.gathering(fold.train.map(Int32.init)), y.selecting(fold.train))
        seconds.append(Date().timeIntervalSince(started))
        if let warning = FitWarning.convergence(of: model, fold: index) { warnings.append(warning) }
        scores.append(
            try scoring.score(model, x.gathering(fold.validation.map(Int32.init)), y.selecting(fold.validation)))
    }
    return CrossValidationResult(scoring: scoring.name, foldScores: scores, fitSeconds: seconds, warnings: warnings)
}

/// The class probabilities each row gets from the model fitted on the other folds ("out of fold"), for calibration
/// tables, KS and scorecards on honest predictions (scikit-learn's `cross_val_predict(method="predict_proba")`).
///
/// - Parameters:
///   - estimator: A probabilistic classifier with its hyperparameters set.
///   - x: Features, `[rows, features]`.
///   - y: Labels.
///   - folds: How rows are split (default: 5 stratified folds).
/// - Returns: `[rows, classes]` probabilities, columns in the order of the classes of all of `y`, ascending.
/// - Throws: ``ModelSelectionError`` when the folds cannot be formed, or the estimator's errors.
public func crossValidatedProbabilities<Model: ProbabilisticClassifier>(
    _ estimator: Model, _ x: Tensor, _ y: Targets, folds: FoldStrategy = .automatic(5)
) throws -> Tensor {
    let rows = x.rank >= 1 ? x.shape[0] : 0
    guard let labels = y.labels, labels.count == rows else {
        throw EstimatorError.wrongTargetKind(estimator: "crossValidatedProbabilities", expected: "one label per row")
    }
    let classes = Array(Set(labels)).sorted()
    var probabilities = [Float](repeating: 0, count: rows * classes.count)
    for fold in try folds.folds(sampleCount: rows, labels: labels) {
        var model = estimator
        try model.fit(x.gathering(fold.train.map(Int32.init)), y.selecting(fold.train))
        let foldProbabilities = try model.predictProbabilities(x.gathering(fold.validation.map(Int32.init))).scalars
        let columns = model.classes.map { classes.firstIndex(of: $0)! }
        for (position, row) in fold.validation.enumerated() {
            for (column, target) in columns.enumerated() {
                probabilities[row * classes.count + target] = foldProbabilities[position * columns.count + column]
            }
        }
    }
    return Tensor(probabilities, shape: [rows, classes.count])
}
