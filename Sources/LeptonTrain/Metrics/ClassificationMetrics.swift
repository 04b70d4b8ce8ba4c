import LeptonData
import LeptonTensor

/// Counts of (true class, predicted class) pairs.
public final class ConfusionMatrix: Metric {
    /// The number of classes (grows when a larger class index is seen).
    public private(set) var classes: Int
    /// `counts[actual][predicted]`.
    public private(set) var counts: [[Int]]

    /// Creates an empty matrix.
    ///
    /// - Parameter classes: The number of classes expected.
    public init(classes: Int = 2) {
        self.classes = classes
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    /// "confusion_matrix".
    public var name: String { "confusion_matrix" }

    /// Adds a batch.
    public func update(predictions: Tensor, targets: Targets) {
        add(actual: trueClasses(targets), predicted: predictedClasses(predictions))
    }

    /// Adds pairs of classes directly.
    ///
    /// - Parameters:
    ///   - actual: True classes.
    ///   - predicted: Predicted classes, one per true class.
    public func add(actual: [Int32], predicted: [Int32]) {
        precondition(actual.count == predicted.count, "ConfusionMatrix: \(actual.count) vs \(predicted.count) classes")
        let largest = Int(Swift.max(actual.max() ?? 0, predicted.max() ?? 0)) + 1
        if largest > classes { grow(to: largest) }
        for (truth, guess) in zip(actual, predicted) { counts[Int(truth)][Int(guess)] += 1 }
    }

    private func grow(to size: Int) {
        for row in counts.indices { counts[row] += Array(repeating: 0, count: size - classes) }
        counts += Array(repeating: Array(repeating: 0, count: size), count: size - classes)
        classes = size
    }

    /// The accuracy: the diagonal over the total.
    public func result() -> Double {
        let total = counts.joined().reduce(0, +)
        return total == 0 ? 0 : Double((0..<classes).reduce(0) { $0 + counts[$1][$1] }) / Double(total)
    }

    /// Forgets all counts.
    public func reset() {
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    /// Per class: precision, recall, F1 and support (samples of that class).
    public var perClass: [(precision: Double, recall: Double, f1: Double, support: Int)] {
        (0..<classes).map { label in
            let truePositives = Double(counts[label][label])
            let predicted = Double((0..<classes).reduce(0) { $0 + counts[$1][label] })
            let actual = counts[label].reduce(0, +)
            let precision = predicted == 0 ? 0 : truePositives / predicted
            let recall = actual == 0 ? 0 : truePositives / Double(actual)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return (precision, recall, f1, actual)
        }
    }

    /// The matrix as aligned text, rows the true classes and columns the predicted ones.
    ///
    /// - Parameter labels: Class names (default: the indices).
    /// - Returns: The table.
    public func rendered(labels: [String]? = nil) -> String {
        let names = labels ?? (0..<classes).map(String.init)
        let width = Swift.max(names.map(\.count).max() ?? 1, String(counts.joined().max() ?? 0).count) + 1
        func cell(_ text: String) -> String { String(repeating: " ", count: Swift.max(0, width - text.count)) + text }
        var text = cell("true\\pred") + names.map(cell).joined() + "\n"
        for (row, name) in names.enumerated() where row < classes {
            text += cell(name) + counts[row].map { cell(String($0)) }.joined() + "\n"
        }
        return text
    }
}

/// Precision, recall or F1 from a confusion matrix.
public final class ClassificationScore: Metric {
    /// The score computed.
    public enum Score: String, Sendable {
        /// True positives over predicted positives.
        case precision
        /// True positives over actual positives.
        case recall
        /// The harmonic mean of precision and recall.
        case f1
    }

    /// The score.
    public let score: Score
    /// How classes are combined.
    public let averaging: Averaging
    private let matrix = ConfusionMatrix()

    /// Creates the metric.
    ///
    /// - Parameters:
    ///   - score: Precision, recall or F1.
    ///   - averaging: Macro, micro or binary (class 1).
    public init(_ score: Score, averaging: Averaging) {
        self.score = score
        self.averaging = averaging
    }

    /// For example "f1_macro".
    public var name: String { "\(score.rawValue)_\(averaging.rawValue)" }

    /// Adds a batch.
    public func update(predictions: Tensor, targets: Targets) {
        matrix.update(predictions: predictions, targets: targets)
    }

    /// The averaged score.
    public func result() -> Double {
        let perClass = matrix.perClass
        func pick(_ entry: (precision: Double, recall: Double, f1: Double, support: Int)) -> Double {
            switch score {
            case .precision: return entry.precision
            case .recall: return entry.recall
            case .f1: return entry.f1
            }
        }
        switch averaging {
        case .macro:
            return perClass.isEmpty ? 0 : perClass.map(pick).reduce(0, +) / Double(perClass.count)
        case .binary:
            return perClass.count > 1 ? pick(perClass[1]) : 0
        case .micro:
            // In single-label classification every error is one false positive and one false negative, so
            // pooled precision, recall and F1 all equal the accuracy.
            return matrix.result()
        }
    }

    /// Forgets all counts.
    public func reset() { matrix.reset() }
}

/// The area under the ROC curve for a binary classifier, from the score of class 1.
///
/// Computed exactly from all scores seen, as the Mann–Whitney statistic with ties counted as one half.
public final class ROCAUC: Metric {
    private var scores: [Float] = []
    private var positives: [Bool] = []

    /// Creates the metric.
    public init() {}

    /// "auc".
    public var name: String { "auc" }

    /// Adds a batch: a single column of scores, or the second column of two.
    public func update(predictions: Tensor, targets: Targets) {
        let columns = predictions.rank >= 2 ? predictions.shape[predictions.rank - 1] : 1
        precondition(columns <= 2, "ROCAUC: needs one or two score columns, got \(predictions.shape)")
        let values = predictions.scalars
        let batchScores = columns == 1 ? values : stride(from: 1, to: values.count, by: 2).map { values[$0] }
        scores += batchScores
        positives += trueClasses(targets).map { $0 == 1 }
    }

    /// The AUC, or NaN while it is undefined (only one class seen, or a NaN score).
    public func result() -> Double { Self.auc(scores: scores.map(Double.init), positives: positives) }

    /// Forgets all scores.
    public func reset() {
        scores = []
        positives = []
    }

    /// The AUC of scores against binary truth (average ranks for ties).
    ///
    /// - Parameters:
    ///   - scores: Higher means more likely positive.
    ///   - positives: The truth.
    /// - Returns: The area under the ROC curve; NaN where it is undefined — one class absent, a NaN score, or
    ///   `scores` and `positives` of different lengths (scikit-learn raises in these cases) — so that a decision
    ///   taken on it fails closed.
    public static func auc(scores: [Double], positives: [Bool]) -> Double {
        guard scores.count == positives.count, !scores.contains(where: \.isNaN) else { return .nan }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var ranks = [Double](repeating: 0, count: scores.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = averageRank }
            start = end + 1
        }
        let positiveCount = positives.filter { $0 }.count
        let negativeCount = positives.count - positiveCount
        guard positiveCount > 0 && negativeCount > 0 else { return .nan }
        let positiveRankSum = zip(ranks, positives).filter { $0.1 }.reduce(0) { $0 + $1.0 }
        let u = positiveRankSum - Double(positiveCount * (positiveCount + 1)) / 2
        return u / Double(positiveCount * negativeCount)
    }
}
