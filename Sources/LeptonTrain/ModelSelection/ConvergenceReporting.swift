/// An estimator fitted by an iterative solver that reports whether it converged.
protocol ConvergenceReporting {
    /// Whether the last fit met its tolerance within the iteration limit.
    var converged: Bool { get }
}

extension LogisticRegression: ConvergenceReporting {}
extension LinearSVC: ConvergenceReporting {}
extension ElasticNet: ConvergenceReporting {}
extension Lasso: ConvergenceReporting {}

/// A warning raised while fitting inside cross-validation, search or permutation importance (scikit-learn's
/// `ConvergenceWarning`): the results are still returned, but they come from a model that did not converge.
public struct FitWarning: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The fold (or repeat) in which it happened, from 0.
    public let fold: Int
    /// What happened.
    public let message: String

    /// A warning for `fold`.
    /// - Parameters:
    ///   - fold: the fold, from 0.
    ///   - message: what happened.
    public init(fold: Int, message: String) {
        self.fold = fold
        self.message = message
    }

    /// `fold 2: LogisticRegression did not converge …`.
    public var description: String { "fold \(fold): \(message)" }

    /// The warning for `model` fitted in `fold` — perfect separation, or no convergence — or `nil`.
    static func convergence(of model: some Estimator, fold: Int) -> FitWarning? {
        if let logistic = model as? LogisticRegression, logistic.perfectSeparation {
            return FitWarning(
                fold: fold,
                message: "LogisticRegression without a penalty: the classes are perfectly separated, so the "
                    + "coefficients diverge; use a penalty")
        }
        if let clustering = model as? KMeans, clustering.distinctClusters < clustering.clusters {
            return FitWarning(
                fold: fold,
                message: "KMeans found \(clustering.distinctClusters) distinct clusters, fewer than the "
                    + "\(clustering.clusters) asked for (the data has fewer distinct points)")
        }
        guard let reporting = model as? any ConvergenceReporting, !reporting.converged else { return nil }
        return FitWarning(
            fold: fold,
            message: "\(type(of: model)) did not converge within its iteration limit; "
                + "raise maxIterations or scale the features")
    }
}
