import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

/// Linear SVMs, nearest neighbours, k-means and calibration against scikit-learn.
@Suite("SVM, neighbours, k-means and calibration against scikit-learn")
struct ClassifierParityTests {
    /// Both sides run dual coordinate descent until the projected-gradient spread is below 1e-9 (Lepton) and 1e-8
    /// (scikit-learn); the primal optimum is unique (½‖w‖² is strongly convex), and both are within about 1e-6 of it.
    @Test("LinearSVC with hinge and squared hinge, binary")
    func linearSVCBinary() throws {
        let data = try ClassicalFixture.load("binary")
        let (x, y, test) = (try data.matrix("x"), Targets.labels(try data.labels("y")), try data.matrix("test"))
        for (name, loss, c) in [("svc_hinge", LinearSVC.Loss.hinge, 0.5), ("svc_squared", .squaredHinge, 1.0)] {
            var model = LinearSVC(c: c, loss: loss, tolerance: 1e-9, maxIterations: 200_000)
            try model.fit(x, y)
            #expect(model.converged, "\(name)")
            let expected = try data.section(name)
            expectClose(model.coefficients[0], try expected.rows("coef")[0], tolerance: 1e-5, "\(name) coefficients")
            expectClose(model.intercepts, try expected.doubles("intercept"), tolerance: 1e-5, "\(name) intercept")
            expectClose(
                try model.decisionFunction(test).doubles, try expected.doubles("decision"), tolerance: 1e-5,
                "\(name) decision values")
        }
    }

    @Test("LinearSVC one-vs-rest with balanced class weights")
    func linearSVCMulticlass() throws {
        let data = try ClassicalFixture.load("multiclass")
        var model = LinearSVC(c: 0.5, tolerance: 1e-9, maxIterations: 200_000, classWeight: .balanced)
        try model.fit(try data.matrix("x"), .labels(try data.labels("y")))
        let expected = try data.section("svc_balanced")
        for (actual, reference) in zip(model.coefficients, try expected.rows("coef")) {
            expectClose(actual, reference, tolerance: 1e-5, "coefficients")
        }
        expectClose(model.intercepts, try expected.doubles("intercept"), tolerance: 1e-5, "intercepts")
        #expect(try model.predict(try data.matrix("test")).labels == (try expected.labels("predict")))
    }

    @Test("k-nearest-neighbour classification, uniform and distance weights")
    func neighbors() throws {
        let binary = try ClassicalFixture.load("binary")
        for (name, weighting) in [("knn_uniform", NeighborWeighting.uniform), ("knn_distance", .distance)] {
            var model = KNearestNeighborsClassifier(neighbors: 5, weighting: weighting)
            try model.fit(try binary.matrix("x"), .labels(try binary.labels("y")))
            let test = try binary.matrix("test")
            #expect(try model.predict(test).labels == (try binary.section(name).labels("predict")))
            expectClose(
                try model.predictProbabilities(test).doubles, try binary.section(name).rows("proba").flatMap { $0 },
                tolerance: 1e-6, "\(name) probabilities")
        }
        let multiclass = try ClassicalFixture.load("multiclass")
        var model = KNearestNeighborsClassifier(neighbors: 7)
        try model.fit(try multiclass.matrix("x"), .labels(try multiclass.labels("y")))
        #expect(
            try model.predict(try multiclass.matrix("test")).labels == (try multiclass.section("knn").labels("predict"))
        )
    }

    /// The blobs are well separated, so every good start reaches the same optimum as scikit-learn; inertia is
    /// compared to 1e-9 relative and centers (sorted by their first coordinate) to 1e-9.
    @Test("k-means++ with restarts finds scikit-learn's optimum")
    func kMeans() throws {
        let data = try ClassicalFixture.load("blobs")
        let x = try data.matrix("x")
        var model = KMeans(clusters: 3, initializations: 10, seed: 42)
        try model.fit(x)
        expectClose(model.inertia, try data.double("inertia"), tolerance: 1e-9, "inertia")
        let centers = model.centers.sorted { $0[0] < $1[0] }
        for (actual, expected) in zip(centers, try data.rows("centers")) {
            expectClose(actual, expected, tolerance: 1e-9, "center")
        }
        // predict agrees with the labels of training, and the score is minus the inertia.
        #expect(try model.predict(x).labels == model.labels)
        expectClose(try model.score(x), -model.inertia, tolerance: 1e-9, "score")
        let distances = try model.transform(x)
        #expect(distances.shape == [90, 3])
    }

    @Test("k-means is reproducible for a seed and handles k = rows")
    func kMeansSeeds() throws {
        let data = try ClassicalFixture.load("blobs")
        let x = try data.matrix("x")
        var first = KMeans(clusters: 4, seed: 7)
        var second = KMeans(clusters: 4, seed: 7)
        try first.fit(x)
        try second.fit(x)
        #expect(first.centers == second.centers)
        let small = Tensor([0, 0, 1, 1, 5, 5], shape: [3, 2])
        var everyPoint = KMeans(clusters: 3)
        try everyPoint.fit(small)
        #expect(everyPoint.inertia == 0)
    }

    @Test("Platt scaling and isotonic calibration")
    func calibration() throws {
        let data = try ClassicalFixture.load("binary")
        let positives = try data.labels("y").map { $0 == 7 }
        let platt = try data.section("platt")
        var sigmoid = PlattScaling()
        try sigmoid.fit(scores: try platt.doubles("scores"), positives: positives)
        // scikit-learn stops L-BFGS at a gradient of 1e-6; Newton here goes to 1e-10 per sample.
        expectClose(sigmoid.a, try platt.double("a"), tolerance: 1e-5, "a")
        expectClose(sigmoid.b, try platt.double("b"), tolerance: 1e-5, "b")

        let isotonic = try data.section("isotonic")
        var steps = IsotonicCalibration()
        try steps.fit(scores: try platt.doubles("scores"), positives: positives)
        expectClose(
            try steps.probabilities(try isotonic.doubles("test_scores")), try isotonic.doubles("predict"),
            tolerance: 1e-12, "isotonic test predictions")
        expectClose(
            try steps.probabilities(try platt.doubles("scores")), try isotonic.doubles("train_predict"),
            tolerance: 1e-12,
            "isotonic training predictions")
        #expect(zip(steps.values, steps.values.dropFirst()).allSatisfy { $0 <= $1 })
    }
}
