import LeptonData
import LeptonTensor

/// How cross-validation and search score a fitted estimator on held-out data. Larger is always better, so losses
/// are negated (as scikit-learn's `neg_…` scorers).
public struct Scoring: Sendable {
    /// The name shown in results (`accuracy`, `roc_auc`, `neg_log_loss`, …).
    public let name: String
    private let evaluate: @Sendable (any Estimator, ScoringFeatures, Targets) throws -> Double

    /// Creates a scoring rule.
    ///
    /// - Parameters:
    ///   - name: The name shown in results.
    ///   - evaluate: Scores a fitted estimator on features and their true targets; larger is better.
    public init(name: String, _ evaluate: @escaping @Sendable (any Estimator, Tensor, Targets) throws -> Double) {
        self.name = name
        self.evaluate = { estimator, x, y in try evaluate(estimator, x.tensor, y) }
    }

    /// A built-in rule that reads Double features without narrowing them.
    init(
        name: String, features evaluate: @escaping @Sendable (any Estimator, ScoringFeatures, Targets) throws -> Double
    ) {
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
        try evaluate(estimator, .tensor(x), y)
    }

    /// Scores a fitted estimator on Double features (the built-in rules keep Double; a rule made with
    /// ``init(name:_:)`` sees them narrowed to a Float tensor).
    ///
    /// - Parameters:
    ///   - estimator: The fitted estimator.
    ///   - x: Held-out features.
    ///   - y: Held-out targets.
    /// - Returns: The score; larger is better.
    /// - Throws: ``ModelSelectionError/scoringNotApplicable(scoring:reason:)`` or the estimator's errors.
    public func score(_ estimator: any Estimator, _ x: DoubleMatrix, _ y: Targets) throws -> Double {
        try evaluate(estimator, .double(x), y)
    }

