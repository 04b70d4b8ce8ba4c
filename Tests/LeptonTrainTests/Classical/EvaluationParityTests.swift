import LeptonTensor
import LeptonTrain
import Testing

/// Evaluation measures against scikit-learn and SciPy on the same numbers (exact formulas: 1e-12).
@Suite("Evaluation measures against scikit-learn")
struct EvaluationParityTests {
    let data: ClassicalFixture
    let probabilities: [Double]
    let positives: [Bool]

    init() throws {
        data = try ClassicalFixture.load("metrics")
        probabilities = try data.doubles("probabilities")
        positives = try data.bools("positives")
    }

    @Test("ROC AUC, Gini, average precision, KS, log loss and Brier score (with tied scores)")
    func binaryMeasures() throws {
        let auc = try Evaluation.rocAUC(scores: probabilities, positives: positives)
        expectClose(auc, try data.double("roc_auc"), tolerance: 1e-12, "ROC AUC")
        expectClose(
            try Evaluation.gini(scores: probabilities, positives: positives), 2 * auc - 1, tolerance: 1e-12, "Gini")
        expectClose(
            try Evaluation.averagePrecision(scores: probabilities, positives: positives),
            try data.double("average_precision"), tolerance: 1e-12, "average precision")
        expectClose(
            try Evaluation.ksStatistic(scores: probabilities, positives: positives), try data.double("ks"),
            tolerance: 1e-12, "KS")
        expectClose(
            try Evaluation.logLoss(probabilities: probabilities, positives: positives), try data.double("log_loss"),
            tolerance: 1e-12, "log loss")
        expectClose(
            try Evaluation.brierScore(probabilities: probabilities, positives: positives), try data.double("brier"),
            tolerance: 1e-12, "Brier")
    }

    @Test("confusion matrix at a threshold")
    func confusion() throws {
        let matrix = try Evaluation.confusionMatrix(scores: probabilities, positives: positives, threshold: 0.4)
        #expect(matrix.counts == (try data.integerRows("confusion_at_0_4")))
    }

    @Test("calibration tables with uniform and quantile bins")
    func calibration() throws {
        for strategy in [CalibrationTable.Strategy.uniform, .quantile] {
            let table = try CalibrationTable(
                probabilities: probabilities, positives: positives, binCount: 5, strategy: strategy)
            let expected = try data.section("calibration_\(strategy.rawValue)")
            let filled = table.bins.filter { $0.count > 0 }
            expectClose(filled.compactMap(\.observedRate), try expected.doubles("observed"), tolerance: 1e-12, "rate")
            expectClose(filled.compactMap(\.meanPredicted), try expected.doubles("predicted"), tolerance: 1e-12, "mean")
            #expect(table.bins.reduce(0) { $0 + $1.count } == probabilities.count)
        }
    }

    @Test("classification report with a class that is never predicted")
    func classificationReport() throws {
        let expected = try data.section("report")
        let report = try ClassificationReport(
            actual: try expected.labels("actual"), predicted: try expected.labels("predicted"))
        expectClose(report.rows.map(\.precision), try expected.doubles("precision"), tolerance: 1e-12, "precision")
        expectClose(report.rows.map(\.recall), try expected.doubles("recall"), tolerance: 1e-12, "recall")
        expectClose(report.rows.map(\.f1), try expected.doubles("f1"), tolerance: 1e-12, "f1")
        #expect(report.rows.map(\.support) == (try expected.doubles("support")).map { Int($0) })
        let macro = report.macroAverage
        let weighted = report.weightedAverage
        expectClose(
            [macro.precision, macro.recall, macro.f1], try expected.doubles("macro"), tolerance: 1e-12, "macro")
        expectClose(
            [weighted.precision, weighted.recall, weighted.f1], try expected.doubles("weighted"), tolerance: 1e-12,
            "weighted")
        #expect(report.description.contains("weighted avg"))
    }

    @Test("regression report")
    func regression() throws {
        let expected = try data.section("regression")
        let report = try RegressionReport(
            predictions: try expected.doubles("predictions"), targets: try expected.doubles("targets"))
        expectClose(report.meanSquaredError, try expected.double("mse"), tolerance: 1e-12, "MSE")
        expectClose(report.rootMeanSquaredError, (try expected.double("mse")).squareRoot(), tolerance: 1e-12, "RMSE")
        expectClose(report.meanAbsoluteError, try expected.double("mae"), tolerance: 1e-12, "MAE")
        expectClose(report.r2, try expected.double("r2"), tolerance: 1e-12, "R²")
        expectClose(report.explainedVariance, try expected.double("explained_variance"), tolerance: 1e-12, "EV")
    }

    @Test("measures reject mismatched or one-class input with typed errors")
    func errors() {
        #expect(throws: EvaluationError.needsBothClasses(measure: "ROC AUC")) {
            try Evaluation.rocAUC(scores: [0.1, 0.2], positives: [true, true])
        }
        #expect(throws: EvaluationError.lengthMismatch(what: "positives", expected: 2, actual: 1)) {
            try Evaluation.brierScore(probabilities: [0.1, 0.2], positives: [true])
        }
        #expect(throws: EvaluationError.invalidProbability(index: 1, value: 1.5)) {
            try Evaluation.logLoss(probabilities: [0.1, 1.5], positives: [true, false])
        }
    }
}
