import Foundation
import LeptonTensor

extension Evaluation {
    /// The mean cross-entropy `−mean(log p[i, yᵢ])` of class probabilities, clipped to `[ε, 1 − ε]` (ε the Double
    /// epsilon), as scikit-learn's `log_loss`.
    ///
    /// - Parameters:
    ///   - probabilities: `[rows, classes.count]`, columns in `classes` order.
    ///   - labels: The true label of each row.
    ///   - classes: The label of each column.
    /// - Returns: The log loss.
    /// - Throws: ``EvaluationError`` for mismatched shapes, probabilities outside [0, 1] or unknown labels.
    public static func logLoss(probabilities: Tensor, labels: [Int32], classes: [Int32]) throws -> Double {
        let rows = try probabilityRows(probabilities, labels: labels, classes: classes)
        let epsilon = Double.ulpOfOne
        let columnOf = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var total = 0.0
        for (row, label) in zip(rows, labels) {
            guard let column = columnOf[label] else { throw EvaluationError.unknownLabel(label) }
            total -= Foundation.log(Swift.min(Swift.max(row[column], epsilon), 1 - epsilon))
        }
        return total / Double(labels.count)
    }

    /// The one-vs-rest ROC AUC averaged over classes (macro), as scikit-learn's
    /// `roc_auc_score(multi_class="ovr")`; for two columns, the AUC of the second.
    ///
    /// - Parameters:
    ///   - probabilities: `[rows, classes.count]`, columns in `classes` order.
    ///   - labels: The true label of each row.
    ///   - classes: The label of each column.
    /// - Returns: The AUC.
    /// - Throws: ``EvaluationError`` for mismatched shapes or a class without positives or negatives.
    public static func rocAUC(probabilities: Tensor, labels: [Int32], classes: [Int32]) throws -> Double {
        let rows = try probabilityRows(probabilities, labels: labels, classes: classes)
        if classes.count == 2 {
            return try rocAUC(scores: rows.map { $0[1] }, positives: labels.map { $0 == classes[1] })
        }
        var total = 0.0
        for (column, label) in classes.enumerated() {
            total += try rocAUC(scores: rows.map { $0[column] }, positives: labels.map { $0 == label })
        }
        return total / Double(classes.count)
    }

    private static func probabilityRows(_ probabilities: Tensor, labels: [Int32], classes: [Int32]) throws
        -> [[Double]]
    {
        guard probabilities.rank == 2, probabilities.shape[1] == classes.count else {
            throw EvaluationError.lengthMismatch(
                what: "probability columns", expected: classes.count,
                actual: probabilities.rank == 2 ? probabilities.shape[1] : probabilities.elementCount)
        }
        try EvaluationError.checkPaired(labels.count, probabilities.shape[0], what: "probability rows")
        let values = probabilities.scalars.map(Double.init)
        try EvaluationError.checkProbabilities(values)
        return (0..<labels.count).map { Array(values[($0 * classes.count)..<(($0 + 1) * classes.count)]) }
    }
}
