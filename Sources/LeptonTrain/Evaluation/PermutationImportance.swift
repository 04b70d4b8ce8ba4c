import LeptonData
import LeptonSupport
import LeptonTensor

/// How much a model's score drops when one feature's values are shuffled.
public struct FeatureImportance: Sendable, Hashable, Codable {
    /// The feature's name.
    public let feature: String
    /// The mean drop in score over the repeats (larger means more important).
    public let meanDecrease: Double
    /// The population standard deviation of the drops.
    public let standardDeviation: Double
    /// The drop of each repeat.
    public let decreases: [Double]
    /// Warnings about the estimator the importances were measured on, such as a solver that did not converge
    /// (scikit-learn's `ConvergenceWarning`); the same for every feature.
    /// Encodings from before warnings existed decode with none.
    @DefaultWhenMissing<EmptyWhenMissing<[FitWarning]>> public private(set) var warnings: [FitWarning]
}

/// Permutation importance of every feature for any fitted estimator: the baseline score on `x` minus the score after
/// shuffling one column, averaged over `repeats` seeded shuffles (scikit-learn's `permutation_importance`).
///
/// - Parameters:
///   - estimator: A fitted estimator.
///   - x: Features, `[rows, features]` (usually held-out data).
///   - y: True targets.
///   - scoring: How to score (default: accuracy for classifiers, R² otherwise).
///   - repeats: Shuffles per feature ≥ 1.
///   - seed: Seeds the shuffles.
///   - featureNames: One name per feature (default `x0`, `x1`, …).
/// - Returns: One entry per feature, in feature order (sort by ``FeatureImportance/meanDecrease`` to rank), each
///   carrying the estimator's convergence or separation warning, if any.
/// - Throws: ``EvaluationError`` for bad arguments, or the estimator's and scoring's errors.
public func permutationImportance<Model: Estimator>(
    _ estimator: Model, _ x: Tensor, _ y: Targets, scoring: Scoring = .automatic, repeats: Int = 5, seed: UInt64 = 0,
    featureNames: [String]? = nil
) throws -> [FeatureImportance] {
    guard x.rank == 2 else { throw EstimatorError.featuresNotMatrix(shape: x.shape) }
    let (rows, columns) = (x.shape[0], x.shape[1])
    guard repeats >= 1 else {
        throw EvaluationError.invalidArgument(name: "repeats", value: String(repeats), requirement: "must be ≥ 1")
    }
    let names = featureNames ?? (0..<columns).map { "x\($0)" }
    guard names.count == columns else {
        throw EvaluationError.lengthMismatch(what: "featureNames", expected: columns, actual: names.count)
    }
    let warnings = FitWarning.convergence(of: estimator, fold: 0).map { [$0] } ?? []
    let baseline = try scoring.score(estimator, x, y)
    let original = x.scalars
    var generator = RandomGenerator(seed: seed)
    return try (0..<columns).map { column in
        let decreases = try (0..<repeats).map { _ -> Double in
            let order = generator.permutation(rows)
            var shuffled = original
            for row in 0..<rows { shuffled[row * columns + column] = original[order[row] * columns + column] }
            return baseline - (try scoring.score(estimator, Tensor(shuffled, shape: [rows, columns]), y))
        }
        let mean = decreases.reduce(0, +) / Double(repeats)
        let variance = decreases.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(repeats)
        return FeatureImportance(
            feature: names[column], meanDecrease: mean, standardDeviation: variance.squareRoot(), decreases: decreases,
            warnings: warnings)
    }
}
