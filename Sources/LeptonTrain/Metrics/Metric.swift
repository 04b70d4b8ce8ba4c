import LeptonData
import LeptonTensor

/// A quantity accumulated over batches: update it with each batch, read the result, reset it per epoch.
public protocol Metric: AnyObject {
    /// The name used in logs and the history (`accuracy`, `val_accuracy`, …).
    var name: String { get }
    /// Adds a batch.
    ///
    /// - Parameters:
    ///   - predictions: The model's output, batch axis first.
    ///   - targets: The batch's targets.
    func update(predictions: Tensor, targets: Targets)
    /// The value over everything added since the last reset.
    func result() -> Double
    /// Forgets everything added.
    func reset()
}

/// A metric by name, so training can make fresh instances for its training and validation passes.
public enum MetricKind: Sendable, Hashable, Codable {
    /// Fraction of correct class predictions.
    case accuracy
    /// Fraction of samples whose label is among the `k` highest scores.
    case topKAccuracy(Int)
    /// Precision, averaged as given.
    case precision(Averaging)
    /// Recall, averaged as given.
    case recall(Averaging)
    /// F1 score, averaged as given.
    case f1(Averaging)
    /// Area under the ROC curve of a binary classifier.
    case rocAUC
    /// Mean squared error.
    case meanSquaredError
    /// Mean absolute error.
    case meanAbsoluteError
    /// Coefficient of determination.
    case r2

    /// Top-5 accuracy.
    public static let top5Accuracy = MetricKind.topKAccuracy(5)

    /// A fresh metric.
    ///
    /// - Returns: A new, empty instance.
    public func make() -> any Metric {
        switch self {
        case .accuracy: return Accuracy()
        case .topKAccuracy(let k): return TopKAccuracy(k: k)
        case .precision(let averaging): return ClassificationScore(.precision, averaging: averaging)
        case .recall(let averaging): return ClassificationScore(.recall, averaging: averaging)
        case .f1(let averaging): return ClassificationScore(.f1, averaging: averaging)
        case .rocAUC: return ROCAUC()
        case .meanSquaredError: return RegressionMetric(.meanSquaredError)
        case .meanAbsoluteError: return RegressionMetric(.meanAbsoluteError)
        case .r2: return RegressionMetric(.r2)
        }
    }
}

/// How per-class scores are combined.
public enum Averaging: String, Sendable, Hashable, Codable {
    /// The unweighted mean of per-class scores.
    case macro
    /// The score of the pooled counts (for precision and recall of a single-label problem, the accuracy).
    case micro
    /// The score of class 1 only (binary problems).
    case binary
}

/// The class each sample is predicted to be: the argmax of the last axis, or a 0.5 threshold for one column.
func predictedClasses(_ predictions: Tensor) -> [Int32] {
    let columns = predictions.rank >= 2 ? predictions.shape[predictions.rank - 1] : 1
    if columns == 1 { return predictions.scalars.map { $0 >= 0.5 ? 1 : 0 } }
    return predictions.argmax(axis: -1)
}

/// The true class of each sample: the label, the argmax of a one-hot row, or a 0.5 threshold for one column.
func trueClasses(_ targets: Targets) -> [Int32] {
    switch targets {
    case .labels(let labels): return labels
    case .values(let values): return predictedClasses(values)
    }
}

/// The fraction of samples whose predicted class equals the true class.
public final class Accuracy: Metric {
    private var correct = 0
    private var total = 0

    /// Creates the metric.
    public init() {}

    /// "accuracy".
    public var name: String { "accuracy" }

    /// Counts correct predictions of a batch.
    public func update(predictions: Tensor, targets: Targets) {
        let predicted = predictedClasses(predictions)
        let actual = trueClasses(targets)
        precondition(
            predicted.count == actual.count, "accuracy: \(predicted.count) predictions for \(actual.count) targets")
        correct += zip(predicted, actual).filter { $0 == $1 }.count
        total += actual.count
    }

    /// Correct / total (0 before any update).
    public func result() -> Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Forgets all counts.
    public func reset() {
        correct = 0
        total = 0
    }
}

/// The fraction of samples whose true class is among the `k` highest-scoring classes.
public final class TopKAccuracy: Metric {
    /// How many top classes count.
    public let k: Int
    private var hits = 0
    private var total = 0

    /// Creates the metric.
    ///
    /// - Parameter k: How many top classes count.
    public init(k: Int) {
        precondition(k >= 1, "TopKAccuracy: k must be at least 1")
        self.k = k
    }

    /// "top_k_accuracy".
    public var name: String { "top_\(k)_accuracy" }

    /// Counts hits of a batch.
    public func update(predictions: Tensor, targets: Targets) {
        let labels = trueClasses(targets)
        let classes = predictions.shape[predictions.rank - 1]
        let scores = predictions.scalars
        for (row, label) in labels.enumerated() {
            let own = scores[row * classes + Int(label)]
            var higher = 0
            for column in 0..<classes where scores[row * classes + column] > own { higher += 1 }
            if higher < k { hits += 1 }
        }
        total += labels.count
    }

    /// Hits / total.
    public func result() -> Double { total == 0 ? 0 : Double(hits) / Double(total) }

    /// Forgets all counts.
    public func reset() {
        hits = 0
        total = 0
    }
}
