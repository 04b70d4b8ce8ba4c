import Foundation
import Lepton

/// `cv`: cross-validated score of an estimator, folds as scikit-learn's unshuffled (Stratified)KFold.
func runCrossValidation(_ arguments: ClassicalArguments) throws {
    let name = try arguments.string("estimator")
    let data = try NumericData(
        csv: try arguments.string("data"), targetColumn: arguments.string("target", default: "target"))
    let folds = try arguments.integer("folds", default: 5)
    let strategy: FoldStrategy = arguments.flag("stratified") ? .stratifiedKFold(folds) : .kFold(folds)
    let scoring = try scoringRule(arguments.string("scoring", default: "accuracy"))
    let result = try EstimatorFactory.withEstimator(name, settings: arguments.settings) { estimator in
        try crossValidate(
            estimator, data.features, estimator is any Classifier ? data.labels : data.values, folds: strategy,
            scoring: scoring)
    }
    try emit([
        "command": "cv", "estimator": name, "data": try arguments.string("data"), "scoring": result.scoring,
        "fold_scores": result.foldScores, "mean": result.meanScore, "std": result.standardDeviation,
    ])
}

/// `inertia`: k-means fitted on all rows (the target column is dropped).
func runInertia(_ arguments: ClassicalArguments) throws {
    let data = try NumericData(
        csv: try arguments.string("data"), targetColumn: arguments.string("target", default: "target"))
    var model = try EstimatorFactory.kMeans(arguments.settings)
    try model.fit(data.features)
    try emit([
        "command": "inertia", "data": try arguments.string("data"), "inertia": model.inertia,
        "iterations": model.iterations,
    ])
}

/// `time`: the median wall time of `fit` alone (after one untimed warm-up fit), and the held-out score.
func runTimedFit(_ arguments: ClassicalArguments) throws {
    let name = try arguments.string("estimator")
    let targetColumn = arguments.string("target", default: "target")
    let train = try NumericData(csv: try arguments.string("data"), targetColumn: targetColumn)
    let test = try NumericData(csv: try arguments.string("test"), targetColumn: targetColumn)
    let repeats = try arguments.integer("repeats", default: 7)
    ComputeThreads.count = try arguments.integer("threads", default: 1)
    let report = try EstimatorFactory.withEstimator(name, settings: arguments.settings) { estimator in
        var model = estimator
        let classifier = estimator is any Classifier
        let targets = classifier ? train.labels : train.values
        try model.fit(train.features, targets)
        var seconds: [Double] = []
        for _ in 0..<repeats {
            var fresh = estimator
            let started = DispatchTime.now().uptimeNanoseconds
            try fresh.fit(train.features, targets)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            model = fresh
        }
        let score = try (classifier ? Scoring.accuracy : Scoring.r2).score(
            model, test.features, classifier ? test.labels : test.values)
        return (seconds, score, (model as? LogisticRegression)?.iterations)
    }
    let sorted = report.0.sorted()
    try emit([
        "command": "time", "estimator": name, "threads": ComputeThreads.count,
        "rows": train.features.shape[0], "features": train.features.shape[1],
        "median_seconds": sorted[sorted.count / 2],
        "min_seconds": sorted[0], "times": report.0, "test_score": report.1, "iterations": report.2 ?? NSNull(),
    ])
}

private func scoringRule(_ name: String) throws -> Scoring {
    switch name {
    case "accuracy": return .accuracy
    case "roc_auc": return .rocAUC
    case "r2": return .r2
    case "neg_log_loss": return .negativeLogLoss
    default: throw ClassicalArguments.Problem.invalidValue(option: "--scoring", value: name)
    }
}
