import Foundation
import LeptonData
import LeptonTensor
import LeptonTrain
import Testing

/// Cross-validating preprocessing and model together (issue 17): the scaler is fitted inside each training fold,
/// as scikit-learn's `cross_validate(Pipeline([...]))`, with several scoring rules in one call.
@Suite("Cross-validation over a pipeline")
struct PipelineCrossValidationTests {
    // Tests/LeptonTrainTests/Resources/pipeline_cv_reference.py prints the data and the scores below: rng=np.random.default_rng(3); n=60; t=np.arange(n);
    //   a=round(N(0,1)*3+50+0.8t, 3) (drifts, so each fold's scaler differs); b=round(N*1000+1e5, 3); c=round(N, 3);
    //   y ~ Bernoulli(sigmoid(0.4(a−74)+0.002(b−1e5)+1.2c))
    private let csv = """
        a,b,c,y
        56.123,98361.143,-0.979,0
        43.133,100061.354,-0.801,0
        52.854,99035.900,0.043,0
        50.697,100757.221,0.641,0
        51.842,97965.833,2.048,0
        53.353,99085.505,-0.197,0
        48.740,100709.580,0.768,0
        54.904,101156.401,0.155,0
        53.804,97841.995,1.760,0
        67.169,99501.960,0.742,0
        58.677,100328.020,1.369,0
        57.742,99390.784,-1.078,0
        58.756,101590.640,-0.192,0
        58.396,98808.773,-0.814,0
        58.035,100354.532,1.505,0
        60.828,98951.594,0.658,0
        64.246,101405.963,-0.305,0
        62.884,99978.349,-0.452,0
        67.273,99627.749,0.485,1
        64.601,98281.815,-0.701,0
        66.073,101681.826,-0.931,0
        71.437,100752.779,0.481,1
        69.235,100753.564,2.463,1
        66.884,101137.881,-0.246,0
        68.651,100349.227,-0.556,0
        71.622,99360.753,-1.171,0
        76.605,99199.759,-1.335,1
        70.791,99199.800,0.525,0
        71.669,101370.072,0.851,1
        76.207,98539.619,0.009,0
        71.341,99403.630,0.333,0
        73.925,99678.756,0.116,1
        78.248,100224.619,0.139,1
        78.141,100575.349,-1.526,1
        77.475,98750.903,-0.458,0
        80.010,98269.987,0.111,0
        70.316,99995.586,-0.783,0
        82.664,101213.564,-0.476,1
        77.521,100757.058,-0.819,1
        76.194,100215.651,-0.333,1
        82.829,99682.844,0.853,1
        84.902,100293.234,-0.407,1
        82.266,99756.665,-0.154,1
        81.171,100817.207,0.814,1
        85.278,99205.553,0.645,1
        85.842,100134.240,1.695,1
        91.017,99889.220,-2.090,1
        89.842,100543.359,0.857,1
        88.981,100224.639,-0.482,1
        92.535,102550.035,0.135,1
        89.383,101498.655,0.838,1
        88.022,101496.737,1.083,1
        93.352,97960.496,1.039,1
        94.148,99659.683,0.155,1
        92.556,99391.389,1.610,1
        91.652,100532.722,-0.283,1
        95.487,97720.974,-0.141,1
        88.118,101174.499,0.799,1
        98.470,101066.983,-0.551,1
        98.674,98697.929,2.161,1
        """

