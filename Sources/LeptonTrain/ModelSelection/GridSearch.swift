import LeptonData
import LeptonTensor

/// Tries every combination of the given hyperparameter values with cross-validation, ranks them by mean score and
/// refits the best on all the data (scikit-learn's `GridSearchCV`). Works for any ``Estimator``, neural ones
/// included.
///
/// ```swift
/// let search = GridSearch(LogisticRegression(), grid: [.values(\.c, [0.01, 0.1, 1, 10])], scoring: .rocAUC)
/// let result = try search.fit(x, .labels(y))
/// print(result.table)
/// let model = result.bestEstimator!
/// ```
public struct GridSearch<Model: Estimator> {
    /// The estimator whose hyperparameters are varied.
    public var estimator: Model
    /// The hyperparameters and their values (each must be a finite list).
    public var grid: [Hyperparameter<Model>]
    /// How rows are split.
    public var folds: FoldStrategy
    /// How each fold is scored.
    public var scoring: Scoring
    /// Whether to fit the best setting on all the data.
    public var refit: Bool

    /// Creates a search.
    ///
    /// - Parameters:
    ///   - estimator: The estimator whose hyperparameters are varied.
    ///   - grid: The hyperparameters and their values.
    ///   - folds: How rows are split (default 5 folds, stratified for labels).
    ///   - scoring: How folds are scored.
    ///   - refit: Whether to fit the best setting on all the data.
    public init(
        _ estimator: Model, grid: [Hyperparameter<Model>], folds: FoldStrategy = .automatic(5),
        scoring: Scoring = .automatic, refit: Bool = true
    ) {
        self.estimator = estimator
        self.grid = grid
        self.folds = folds
        self.scoring = scoring
        self.refit = refit
    }

    /// Cross-validates every combination, in order (the last hyperparameter varies fastest).
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Targets.
    /// - Returns: The ranked candidates and the refitted best estimator.
    /// - Throws: ``ModelSelectionError`` for a continuous range or an empty grid, or the estimator's errors.
    public func fit(_ x: Tensor, _ y: Targets) throws -> SearchResult<Model> {
        let tried = try trials { model in try crossValidate(model, x, y, folds: folds, scoring: scoring) }
        return try SearchResult(scoring: scoring.resolved(for: estimator).name, tried: tried) { best in
            guard refit else { return nil }
            var model = best
            try model.fit(x, y)
            return model
        }
    }

    /// Every combination of the grid with its cross-validation result from `evaluate`, in grid order.
    func trials(_ evaluate: (Model) throws -> CrossValidationResult) throws -> [SearchResult<Model>.Trial] {
        var axes: [(name: String, count: Int, describe: (Int) -> String, apply: (inout Model, Int) -> Void)] = []
        for parameter in grid {
            guard case .finite(let count, let describe, let apply) = parameter.domain else {
                throw ModelSelectionError.continuousRangeInGrid(name: parameter.name)
            }
            axes.append((parameter.name, count, describe, apply))
        }
        let total = axes.reduce(1) { $0 * $1.count }
        guard total > 0 else { throw ModelSelectionError.emptySearch }
        var tried: [SearchResult<Model>.Trial] = []
        for combination in 0..<total {
            var model = estimator
            var settings: [SearchSetting] = []
            var remainder = combination
            var choices = [Int](repeating: 0, count: axes.count)
            for axis in axes.indices.reversed() {
                choices[axis] = remainder % axes[axis].count
                remainder /= axes[axis].count
            }
            for (axis, choice) in zip(axes, choices) {
                axis.apply(&model, choice)
                settings.append(SearchSetting(name: axis.name, value: axis.describe(choice)))
            }
            tried.append(.init(settings: settings, estimator: model, result: try evaluate(model)))
        }
        return tried
    }
}
