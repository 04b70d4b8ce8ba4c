import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

/// Nearest neighbours on unscaled data far from the origin (issue 17): the Float expansion `‖t‖² − 2·q·t` used to
/// pick candidates loses every digit that separates the points, so the re-ranking must cover every point the
/// rounding error could hide.
@Suite("Nearest neighbours on data with a large offset")
struct NeighborOffsetTests {
    @Test("1-NN of 1e6 + 10.25 among x = 1e6 + i is row 10, as scikit-learn")
    func classifierAtOneMillion() throws {
        // python3 -c "import numpy as np; from sklearn.neighbors import KNeighborsClassifier as C;
        //   x=(1e6+np.arange(20)).reshape(-1,1); print(C(n_neighbors=1).fit(x,np.arange(20)).predict([[1e6+10.25]]))"
        // → [10]
        let x = Tensor((0..<20).map { Float(1e6) + Float($0) }, shape: [20, 1])
        var model = KNearestNeighborsClassifier(neighbors: 1)
        try model.fit(x, .labels((0..<20).map(Int32.init)))
        #expect(try model.predict(Tensor([Float(1e6) + 10.25], shape: [1, 1])).labels == [10])
    }

    @Test("5-NN regression at offset 1e5 gives 777 (uniform) and 777.110124 (distance), as scikit-learn")
    func regressorAtOneHundredThousand() throws {
        // python3 -c "import numpy as np; from sklearn.neighbors import KNeighborsRegressor as R;
        //   x=(1e5+np.arange(1000)).reshape(-1,1); y=np.arange(1000)*1.0;
        //   print(R(n_neighbors=5).fit(x,y).predict([[1e5+777.25]]),
        //         R(n_neighbors=5,weights='distance').fit(x,y).predict([[1e5+777.25]]))"
        // → [777.] [777.11012433]
        let x = Tensor((0..<1000).map { Float(1e5) + Float($0) }, shape: [1000, 1])
        let y = Targets.values(Tensor((0..<1000).map(Float.init), shape: [1000]))
        let query = Tensor([Float(1e5) + 777.25], shape: [1, 1])
        var uniform = KNearestNeighborsRegressor(neighbors: 5)
        try uniform.fit(x, y)
        expectClose(try uniform.predict(query).values?.doubles ?? [], [777], tolerance: 1e-6, "uniform")
        var weighted = KNearestNeighborsRegressor(neighbors: 5, weighting: .distance)
        try weighted.fit(x, y)
        expectClose(try weighted.predict(query).values?.doubles ?? [], [777.11012433], tolerance: 1e-6, "distance")
    }
}

/// Calibrators answer before fitting with an error, not with 0 or 0.5 (issue 17).
@Suite("Unfitted calibrators throw")
struct UnfittedCalibrationTests {
    @Test("PlattScaling and IsotonicCalibration throw notFitted and reject NaN scores")
    func unfitted() throws {
        #expect(throws: EstimatorError.notFitted(estimator: "PlattScaling")) {
            try PlattScaling().probabilities([0.3])
        }
        #expect(throws: EstimatorError.notFitted(estimator: "IsotonicCalibration")) {
            try IsotonicCalibration().probabilities([0.3])
        }
        var platt = PlattScaling()
        try platt.fit(scores: [-2, -1, 1, 2], positives: [false, false, true, true])
        #expect(throws: EstimatorError.self) { try platt.probabilities([.nan]) }
    }
}