    @Test("StandardScale + LogisticRegression per-fold scores equal scikit-learn's cross_validate(Pipeline) to 1e-4")
    func matchesScikitLearn() throws {
        // p=Pipeline([('s',StandardScaler()),('m',LogisticRegression(tol=1e-10,max_iter=10000))])
        // r=cross_validate(p,X,y,cv=5,scoring=['accuracy','roc_auc','neg_log_loss'])
        let expected: [String: [Double]] = [
            "accuracy": [0.5833333333333334, 0.9166666666666666, 1.0, 0.8333333333333334, 0.6666666666666666],
            "roc_auc": [1, 1, 1, 1, 1],
            "neg_log_loss": [
                -0.54340019861104, -0.2709452405933794, -0.18421206234794943, -0.2816037387486963,
                -0.4395583081235706,
            ],
        ]
        // The scaler fitted on all rows (leakage) gives other log losses:
        // cross_validate(LogisticRegression(...), StandardScaler().fit_transform(X), y, cv=5, ...)
        let leaky = [
            -0.5317466867038623, -0.26802102910831654, -0.18032656013806295, -0.2758892876594517,
            -0.42856125126154243,
        ]
        let table = try Table(csvText: csv)
        let result = try crossValidate(
            Pipeline { StandardScale(columns: ["a", "b", "c"]) },
            LogisticRegression(tolerance: 1e-10, maxIterations: 1000), on: table,
            targets: .labels(try table.binaryLabels("y", positive: "1")), folds: .automatic(5),
            scoring: [.accuracy, .rocAUC, .negativeLogLoss], keepFitted: true)
        #expect(result.scoringNames == ["accuracy", "roc_auc", "neg_log_loss"])
        for (name, values) in expected {
            let actual = try #require(result.scores[name])
            #expect(actual.count == 5)
            for (fold, (a, e)) in zip(actual, values).enumerated() {
                #expect(Swift.abs(a - e) <= 1e-4, "\(name) fold \(fold): \(a) vs \(e)")
            }
        }
        let logLoss = try #require(result.scores["neg_log_loss"])
        #expect(zip(logLoss, leaky).allSatisfy { Swift.abs($0 - $1) > 1e-3 })
        #expect(result.fitSeconds.count == 5 && result.scoreSeconds.count == 5 && result.warnings.isEmpty)
        #expect(result.fitted?.count == 5)
    }

    @Test("a solver that stops early is reported as a convergence warning")
    func convergenceWarnings() throws {
        let table = try Table(csvText: csv)
        let result = try crossValidate(
            Pipeline { Passthrough(columns: ["a", "b", "c"]) }, LogisticRegression(maxIterations: 2), on: table,
            targets: .labels(try table.binaryLabels("y", positive: "1")), folds: .automatic(5))
        #expect(result.warnings.count == 5)
        #expect(result.warnings.map(\.fold) == [0, 1, 2, 3, 4])
        // The matrix route reports it too.
        let x = try Pipeline { Passthrough(columns: ["a", "b", "c"]) }.fit(on: table).features(from: table).matrix
        let plain = try crossValidate(
            LogisticRegression(maxIterations: 2), x, .labels(try table.binaryLabels("y", positive: "1")))
        #expect(plain.warnings.count == 5)
    }

    @Test("grid search over a pipeline scores each candidate with the scaler fitted inside the folds")
    func gridSearchOverPipeline() throws {
        let table = try Table(csvText: csv)
        let search = GridSearch(
            LogisticRegression(tolerance: 1e-10, maxIterations: 1000), grid: [.values(\.c, [0.1, 1])],
            folds: .automatic(5), scoring: .negativeLogLoss)
        let (result, pipeline) = try search.fit(
            Pipeline { StandardScale(columns: ["a", "b", "c"]) }, on: table,
            targets: .labels(try table.binaryLabels("y", positive: "1")))
        #expect(result.candidates.count == 2 && pipeline != nil && result.bestEstimator != nil)
        // C = 1 is the scikit-learn pipeline of matchesScikitLearn().
        let expected = [
            -0.54340019861104, -0.2709452405933794, -0.18421206234794943, -0.2816037387486963, -0.4395583081235706,
        ]
        let folds = result.candidates[1].crossValidation.foldScores
        #expect(zip(folds, expected).allSatisfy { Swift.abs($0 - $1) <= 1e-4 } && folds.count == 5)
    }
}
