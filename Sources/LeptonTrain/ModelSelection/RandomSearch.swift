import LeptonData
import LeptonTensor

/// Tries `iterations` settings drawn at random (seeded) from the given values and ranges with cross-validation,
/// ranks them and refits the best on all the data (scikit-learn's `RandomizedSearchCV`).
public struct RandomSearch<Model: Estimator> {
    /// The estimator whose hyperparameters are varied.
    public var estimator: Model
    /// The hyperparameters: finite lists are drawn from uniformly, ranges by their distribution.
    public var space: [Hyperparameter<Model>]
    /// The number of settings to try.
    public var iterations: Int
    /// How rows are split.
    public var folds: FoldStrategy
    /// How each fold is scored.
    public var scoring: Scoring
    /// Seeds the draws.
    public var seed: UInt64
    /// Whether to fit the best setting on all the data.
    public var refit: Bool

    /// Creates a search.
    ///
    /// - Parameters:
    ///   - estimator: The estimator whose hyperparameters are varied.
    ///   - space: The hyperparameters.
    ///   - iterations: Settings to try.
    ///   - folds: How rows are split.
    ///   - scoring: How folds are scored.
    ///   - seed: Seeds the draws.
    ///   - refit: Whether to fit the best setting on all the data.
    public init(
        _ estimator: Model, space: [Hyperparameter<Model>], iterations: Int = 10, folds: FoldStrategy = .automatic(5),
        scoring: Scoring = .automatic, seed: UInt64 = 0, refit: Bool = true
    ) {
        self.estimator = estimator
        self.space = space
        self.iterations = iterations
        self.folds = folds
        self.scoring = scoring
        self.seed = seed
        self.refit = refit
    }

    /// Draws and cross-validates ``iterations`` settings.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Targets.
    /// - Returns: The ranked candidates and the refitted best estimator.
    /// - Throws: ``ModelSelectionError`` for no iterations, or the estimator's errors.
    public func fit(_ x: Tensor, _ y: Targets) throws -> SearchResult<Model> {
        guard iterations >= 1 else { throw ModelSelectionError.emptySearch }
        var generator = RandomGenerator(seed: seed)
        var tried: [SearchResult<Model>.Trial] = []
        for _ in 0..<iterations {
            var model = estimator
            var settings: [SearchSetting] = []
            for parameter in space {
                switch parameter.domain {
                case .finite(let count, let describe, let apply):
                    guard count > 0 else { throw ModelSelectionError.emptySearch }
                    let choice = Int(generator.next(upperBound: UInt64(count)))
                    apply(&model, choice)
                    settings.append(SearchSetting(name: parameter.name, value: describe(choice)))
                case .sampled(let draw):
                    settings.append(SearchSetting(name: parameter.name, value: draw(&generator, &model)))
                }
            }
            tried.append(
                .init(
                    settings: settings, estimator: model,
                    result: try crossValidate(model, x, y, folds: folds, scoring: scoring)))
        }
        return try SearchResult(scoring: scoring.resolved(for: estimator).name, tried: tried) { best in
            guard refit else { return nil }
            var model = best
            try model.fit(x, y)
            return model
        }
    }
}
