import LeptonData

extension GridSearch {
    /// Searches the grid with a preprocessing pipeline fitted inside every training fold (no leakage), as
    /// scikit-learn's `GridSearchCV(Pipeline([...]))`; see ``crossValidate(_:_:on:targets:folds:scoring:keepFitted:)``.
    ///
    /// - Parameters:
    ///   - pipeline: The preprocessing, unfitted.
    ///   - table: The data.
    ///   - y: The targets, one per row of `table`.
    /// - Returns: The search result (each candidate's folds carry their convergence warnings) and, with ``refit``,
    ///   the pipeline fitted on all rows that the best estimator was refitted behind.
    /// - Throws: ``ModelSelectionError`` for a continuous range or an empty grid; the pipeline's and estimator's
    ///   errors.
    public func fit(_ pipeline: Pipeline, on table: Table, targets y: Targets) throws -> (
        search: SearchResult<Model>, pipeline: FittedPipeline?
    ) {
        let name = scoring.resolved(for: estimator).name
        let tried = try trials { model in
            let result = try crossValidate(pipeline, model, on: table, targets: y, folds: folds, scoring: [scoring])
            guard let folds = result.result(name) else {
                throw ModelSelectionError.scoringNotApplicable(scoring: name, reason: "no scores were recorded")
            }
            return folds
        }
        var fittedPipeline: FittedPipeline?
        let search = try SearchResult(scoring: name, tried: tried) { best in
            guard refit else { return nil }
            let fitted = try pipeline.fit(on: table)
            var model = best
            try model.fit(try fitted.featureValues(from: table), y)
            fittedPipeline = fitted
            return model
        }
        return (search, fittedPipeline)
    }
}
