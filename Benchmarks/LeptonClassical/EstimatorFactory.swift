import Lepton

/// Builds an estimator by name with scikit-learn-named settings (`C`, `alpha`, `max_iter`, `tol`, `n_neighbors`…).
enum EstimatorFactory {
    /// Calls `body` with the named estimator, configured.
    static func withEstimator<Result>(
        _ name: String, settings: [(key: String, value: String)], _ body: (any Estimator) throws -> Result
    ) throws -> Result {
        switch name {
        case "logistic": return try body(try logistic(settings))
        case "ridge": return try body(try ridge(settings))
        case "lasso": return try body(try lasso(settings))
        case "linear-svc": return try body(try linearSVC(settings))
        case "knn": return try body(try neighbors(settings))
        default: throw ClassicalArguments.Problem.unknownEstimator(name)
        }
    }

    static func logistic(_ settings: [(key: String, value: String)]) throws -> LogisticRegression {
        var model = LogisticRegression()
        for setting in settings {
            switch setting.key {
            case "C": model.c = try number(setting)
            case "tol": model.tolerance = try number(setting)
            case "max_iter": model.maxIterations = try integer(setting)
            case "penalty": model.penalty = setting.value == "l1" ? .l1 : .l2
            case "class_weight": model.classWeight = setting.value == "balanced" ? .balanced : .uniform
            default: throw ClassicalArguments.Problem.unknownSetting(estimator: "logistic", key: setting.key)
            }
        }
        return model
    }

    static func ridge(_ settings: [(key: String, value: String)]) throws -> Ridge {
        var model = Ridge()
        for setting in settings {
            guard setting.key == "alpha" else {
                throw ClassicalArguments.Problem.unknownSetting(estimator: "ridge", key: setting.key)
            }
            model.alpha = try number(setting)
        }
        return model
    }

    static func lasso(_ settings: [(key: String, value: String)]) throws -> Lasso {
        var model = Lasso()
        for setting in settings {
            switch setting.key {
            case "alpha": model.alpha = try number(setting)
            case "tol": model.tolerance = try number(setting)
            case "max_iter": model.maxIterations = try integer(setting)
            default: throw ClassicalArguments.Problem.unknownSetting(estimator: "lasso", key: setting.key)
            }
        }
        return model
    }

    static func linearSVC(_ settings: [(key: String, value: String)]) throws -> LinearSVC {
        var model = LinearSVC()
        for setting in settings {
            switch setting.key {
            case "C": model.c = try number(setting)
            case "tol": model.tolerance = try number(setting)
            case "max_iter": model.maxIterations = try integer(setting)
            case "loss": model.loss = setting.value == "hinge" ? .hinge : .squaredHinge
            default: throw ClassicalArguments.Problem.unknownSetting(estimator: "linear-svc", key: setting.key)
            }
        }
        return model
    }

    static func neighbors(_ settings: [(key: String, value: String)]) throws -> KNearestNeighborsClassifier {
        var model = KNearestNeighborsClassifier()
        for setting in settings {
            switch setting.key {
            case "n_neighbors": model.neighbors = try integer(setting)
            case "weights": model.weighting = setting.value == "distance" ? .distance : .uniform
            default: throw ClassicalArguments.Problem.unknownSetting(estimator: "knn", key: setting.key)
            }
        }
        return model
    }

    static func kMeans(_ settings: [(key: String, value: String)]) throws -> KMeans {
        var model = KMeans()
        for setting in settings {
            switch setting.key {
            case "n_clusters": model.clusters = try integer(setting)
            case "n_init": model.initializations = try integer(setting)
            case "seed": model.seed = UInt64(try integer(setting))
            case "max_iter": model.maxIterations = try integer(setting)
            case "tol": model.tolerance = try number(setting)
            default: throw ClassicalArguments.Problem.unknownSetting(estimator: "kmeans", key: setting.key)
            }
        }
        return model
    }
}
