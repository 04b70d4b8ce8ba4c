import LeptonTensor

/// How cross-validation and search score a fitted estimator on held-out data. Larger is always better, so losses
/// are negated (as scikit-learn's `neg_…` scorers).
public struct Scoring: Sendable {
    /// The name shown in results (`accuracy`, `roc_auc`, `neg_log_loss`, …).
    public let name: String
    private let evaluate: @Sendable (any Estimator, Tensor, Targets) throws -> Double

    /// Creates a scoring rule.
    ///
    /// - Parameters:
    ///   - name: The name shown in results.
    ///   - evaluate: Scores a fitted estimator on features and their true targets; larger is better.
    public init(name: String, _ evaluate: @escaping @Sendable (any Estimator, Tensor, Targets) throws -> Double) {
        self.name = name
        self.evaluate = evaluate
    }

    /// The score of a fitted estimator on `x` and `y`.
    ///
    /// - Parameters:
    ///   - estimator: A fitted estimator.
    ///   - x: Features.
    ///   - y: True targets.
    /// - Returns: The score (larger is better).
    /// - Throws: The estimator's errors, ``EvaluationError`` or ``ModelSelectionError``.
    public func score(_ estimator: any Estimator, _ x: Tensor, _ y: Targets) throws -> Double {
        try evaluate(estimator, x, y)
    }

    /// Accuracy for classifiers, minus the inertia for ``KMeans``, R² otherwise (see ``resolved(for:)``).
    public static let automatic = Scoring(name: "automatic") { estimator, x, y in
        if estimator is any Classifier { return try accuracy.score(estimator, x, y) }
        if estimator is KMeans { return try negativeInertia.score(estimator, x, y) }
        return try r2.score(estimator, x, y)
    }

    /// This rule, or for ``automatic`` the concrete rule it uses for `estimator`: ``accuracy`` for classifiers,
    /// ``negativeInertia`` for ``KMeans``, ``r2`` otherwise.
    ///
    /// - Parameter estimator: The estimator to be scored.
    /// - Returns: The rule.
    public func resolved(for estimator: any Estimator) -> Scoring {
        guard name == "automatic" else { return self }
        if estimator is any Classifier { return .accuracy }
        if estimator is KMeans { return .negativeInertia }
        return .r2
    }

    /// Minus the k-means inertia of the held-out rows (targets are ignored).
    public static let negativeInertia = Scoring(name: "neg_inertia") { estimator, x, _ in
        guard let clusters = estimator as? KMeans else {
            throw ModelSelectionError.scoringNotApplicable(scoring: "neg_inertia", reason: "needs KMeans")
        }
        return try clusters.score(x)
    }

    /// The fraction of correctly predicted labels.
    public static let accuracy = Scoring(name: "accuracy") { estimator, x, y in
        try Evaluation.accuracy(actual: try labels(y, "accuracy"), predicted: try predictedLabels(estimator, x))
    }

    /// The ROC AUC from probabilities (or decision values): binary, or one-vs-rest macro for more classes.
    public static let rocAUC = Scoring(name: "roc_auc") { estimator, x, y in
        let truth = try labels(y, "roc_auc")
        if let model = estimator as? any ProbabilisticClassifier {
            return try Evaluation.rocAUC(
                probabilities: try model.predictProbabilities(x), labels: truth, classes: model.classes)
        }
        guard let model = estimator as? any MarginClassifier, model.classes.count == 2 else {
            throw ModelSelectionError.scoringNotApplicable(
                scoring: "roc_auc", reason: "needs probabilities or a binary decision function")
        }
        let scores = try model.decisionFunction(x).scalars.map(Double.init)
        return try Evaluation.rocAUC(scores: scores, positives: truth.map { $0 == model.classes[1] })
    }

    /// Minus the log loss of the predicted probabilities.
    public static let negativeLogLoss = Scoring(name: "neg_log_loss") { estimator, x, y in
        guard let model = estimator as? any ProbabilisticClassifier else {
            throw ModelSelectionError.scoringNotApplicable(scoring: "neg_log_loss", reason: "needs probabilities")
        }
        return
            -(try Evaluation.logLoss(
                probabilities: try model.predictProbabilities(x), labels: try labels(y, "neg_log_loss"),
                classes: model.classes))
    }

    /// The unweighted mean of per-class F1 scores.
    public static let f1Macro = Scoring(name: "f1_macro") { estimator, x, y in
        try ClassificationReport(actual: try labels(y, "f1_macro"), predicted: try predictedLabels(estimator, x))
            .macroAverage.f1
    }

    /// The coefficient of determination R².
    public static let r2 = Scoring(name: "r2") { estimator, x, y in
        try regressionReport(estimator, x, y).r2
    }

    /// Minus the mean squared error.
    public static let negativeMeanSquaredError = Scoring(name: "neg_mean_squared_error") { estimator, x, y in
        -(try regressionReport(estimator, x, y).meanSquaredError)
    }

    /// Minus the root mean squared error.
    public static let negativeRootMeanSquaredError = Scoring(name: "neg_root_mean_squared_error") {
        estimator, x, y in
        -(try regressionReport(estimator, x, y).rootMeanSquaredError)
    }

    /// Minus the mean absolute error.
    public static let negativeMeanAbsoluteError = Scoring(name: "neg_mean_absolute_error") { estimator, x, y in
        -(try regressionReport(estimator, x, y).meanAbsoluteError)
    }

    private static func labels(_ y: Targets, _ scoring: String) throws -> [Int32] {
        guard let labels = y.labels else {
            throw ModelSelectionError.scoringNotApplicable(scoring: scoring, reason: "needs label targets")
        }
        return labels
    }

    private static func predictedLabels(_ estimator: any Estimator, _ x: Tensor) throws -> [Int32] {
        guard let labels = try estimator.predict(x).labels else {
            throw ModelSelectionError.scoringNotApplicable(scoring: "classification", reason: "needs a classifier")
        }
        return labels
    }

    private static func regressionReport(_ estimator: any Estimator, _ x: Tensor, _ y: Targets) throws
        -> RegressionReport
    {
        guard let truth = y.values, let predicted = try estimator.predict(x).values else {
            throw ModelSelectionError.scoringNotApplicable(scoring: "regression", reason: "needs value targets")
        }
        return try RegressionReport(
            predictions: predicted.scalars.map(Double.init), targets: truth.scalars.map(Double.init))
    }
}
