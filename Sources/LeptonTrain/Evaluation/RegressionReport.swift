import Foundation

/// Regression quality of predictions against targets: MSE, RMSE, MAE, R² and explained variance.
///
/// As scikit-learn: when the targets are constant, R² and explained variance are 1 for perfect predictions and 0
/// otherwise.
public struct RegressionReport: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The number of samples.
    public let count: Int
    /// `mean((ŷ − y)²)`.
    public let meanSquaredError: Double
    /// `√MSE`.
    public let rootMeanSquaredError: Double
    /// `mean(|ŷ − y|)`.
    public let meanAbsoluteError: Double
    /// `1 − Σ(y − ŷ)² / Σ(y − ȳ)²`.
    public let r2: Double
    /// `1 − Var(y − ŷ) / Var(y)`.
    public let explainedVariance: Double

    /// Computes the measures.
    ///
    /// - Parameters:
    ///   - predictions: Predicted values.
    ///   - targets: True values, one per prediction.
    /// - Throws: ``EvaluationError`` for mismatched lengths, no samples or non-finite values.
    public init(predictions: [Double], targets: [Double]) throws {
        try EvaluationError.checkPaired(predictions.count, targets.count, what: "targets")
        try EvaluationError.checkFinite(predictions, what: "predictions")
        try EvaluationError.checkFinite(targets, what: "targets")
        let n = Double(targets.count)
        let errors = zip(targets, predictions).map { $0 - $1 }
        let squaredError = errors.reduce(0) { $0 + $1 * $1 }
        let targetMean = targets.reduce(0, +) / n
        let totalSquares = targets.reduce(0) { $0 + ($1 - targetMean) * ($1 - targetMean) }
        let errorMean = errors.reduce(0, +) / n
        let errorVariance = errors.reduce(0) { $0 + ($1 - errorMean) * ($1 - errorMean) } / n
        count = targets.count
        meanSquaredError = squaredError / n
        rootMeanSquaredError = meanSquaredError.squareRoot()
        meanAbsoluteError = errors.reduce(0) { $0 + Swift.abs($1) } / n
        r2 = Self.ratioScore(residual: squaredError, total: totalSquares)
        explainedVariance = Self.ratioScore(residual: errorVariance, total: totalSquares / n)
    }

    private static func ratioScore(residual: Double, total: Double) -> Double {
        if total == 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / total
    }

    /// The measures, one per line.
    public var description: String {
        func line(_ name: String, _ value: Double) -> String {
            name.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: "%.6g", value)
        }
        return [
            line("samples", Double(count)), line("MSE", meanSquaredError), line("RMSE", rootMeanSquaredError),
            line("MAE", meanAbsoluteError), line("R²", r2), line("explained variance", explainedVariance),
        ].joined(separator: "\n")
    }
}
