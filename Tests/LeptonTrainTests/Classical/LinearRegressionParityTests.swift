import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

/// Least squares, ridge, lasso and elastic net against scikit-learn on the same float32 data.
///
/// Tolerances: the closed forms solve the same Double problem as scikit-learn, so they agree to rounding (1e-9
/// relative); the coordinate-descent fits run both sides to a duality gap of 1e-14·‖y‖², which bounds the
/// coefficient error far below 1e-6. Predictions are returned as Float, hence 1e-6 relative.
@Suite("Linear regression models against scikit-learn")
struct LinearRegressionParityTests {
    let data: ClassicalFixture
    let x: Tensor
    let y: Targets
    let test: Tensor

    init() throws {
        data = try ClassicalFixture.load("regression")
        x = try data.matrix("x")
        y = try data.valueTargets("y")
        test = try data.matrix("test")
    }

    func check(_ coefficients: [Double], _ intercept: Double, _ predict: Targets, _ name: String, tolerance: Double)
        throws
    {
        let expected = try data.section(name)
        expectClose(coefficients, try expected.doubles("coef"), tolerance: tolerance, "\(name) coefficients")
        expectClose(intercept, try expected.double("intercept"), tolerance: tolerance, "\(name) intercept")
        let predictions = try #require(predict.values).doubles
        expectClose(predictions, try expected.doubles("predict"), tolerance: 1e-6, "\(name) predictions")
    }

    @Test("least squares by pivoted QR and by normal equations")
    func leastSquares() throws {
        for solver in [LinearRegression.Solver.qr, .normalEquations, .automatic] {
            var model = LinearRegression(solver: solver)
            try model.fit(x, y)
            #expect(model.rank == 5)
            try check(model.coefficients, model.intercept, try model.predict(test), "linear", tolerance: 1e-9)
        }
    }

    @Test("ridge with an unpenalised intercept")
    func ridge() throws {
        var model = Ridge(alpha: 2.5)
        try model.fit(x, y)
        try check(model.coefficients, model.intercept, try model.predict(test), "ridge", tolerance: 1e-9)
    }

    @Test("lasso and elastic net by coordinate descent")
    func sparse() throws {
        var lasso = Lasso(alpha: 0.8, tolerance: 1e-14, maxIterations: 100_000)
        try lasso.fit(x, y)
        #expect(lasso.converged)
        try check(lasso.coefficients, lasso.intercept, try lasso.predict(test), "lasso", tolerance: 1e-6)
        var net = ElasticNet(alpha: 0.5, l1Ratio: 0.3, tolerance: 1e-14, maxIterations: 100_000)
        try net.fit(x, y)
        try check(net.coefficients, net.intercept, try net.predict(test), "elasticnet", tolerance: 1e-6)
    }

    @Test("the default lasso tolerance stops early but close to the optimum")
    func lassoDefaultTolerance() throws {
        var lasso = Lasso(alpha: 0.8)
        try lasso.fit(x, y)
        #expect(lasso.converged)
        // The gap bound 1e-4·‖y_c‖² limits the objective error, so coefficients agree to about 1e-2 here.
        expectClose(lasso.coefficients, try data.section("lasso").doubles("coef"), tolerance: 2e-2, "lasso")
    }

    @Test("k-nearest-neighbour regression with distance weights")
    func neighbors() throws {
        var model = KNearestNeighborsRegressor(neighbors: 4, weighting: .distance)
        try model.fit(x, y)
        let predictions = try #require(try model.predict(test).values).doubles
        expectClose(predictions, try data.section("knn_distance").doubles("predict"), tolerance: 1e-6, "knn")
    }
}
