import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

/// Logistic regression against scikit-learn (lbfgs for L2, saga for L1 and elastic net, all to tolerances near
/// machine precision). The objective is strictly convex (L2) or has a unique optimum here (L1), so both sides
/// reach the same coefficients; Lepton stops at a gradient of 1e-10, which puts the coefficients within about 1e-7
/// of the optimum. Probabilities are returned as Float.
@Suite("Logistic regression against scikit-learn")
struct LogisticRegressionParityTests {
    func check(_ model: LogisticRegression, _ expected: ClassicalFixture, test: Tensor, tolerance: Double) throws {
        let coefficients = try expected.rows("coef")
        #expect(model.coefficients.count == coefficients.count)
        for (actual, reference) in zip(model.coefficients, coefficients) {
            expectClose(actual, reference, tolerance: tolerance, "coefficients")
        }
        expectClose(model.intercepts, try expected.doubles("intercept"), tolerance: tolerance, "intercepts")
        let probabilities = try model.predictProbabilities(test)
        expectClose(probabilities.doubles, try expected.rows("proba").flatMap { $0 }, tolerance: 1e-5, "probabilities")
    }

    @Test("binary L2 with labels 3 and 7, plain and with balanced class weights")
    func binary() throws {
        let data = try ClassicalFixture.load("binary")
        let (x, y, test) = (try data.matrix("x"), Targets.labels(try data.labels("y")), try data.matrix("test"))
        var plain = LogisticRegression(c: 1, tolerance: 1e-10, maxIterations: 1000)
        try plain.fit(x, y)
        #expect(plain.converged)
        #expect(plain.classes == [3, 7])
        try check(plain, try data.section("logistic_c1"), test: test, tolerance: 1e-6)
        let decision = try plain.decisionFunction(test)
        #expect(decision.shape == [12])
        expectClose(decision.doubles, try data.section("logistic_c1").doubles("decision"), tolerance: 1e-5, "scores")
        let predicted = try #require(try plain.predict(test).labels)
        #expect(predicted == decision.scalars.map { $0 > 0 ? 7 : 3 })

        var weighted = LogisticRegression(c: 0.1, tolerance: 1e-10, maxIterations: 1000, classWeight: .balanced)
        try weighted.fit(x, y)
        try check(weighted, try data.section("logistic_c01_balanced"), test: test, tolerance: 1e-6)
    }

    @Test("binary L1 and elastic net by OWL-QN give scikit-learn's sparse optimum")
    func sparse() throws {
        let data = try ClassicalFixture.load("binary")
        let (x, y, test) = (try data.matrix("x"), Targets.labels(try data.labels("y")), try data.matrix("test"))
        var lasso = LogisticRegression(penalty: .l1, c: 0.5, tolerance: 1e-10, maxIterations: 2000)
        try lasso.fit(x, y)
        let expected = try data.section("logistic_l1")
        try check(lasso, expected, test: test, tolerance: 1e-5)
        // Exact zeros where scikit-learn has them.
        let zeros = try expected.rows("coef")[0].indices.filter { try! expected.rows("coef")[0][$0] == 0 }
        #expect(!zeros.isEmpty)
        #expect(zeros.allSatisfy { lasso.coefficients[0][$0] == 0 })
        var net = LogisticRegression(penalty: .elasticNet(l1Ratio: 0.5), c: 0.5, tolerance: 1e-10, maxIterations: 2000)
        try net.fit(x, y)
        try check(net, try data.section("logistic_elasticnet"), test: test, tolerance: 1e-5)
    }

    @Test("multinomial softmax with L2 and with L1")
    func multinomial() throws {
        let data = try ClassicalFixture.load("multiclass")
        let (x, y, test) = (try data.matrix("x"), Targets.labels(try data.labels("y")), try data.matrix("test"))
        var model = LogisticRegression(c: 1, tolerance: 1e-10, maxIterations: 1000)
        try model.fit(x, y)
        #expect(model.coefficients.count == 3)
        try check(model, try data.section("logistic_c1"), test: test, tolerance: 1e-6)
        let probabilities = try model.predictProbabilities(x)
        expectClose(
            try Evaluation.logLoss(probabilities: probabilities, labels: try data.labels("y"), classes: model.classes),
            try data.double("log_loss_train"), tolerance: 1e-6, "log loss")
        expectClose(
            try Evaluation.rocAUC(probabilities: probabilities, labels: try data.labels("y"), classes: model.classes),
            try data.double("roc_auc_ovr_train"), tolerance: 1e-9, "one-vs-rest AUC")

        var lasso = LogisticRegression(penalty: .l1, c: 1, tolerance: 1e-10, maxIterations: 3000)
        try lasso.fit(x, y)
        try check(lasso, try data.section("logistic_l1"), test: test, tolerance: 1e-5)
    }

    @Test("the default tolerance stops within scikit-learn's own accuracy")
    func defaultTolerance() throws {
        let data = try ClassicalFixture.load("multiclass")
        var model = LogisticRegression()
        try model.fit(try data.matrix("x"), .labels(try data.labels("y")))
        #expect(model.converged)
        let reference = try data.section("logistic_c1").rows("coef")
        // A gradient of 1e-4 against a Hessian whose smallest eigenvalue is ≥ 1/(C·n) ≈ 0.011 bounds the error.
        for (actual, expected) in zip(model.coefficients, reference) {
            expectClose(actual, expected, tolerance: 1e-2, "coefficients")
        }
    }
}
