import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

@Suite("Metrics against hand-computed values")
struct MetricsTests {
    // Predictions for 6 samples of 3 classes; predicted classes [0, 1, 2, 1, 1, 0], truth [0, 1, 1, 1, 2, 0].
    let scores = Tensor(
        [0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.3, 0.5, 0.3, 0.6, 0.1, 0.1, 0.5, 0.4, 0.5, 0.3, 0.2], shape: [6, 3])
    let truth: Targets = .labels([0, 1, 1, 1, 2, 0])

    @Test("accuracy, top-k and the confusion matrix")
    func classification() {
        let accuracy = Accuracy()
        accuracy.update(predictions: scores, targets: truth)
        #expect(accuracy.result() == 4.0 / 6.0)
        let top2 = TopKAccuracy(k: 2)
        top2.update(predictions: scores, targets: truth)
        #expect(top2.result() == 6.0 / 6.0)
        let matrix = ConfusionMatrix(classes: 3)
        matrix.update(predictions: scores, targets: truth)
        #expect(matrix.counts == [[2, 0, 0], [0, 2, 1], [0, 1, 0]])
        // Class 1: precision 2/3, recall 2/3; class 2: 0/1 and 0/1; class 0: 1 and 1.
        let f1 = ClassificationScore(.f1, averaging: .macro)
        f1.update(predictions: scores, targets: truth)
        #expect(Swift.abs(f1.result() - (1 + 2.0 / 3.0 + 0) / 3) < 1e-12)
        let micro = ClassificationScore(.precision, averaging: .micro)
        micro.update(predictions: scores, targets: truth)
        #expect(micro.result() == 4.0 / 6.0)
        accuracy.reset()
        #expect(accuracy.result() == 0)
    }

    @Test("ROC AUC equals the fraction of correctly ordered positive-negative pairs")
    func auc() {
        let scores: [Double] = [0.1, 0.4, 0.35, 0.8, 0.4]
        let positives = [false, false, true, true, true]
        // Pairs (positive, negative): (0.35,0.1)✓ (0.35,0.4)✗ (0.8,·)✓✓ (0.4,0.1)✓ (0.4,0.4)½ → 4.5 / 6.
        #expect(Swift.abs(ROCAUC.auc(scores: scores, positives: positives) - 4.5 / 6) < 1e-12)
        // Undefined cases are NaN (scikit-learn's roc_auc_score raises for one class and for NaN scores), never
        // the 0.5 or 0.25 that would pass for a result.
        #expect(ROCAUC.auc(scores: [0.2, 0.9], positives: [true, true]).isNaN)
        #expect(ROCAUC.auc(scores: [0.2, .nan, 0.9], positives: [false, true, true]).isNaN)
        #expect(ROCAUC.auc(scores: [0.2, 0.9], positives: [false, true, true]).isNaN)
        let metric = ROCAUC()
        metric.update(predictions: Tensor(scores.map(Float.init), shape: [5, 1]), targets: .labels([0, 0, 1, 1, 1]))
        #expect(Swift.abs(metric.result() - 4.5 / 6) < 1e-6)
    }

    @Test("regression metrics")
    func regression() {
        let predictions = Tensor([1, 2, 3, 5], shape: [4, 1])
        let targets: Targets = .values(Tensor([1, 3, 2, 4], shape: [4, 1]))
        let values = [RegressionMetric(.meanSquaredError), RegressionMetric(.meanAbsoluteError), RegressionMetric(.r2)]
        for metric in values { metric.update(predictions: predictions, targets: targets) }
        #expect(values[0].result() == 3.0 / 4.0)
        #expect(values[1].result() == 3.0 / 4.0)
        // SST: mean 2.5 → 2.25 + 0.25 + 0.25 + 2.25 = 5; SSE = 3; R² = 1 − 3/5.
        #expect(Swift.abs(values[2].result() - 0.4) < 1e-12)
    }
}
