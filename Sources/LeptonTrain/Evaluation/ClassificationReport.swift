import Foundation

/// Per-class precision, recall, F1 and support, with accuracy and macro and weighted averages — scikit-learn's
/// `classification_report`. A class never predicted (or never present) gets precision (or recall) 0.
public struct ClassificationReport: Sendable, Hashable, CustomStringConvertible {
    /// One line of the report.
    public struct Row: Sendable, Hashable, Codable {
        /// The class name, or `macro avg` / `weighted avg`.
        public let label: String
        /// True positives over predicted positives.
        public let precision: Double
        /// True positives over actual positives.
        public let recall: Double
        /// The harmonic mean of precision and recall.
        public let f1: Double
        /// The number of true samples of the class (all samples for the averages).
        public let support: Int
    }

    /// The classes: every label seen in the truth or the predictions, ascending.
    public let classes: [Int32]
    /// One row per class, in ``classes`` order.
    public let rows: [Row]
    /// The fraction of correct predictions.
    public let accuracy: Double
    /// The unweighted mean over classes.
    public let macroAverage: Row
    /// The mean over classes weighted by support.
    public let weightedAverage: Row

    /// Computes the report.
    ///
    /// - Parameters:
    ///   - actual: True labels.
    ///   - predicted: Predicted labels, one per true label.
    ///   - classNames: Display names for labels (the number otherwise).
    /// - Throws: ``EvaluationError`` for mismatched lengths or no samples.
    public init(actual: [Int32], predicted: [Int32], classNames: [Int32: String] = [:]) throws {
        try EvaluationError.checkPaired(actual.count, predicted.count, what: "predicted")
        classes = Array(Set(actual).union(predicted)).sorted()
        var rows: [Row] = []
        for label in classes {
            let truePositives = Double(zip(actual, predicted).filter { $0 == label && $1 == label }.count)
            let predictedCount = Double(predicted.filter { $0 == label }.count)
            let support = actual.filter { $0 == label }.count
            let precision = predictedCount == 0 ? 0 : truePositives / predictedCount
            let recall = support == 0 ? 0 : truePositives / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            rows.append(
                Row(
                    label: classNames[label] ?? String(label), precision: precision, recall: recall, f1: f1,
                    support: support))
        }
        self.rows = rows
        accuracy = Double(zip(actual, predicted).filter { $0 == $1 }.count) / Double(actual.count)
        let count = Double(rows.count)
        let total = Double(actual.count)
        func average(_ label: String, _ weight: (Row) -> Double, _ denominator: Double) -> Row {
            Row(
                label: label, precision: rows.reduce(0) { $0 + weight($1) * $1.precision } / denominator,
                recall: rows.reduce(0) { $0 + weight($1) * $1.recall } / denominator,
                f1: rows.reduce(0) { $0 + weight($1) * $1.f1 } / denominator, support: actual.count)
        }
        macroAverage = average("macro avg", { _ in 1 }, count)
        weightedAverage = average("weighted avg", { Double($0.support) }, total)
    }

    /// The report as aligned text, like scikit-learn's.
    ///
    /// - Parameter digits: Decimal places of the scores.
    /// - Returns: The table.
    public func rendered(digits: Int = 3) -> String {
        let width = Swift.max(12, (rows.map(\.label.count).max() ?? 0) + 2)
        let cell = Swift.max(10, digits + 7)
        func pad(_ text: String, _ size: Int) -> String {
            String(repeating: " ", count: Swift.max(0, size - text.count)) + text
        }
        func number(_ value: Double) -> String { pad(String(format: "%.\(digits)f", value), cell) }
        func line(_ row: Row) -> String {
            pad(row.label, width) + number(row.precision) + number(row.recall) + number(row.f1)
                + pad(String(row.support), cell)
        }
        var text =
            pad("", width) + pad("precision", cell) + pad("recall", cell) + pad("f1-score", cell)
            + pad("support", cell) + "\n\n"
        for row in rows { text += line(row) + "\n" }
        text +=
            "\n" + pad("accuracy", width) + pad("", 2 * cell) + number(accuracy)
            + pad(String(macroAverage.support), cell) + "\n"
        text += line(macroAverage) + "\n" + line(weightedAverage) + "\n"
        return text
    }

    /// The report with three decimal places.
    public var description: String { rendered() }
}
