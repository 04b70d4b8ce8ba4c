import LeptonData
import LeptonTensor

/// Mean squared error, mean absolute error or R², accumulated in Double over batches.
public final class RegressionMetric: Metric {
    /// The quantity.
    public enum Quantity: String, Sendable {
        /// Mean of squared errors.
        case meanSquaredError = "mse"
        /// Mean of absolute errors.
        case meanAbsoluteError = "mae"
        /// 1 − SSE / SST.
        case r2
    }

    /// The quantity computed.
    public let quantity: Quantity
    private var count = 0.0
    private var sumSquaredError = 0.0
    private var sumAbsoluteError = 0.0
    private var sumTarget = 0.0
    private var sumTargetSquared = 0.0

    /// Creates the metric.
    ///
    /// - Parameter quantity: What to compute.
    public init(_ quantity: Quantity) { self.quantity = quantity }

    /// "mse", "mae" or "r2".
    public var name: String { quantity.rawValue }

    /// Adds a batch of predictions and value targets of the same shape.
    public func update(predictions: Tensor, targets: Targets) {
        guard let values = targets.values else { preconditionFailure("\(name): needs value targets") }
        precondition(
            values.elementCount == predictions.elementCount, "\(name): \(predictions.shape) vs \(values.shape)")
        for (prediction, target) in zip(predictions.scalars, values.scalars) {
            let error = Double(prediction) - Double(target)
            sumSquaredError += error * error
            sumAbsoluteError += Swift.abs(error)
            sumTarget += Double(target)
            sumTargetSquared += Double(target) * Double(target)
            count += 1
        }
    }

    /// The value over all values seen.
    public func result() -> Double {
        guard count > 0 else { return 0 }
        switch quantity {
        case .meanSquaredError: return sumSquaredError / count
        case .meanAbsoluteError: return sumAbsoluteError / count
        case .r2:
            let total = sumTargetSquared - sumTarget * sumTarget / count
            return total == 0 ? 0 : 1 - sumSquaredError / total
        }
    }

    /// Forgets everything.
    public func reset() {
        count = 0
        sumSquaredError = 0
        sumAbsoluteError = 0
        sumTarget = 0
        sumTargetSquared = 0
    }
}
