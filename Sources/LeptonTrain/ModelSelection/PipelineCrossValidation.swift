import Foundation
import LeptonData

/// The per-fold results of cross-validating a preprocessing `Pipeline` together with an estimator.
public struct PipelineCrossValidationResult<Model: Estimator> {
    /// A pipeline and an estimator fitted on one fold's training rows.
    public struct FittedFold {
        /// The preprocessing, fitted on the fold's training rows only.
        public let pipeline: FittedPipeline
        /// The estimator, fitted on the transformed training rows.
        public let estimator: Model
    }

    /// The scoring rules' names, in the order given.
    public let scoringNames: [String]
    /// The held-out score of each fold for each scoring rule, by name.
    public let scores: [String: [Double]]
    /// Seconds spent fitting (pipeline and estimator) in each fold.
    public let fitSeconds: [Double]
    /// Seconds spent transforming and scoring the held-out rows in each fold.
    public let scoreSeconds: [Double]
    /// Warnings from the fits, such as a solver that did not converge.
    public let warnings: [FitWarning]
    /// The fitted pipeline and estimator of each fold, when asked for.
    public let fitted: [FittedFold]?

    /// The mean held-out score of rule `name` (NaN for an unknown name).
    /// - Parameter name: a scoring rule's name, such as `"roc_auc"`.
    public func meanScore(_ name: String) -> Double {
        guard let values = scores[name], !values.isEmpty else { return .nan }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The per-fold results of rule `name` as a ``CrossValidationResult`` (for its mean and standard deviation).
    /// - Parameter name: a scoring rule's name.
    public func result(_ name: String) -> CrossValidationResult? {
        scores[name].map {
            CrossValidationResult(scoring: name, foldScores: $0, fitSeconds: fitSeconds, warnings: warnings)
        }
    }
}

/// Cross-validates preprocessing and model together, without leakage: in every fold the pipeline is fitted on the
/// training rows only (a scaler's means, an encoder's categories, weight-of-evidence bins), the estimator on those
/// rows transformed, and both are applied to the held-out rows — scikit-learn's
/// `cross_validate(Pipeline([...]), X, y, scoring=[...])`. Features stay in Double (see `DoubleMatrix`).
///
/// ```swift
/// let result = try crossValidate(
///     Pipeline { StandardScale(columns: numeric) }, LogisticRegression(), on: table,
///     targets: .labels(try table.binaryLabels("creditability", positive: "bad")),
///     folds: .stratifiedKFold(5), scoring: [.rocAUC, .accuracy])
/// print(result.meanScore("roc_auc"), result.warnings)
/// ```
///
/// - Parameters:
///   - pipeline: The preprocessing, unfitted.
///   - estimator: The estimator with its hyperparameters set.
///   - table: The data (the target column may stay in it; the pipeline's feature columns are what the model sees).
///   - y: The targets, one per row of `table`.
///   - folds: How rows are split (default: 5 folds, stratified for labels, no shuffling).
///   - scoring: The scoring rules, each applied to every fold (default: accuracy or R²).
///   - keepFitted: Whether to return each fold's fitted pipeline and estimator.
/// - Returns: Per-fold scores by rule, fit and score times, warnings, and optionally the fitted folds.
/// - Throws: ``EstimatorError/sampleCountMismatch(features:targets:)``; ``ModelSelectionError``; the pipeline's and
///   estimator's errors (naming the column, row or shape at fault).
public func crossValidate<Model: Estimator>(
    _ pipeline: Pipeline, _ estimator: Model, on table: Table, targets y: Targets,
    folds: FoldStrategy = .automatic(5), scoring: [Scoring] = [.automatic], keepFitted: Bool = false
) throws -> PipelineCrossValidationResult<Model> {
    guard y.count == table.rowCount else {
        throw EstimatorError.sampleCountMismatch(features: table.rowCount, targets: y.count)
    }
    guard !scoring.isEmpty else {
        throw ModelSelectionError.scoringNotApplicable(scoring: "[]", reason: "give at least one scoring rule")
    }
    let rules = scoring.map { $0.resolved(for: estimator) }
    var scores = [[Double]](repeating: [], count: rules.count)
    var fitSeconds: [Double] = []
    var scoreSeconds: [Double] = []
    var warnings: [FitWarning] = []
    var fitted: [PipelineCrossValidationResult<Model>.FittedFold] = []
    for (index, fold) in try folds.folds(sampleCount: table.rowCount, labels: y.labels).enumerated() {
        let started = Date()
        let training = table.rows(fold.train)
        let fittedPipeline = try pipeline.fit(on: training)
        var model = estimator
        try model.fit(try fittedPipeline.featureValues(from: training), y.selecting(fold.train))
        fitSeconds.append(Date().timeIntervalSince(started))
        if let warning = FitWarning.convergence(of: model, fold: index) { warnings.append(warning) }
        let scoring = Date()
        let heldOut = try fittedPipeline.featureValues(from: table.rows(fold.validation))
        let truth = y.selecting(fold.validation)
        for (rule, scorer) in rules.enumerated() { scores[rule].append(try scorer.score(model, heldOut, truth)) }
        scoreSeconds.append(Date().timeIntervalSince(scoring))
        if keepFitted { fitted.append(.init(pipeline: fittedPipeline, estimator: model)) }
    }
    var byName: [String: [Double]] = [:]
    for (rule, scorer) in rules.enumerated() { byName[scorer.name] = scores[rule] }
    return PipelineCrossValidationResult(
        scoringNames: rules.map(\.name), scores: byName, fitSeconds: fitSeconds, scoreSeconds: scoreSeconds,
        warnings: warnings, fitted: keepFitted ? fitted : nil)
}
