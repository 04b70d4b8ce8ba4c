import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

/// Features that Float cannot tell apart (issue 17): the tabular pipeline and the classical estimators keep Double.
@Suite("Double features: Unix times and large amounts keep every digit")
struct DoublePrecisionTests {
    private let times: [Double] = [1_700_000_001, 1_700_000_063, 1_700_000_020, 1_700_000_041]

    @Test("a pipeline's featureValues keep 1,700,000,001 and 1,700,000,063 apart, and 123,456,789.01 and .99")
    func pipelineKeepsDigits() throws {
        let table = try Table(columns: [
            Column(name: "time", data: .numeric(times)),
            Column(name: "amount", data: .numeric([123_456_789.01, 123_456_789.99, 1, 2])),
        ])
        let fitted = try Pipeline { Passthrough(columns: ["time", "amount"]) }.fit(on: table)
        let values = try fitted.featureValues(from: table)
        #expect(values.rows == 4 && values.columns == 2)
        #expect((0..<4).map { values[$0, 0] } == times)
        #expect(values[0, 1] == 123_456_789.01 && values[1, 1] == 123_456_789.99)
        // The Float tensor cannot: both times round to 1,700,000,000.
        let (tensor, _) = try fitted.features(from: table)
        #expect(tensor.scalars[0] == tensor.scalars[2])
    }

    @Test("LinearRegression and 1-NN on Unix times agree with scikit-learn")
    func estimatorsKeepDigits() throws {
        // python3 -c "import numpy as np; from sklearn.linear_model import LinearRegression as L;
        //   from sklearn.neighbors import KNeighborsClassifier as C;
        //   t=np.array([1700000001.,1700000063.,1700000020.,1700000041.]); y=np.array([1.,63.,20.,41.]);
        //   m=L().fit(t.reshape(-1,1),y); print(m.coef_, m.intercept_, m.predict([[1700000050.]]));
        //   print(C(n_neighbors=1).fit(t.reshape(-1,1),[0,1,2,3]).predict([[1700000060.]]))"
        // → [1.] -1700000000.0 [50.]   [1]
        let x = try DoubleMatrix(rows: 4, columns: 1, values: times)
        var model = LinearRegression()
        try model.fit(x, .values(Tensor([1, 63, 20, 41] as [Float], shape: [4])))
        #expect(Swift.abs(model.coefficients[0] - 1) < 1e-9)
        let predicted = try model.predict(try DoubleMatrix(rows: 1, columns: 1, values: [1_700_000_050]))
        #expect(Swift.abs(Double(predicted.values!.scalars[0]) - 50) < 1e-4)
        var neighbors = KNearestNeighborsClassifier(neighbors: 1)
        try neighbors.fit(x, .labels([0, 1, 2, 3]))
        #expect(try neighbors.predict(try DoubleMatrix(rows: 1, columns: 1, values: [1_700_000_060])).labels == [1])
    }

    @Test("Double features are validated like tensors: NaN and width mismatches throw")
    func validation() throws {
        var model = Ridge()
        let error = #expect(throws: EstimatorError.self) {
            try model.fit(
                try DoubleMatrix(rows: 2, columns: 1, values: [1, .nan]), .values(Tensor([1, 2], shape: [2])))
        }
        guard case .nonFiniteFeature(row: 1, column: 0, _)? = error else {
            Issue.record("expected nonFiniteFeature at row 1, column 0, got \(String(describing: error))")
            return
        }
        try model.fit(try DoubleMatrix(rows: 2, columns: 1, values: [1, 2]), .values(Tensor([1, 2], shape: [2])))
        #expect(throws: EstimatorError.featureCountMismatch(expected: 1, actual: 2)) {
            try model.predict(try DoubleMatrix(rows: 1, columns: 2, values: [1, 2]))
        }
        #expect(throws: DoubleMatrixError.shapeMismatch(rows: 2, columns: 2, count: 3)) {
            try DoubleMatrix(rows: 2, columns: 2, values: [1, 2, 3])
        }
    }
}
