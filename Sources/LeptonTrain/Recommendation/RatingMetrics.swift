import Foundation

/// Accuracy of predicted ratings against observed ratings.
public enum RatingMetrics {
    /// Root mean squared error, `sqrt((1/n) · Σᵢ (ŷᵢ − yᵢ)²)` (Surprise's `accuracy.rmse`).
    ///
    /// - Parameters:
    ///   - predicted: The predicted ratings ŷ.
    ///   - actual: The observed ratings y, aligned with `predicted`.
    /// - Throws: ``RecommendationMetricError`` for empty, misaligned or non-finite input.
    public static func rmse(predicted: [Double], actual: [Double]) throws -> Double {
        try validate(predicted: predicted, actual: actual)
        let sum = zip(predicted, actual).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return (sum / Double(actual.count)).squareRoot()
    }

    /// Mean absolute error, `(1/n) · Σᵢ |ŷᵢ − yᵢ|` (Surprise's `accuracy.mae`).
    ///
    /// - Parameters:
    ///   - predicted: The predicted ratings ŷ.
    ///   - actual: The observed ratings y, aligned with `predicted`.
    /// - Throws: ``RecommendationMetricError`` for empty, misaligned or non-finite input.
    public static func mae(predicted: [Double], actual: [Double]) throws -> Double {
        try validate(predicted: predicted, actual: actual)
        return zip(predicted, actual).reduce(0.0) { $0 + abs($1.0 - $1.1) } / Double(actual.count)
    }

    private static func validate(predicted: [Double], actual: [Double]) throws {
        guard !actual.isEmpty else { throw RecommendationMetricError.emptyInput }
        guard predicted.count == actual.count else {
            throw RecommendationMetricError.countMismatch(
                what: "predicted", expected: actual.count, actual: predicted.count)
        }
        if let index = predicted.firstIndex(where: { !$0.isFinite }) {
            throw RecommendationMetricError.nonFiniteValue(what: "predicted", index: index, value: predicted[index])
        }
        if let index = actual.firstIndex(where: { !$0.isFinite }) {
            throw RecommendationMetricError.nonFiniteValue(what: "actual", index: index, value: actual[index])
        }
    }
}
