import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

/// Least squares and ridge with more features than rows (issue 17): the minimum-norm solution, as scikit-learn,
/// and ridge through the n × n dual system.
@Suite("Regression with more features than rows")
struct WideRegressionTests {
    // python3 -c "import numpy as np; rng=np.random.default_rng(0); X32=rng.normal(size=(5,8)).astype(np.float32);
    //   y32=rng.normal(size=5).astype(np.float32); print([str(v) for v in X32.ravel()], [str(v) for v in y32])"
    private let x = Tensor(
        [
            0.12573022, -0.13210486, 0.64042264, 0.104900114, -0.5356694, 0.36159506, 1.304, 0.94708097,
            -0.70373523, -1.2654215, -0.62327445, 0.04132598, -2.3250308, -0.21879166, -1.245911, -0.7322674,
            -0.544259, -0.31630015, 0.41163054, 1.0425134, -0.12853466, 1.3664634, -0.6651947, 0.35151008,
            0.90347016, 0.0940123, -0.7434993, -0.9217254, -0.45772582, 0.22019513, -1.0096182, -0.20917557,
            -0.15922502, 0.5408456, 0.21465912, 0.3553727, -0.6538286, -0.12961364, 0.7839755, 1.4934311,
        ] as [Float], shape: [5, 8])
    private let y = Targets.values(
        Tensor([-1.2590655, 1.5139238, 1.3458754, 0.7813114, 0.26445562] as [Float], shape: [5]))

    // python3 -c "...; from sklearn.linear_model import LinearRegression as L; X=X32.astype(float); y=y32.astype(float);
    //   m=L().fit(X,y); print(m.coef_.tolist(), m.intercept_)"   (Ridge(alpha=0) gives the same to 1e-15)
    private let minimumNorm = [
        -0.4651028483260746, 0.4807616509086463, -0.4435638478161598, 0.4971259915743884, -0.02036914041845647,
        -0.12441613478722983, -1.064790492452923, 0.2504819883302283,
    ]
    private let minimumNormIntercept = 0.2801799154493207

    @Test("LinearRegression with p > n returns scikit-learn's minimum-norm solution, with every solver")
    func linearRegression() throws {
        for solver in [LinearRegression.Solver.automatic, .qr, .normalEquations] {
            var model = LinearRegression(solver: solver)
            try model.fit(x, y)
            expectClose(model.coefficients, minimumNorm, tolerance: 1e-9, "\(solver) coefficients")
            expectClose(model.intercept, minimumNormIntercept, tolerance: 1e-9, "\(solver) intercept")
            #expect(model.rank == 4)
        }
    }

    @Test("Ridge(alpha: 0) with p > n is the minimum-norm least-squares solution")
    func ridgeWithoutPenalty() throws {
        var model = Ridge(alpha: 0)
        try model.fit(x, y)
        expectClose(model.coefficients, minimumNorm, tolerance: 1e-9, "coefficients")
        expectClose(model.intercept, minimumNormIntercept, tolerance: 1e-9, "intercept")
    }

    @Test("Ridge(alpha: 1) with p > n through the dual system matches scikit-learn")
    func ridgeDual() throws {
        // python3 -c "...; from sklearn.linear_model import Ridge as R; m=R(alpha=1).fit(X,y); print(m.coef_.tolist(), m.intercept_)"
        var model = Ridge(alpha: 1)
        try model.fit(x, y)
        expectClose(
            model.coefficients,
            [
                -0.2607802823354788, 0.12334416794634354, -0.2351750697594701, 0.267730317724431,
                -0.026994384146052403, 0.03171434178854682, -0.6814950798028767, -0.02687154565277855,
            ], tolerance: 1e-10, "coefficients")
        expectClose(model.intercept, 0.36232382153783715, tolerance: 1e-10, "intercept")
    }
}
