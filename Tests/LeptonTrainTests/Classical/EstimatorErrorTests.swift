import Foundation
import LeptonTensor
import LeptonTrain
import Testing

@Suite("Estimators reject bad input with typed errors")
struct EstimatorErrorTests {
    let x = Tensor([1, 2, 3, 4, 5, 6, 7, 8], shape: [4, 2])

    @Test("not fitted, wrong width, non-finite values")
    func shapesAndValues() throws {
        #expect(throws: EstimatorError.notFitted(estimator: "Ridge")) { try Ridge().predict(x) }
        var ridge = Ridge()
        try ridge.fit(x, .values(Tensor([1, 2, 3, 5])))
        #expect(throws: EstimatorError.featureCountMismatch(expected: 2, actual: 3)) {
            try ridge.predict(Tensor([1, 2, 3], shape: [1, 3]))
        }
        #expect(throws: EstimatorError.featuresNotMatrix(shape: [8])) {
            try ridge.predict(Tensor([1, 2, 3, 4, 5, 6, 7, 8]))
        }
        var bad = x
        bad[2, 1] = .nan
        let error = #expect(throws: EstimatorError.self) {
            var model = LogisticRegression()
            try model.fit(bad, .labels([0, 1, 0, 1]))
        }
        guard case .nonFiniteFeature(2, 1, let value) = error else {
            Issue.record("expected a non-finite feature at row 2, column 1, got \(String(describing: error))")
            return
        }
        #expect(value.isNaN)
        bad[2, 1] = .infinity
        #expect(throws: EstimatorError.self) { try ridge.predict(bad) }
        #expect(throws: EstimatorError.nonFiniteTarget(row: 1, value: .infinity)) {
            var model = Lasso()
            try model.fit(x, .values(Tensor([1, .infinity, 3, 4])))
        }
    }

    @Test("targets of the wrong kind, count or class count")
    func targets() {
        #expect(throws: EstimatorError.singleClass(label: 4)) {
            var model = LogisticRegression()
            try model.fit(x, .labels([4, 4, 4, 4]))
        }
        #expect(throws: EstimatorError.sampleCountMismatch(features: 4, targets: 3)) {
            var model = LinearSVC()
            try model.fit(x, .labels([0, 1, 0]))
        }
        #expect(throws: EstimatorError.wrongTargetKind(estimator: "Ridge", expected: "value (.values)")) {
            var model = Ridge()
            try model.fit(x, .labels([0, 1, 0, 1]))
        }
        #expect(throws: EstimatorError.wrongTargetKind(estimator: "LogisticRegression", expected: "label (.labels)")) {
            var model = LogisticRegression()
            try model.fit(x, .values(Tensor([0, 1, 0, 1])))
        }
        #expect(throws: EstimatorError.targetShapeMismatch(expected: "[rows] or [rows, 1]", actual: [2, 2])) {
            var model = LinearRegression()
            try model.fit(x, .values(Tensor([0, 1, 0, 1], shape: [2, 2])))
        }
    }

    @Test("invalid hyperparameters and too few samples")
    func hyperparameters() {
        #expect(
            throws: EstimatorError.invalidHyperparameter(name: "c", value: "0.0", requirement: "must be finite and > 0")
        ) {
            var model = LogisticRegression(c: 0)
            try model.fit(x, .labels([0, 1, 0, 1]))
        }
        #expect(
            throws: EstimatorError.invalidHyperparameter(
                name: "alpha", value: "-1.0", requirement: "must be finite and ≥ 0")
        ) {
            var model = Ridge(alpha: -1)
            try model.fit(x, .values(Tensor([1, 2, 3, 4])))
        }
        #expect(throws: EstimatorError.tooFewSamples(what: "5 neighbours", needed: 5, actual: 4)) {
            var model = KNearestNeighborsClassifier(neighbors: 5)
            try model.fit(x, .labels([0, 1, 0, 1]))
        }
        #expect(throws: EstimatorError.tooFewSamples(what: "5 clusters", needed: 5, actual: 4)) {
            var model = KMeans(clusters: 5)
            try model.fit(x)
        }
    }

    @Test("fitted classical models round-trip through Codable")
    func codable() throws {
        var model = LogisticRegression(c: 0.3, classWeight: .balanced)
        try model.fit(x, .labels([0, 1, 0, 1]))
        let decoded = try JSONDecoder().decode(LogisticRegression.self, from: try JSONEncoder().encode(model))
        #expect(decoded.coefficients == model.coefficients)
        #expect(try decoded.predictProbabilities(x).scalars == (try model.predictProbabilities(x).scalars))
        var neighbors = KNearestNeighborsClassifier(neighbors: 1)
        try neighbors.fit(x, .labels([0, 1, 0, 1]))
        let restored = try JSONDecoder().decode(
            KNearestNeighborsClassifier.self, from: try JSONEncoder().encode(neighbors))
        #expect(try restored.predict(x).labels == [0, 1, 0, 1])
    }
}