    /// Accuracy for classifiers, minus the inertia for ``KMeans``, R² otherwise (see ``resolved(for:)``).
    public static let automatic = Scoring(name: "automatic") { (estimator, x: ScoringFeatures, y) in
        if estimator is any Classifier { return try accuracy.evaluate(estimator, x, y) }
        if estimator is KMeans { return try negativeInertia.evaluate(estimator, x, y) }
        return try r2.evaluate(estimator, x, y)
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
    public static let negativeInertia = Scoring(name: "neg_inertia") { (estimator, x: ScoringFeatures, _) in
        guard let clusters = estimator as? KMeans else {
            throw ModelSelectionError.scoringNotApplicable(scoring: "neg_inertia", reason: "needs KMeans")
        }
        return try x.clusterScore(clusters)
    }

    /// The fraction of correctly predicted labels.
    public static let accuracy = Scoring(name: "accuracy") { (estimator, x: ScoringFeatures, y) in
        try Evaluation.accuracy(actual: try labels(y, "accuracy"), predicted: try predictedLabels(estimator, x))
    }

    /// The ROC AUC from probabilities (or decision values): binary, or one-vs-rest macro for more classes.
    public static let rocAUC = Scoring(name: "roc_auc") { (estimator, x: ScoringFeatures, y) in
        let truth = try labels(y, "roc_auc")
        if let model = estimator as? any ProbabilisticClassifier {
            return try Evaluation.rocAUC(
                probabilities: try x.probabilities(model), labels: truth, classes: model.classes)
        }
        guard let model = estimator as? any MarginClassifier, model.classes.count == 2 else {
            throw ModelSelectionError.scoringNotApplicable(
                scoring: "roc_auc", reason: "needs probabilities or a binary decision function")
        }
        let scores = try x.decisions(model).scalars.map(Double.init)
        return try Evaluation.rocAUC(scores: scores, positives: truth.map { $0 == model.classes[1] })
    }

    /// Minus the log loss of the predicted probabilities.
    public static let negativeLogLoss = Scoring(name: "neg_log_loss") { (estimator, x: ScoringFeatures, y) in
        guard let model = estimator as? any ProbabilisticClassifier else {
            throw ModelSelectionError.scoringNotApplicable(scoring: "neg_log_loss", reason: "needs probabilities")
        }
        return
            -(try Evaluation.logLoss(
                probabilities: try x.probabilities(model), labels: try labels(y, "neg_log_loss"),
                classes: model.classes))
    }

    /// The unweighted mean of per-class F1 scores.
    public static let f1Macro = Scoring(name: "f1_macro") { (estimator, x: ScoringFeatures, y) in
        try ClassificationReport(actual: try labels(y, "f1_macro"), predicted: try predictedLabels(estimator, x))
            .macroAverage.f1
    }

    /// The coefficient of determination R².
    public static let r2 = Scoring(name: "r2") { (estimator, x: ScoringFeatures, y) in
        try regressionReport(estimator, x, y).r2
    }

    /// Minus the mean squared error.
    public static let negativeMeanSquaredError = Scoring(name: "neg_mean_squared_error") {
        (estimator, x: ScoringFeatures, y) in
        -(try regressionReport(estimator, x, y).meanSquaredError)
    }

    /// Minus the root mean squared error.
    public static let negativeRootMeanSquaredError = Scoring(name: "neg_root_mean_squared_error") {
        (
            estimator, x: ScoringFeatures, y
        ) in
        -(try regressionReport(estimator, x, y).rootMeanSquaredError)
    }

    /// Minus the mean absolute error.
    public static let negativeMeanAbsoluteError = Scoring(name: "neg_mean_absolute_error") {
        (estimator, x: ScoringFeatures, y) in
        -(try regressionReport(estimator, x, y).meanAbsoluteError)
    }

    private static func labels(_ y: Targets, _ scoring: String) throws -> [Int32] {
        guard let labels = y.labels else {
            throw ModelSelectionError.scoringNotApplicable(scoring: scoring, reason: "needs label targets")
        }
        return labels
    }

    private static func predictedLabels(_ estimator: any Estimator, _ x: ScoringFeatures) throws -> [Int32] {
        guard let labels = try x.predict(estimator).labels else {
            throw ModelSelectionError.scoringNotApplicable(scoring: "classification", reason: "needs a classifier")
        }
        return labels
    }

    private static func regressionReport(_ estimator: any Estimator, _ x: ScoringFeatures, _ y: Targets) throws
        -> RegressionReport
    {
        guard let truth = y.values, let predicted = try x.predict(estimator).values else {
            throw ModelSelectionError.scoringNotApplicable(scoring: "regression", reason: "needs value targets")
        }
        return try RegressionReport(
            predictions: predicted.scalars.map(Double.init), targets: truth.scalars.map(Double.init))
    }
}

/// The features a scoring rule reads: a Float tensor or a Double matrix.
enum ScoringFeatures: Sendable {
    case tensor(Tensor)
    case double(DoubleMatrix)

    /// The features as a Float tensor (narrowing Double ones).
    var tensor: Tensor {
        switch self {
        case .tensor(let x): return x
        case .double(let x): return x.floatTensor
        }
    }

    func predict(_ estimator: any Estimator) throws -> Targets {
        switch self {
        case .tensor(let x): return try estimator.predict(x)
        case .double(let x): return try estimator.predict(x)
        }
    }

    func probabilities(_ model: any ProbabilisticClassifier) throws -> Tensor {
        switch self {
        case .tensor(let x): return try model.predictProbabilities(x)
        case .double(let x): return try model.predictProbabilities(x)
        }
    }

    func decisions(_ model: any MarginClassifier) throws -> Tensor {
        switch self {
        case .tensor(let x): return try model.decisionFunction(x)
        case .double(let x): return try model.decisionFunction(x)
        }
    }

    func clusterScore(_ model: KMeans) throws -> Double {
        switch self {
        case .tensor(let x): return try model.score(x)
        case .double(let x): return try model.score(x)
        }
    }
}
