import LeptonData
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

@Suite("Folds, cross-validation and search")
struct ModelSelectionTests {
    @Test("unshuffled folds equal scikit-learn's KFold and StratifiedKFold")
    func foldsMatchScikitLearn() throws {
        let data = try ClassicalFixture.load("folds")
        let labels = try data.labels("labels")
        let stratified = try FoldStrategy.stratifiedKFold(5).folds(sampleCount: labels.count, labels: labels)
        #expect(stratified.map(\.validation) == (try data.integerRows("stratified_5")))
        let plain = try FoldStrategy.kFold(4).folds(sampleCount: labels.count)
        #expect(plain.map(\.validation) == (try data.integerRows("kfold_4")))
        for fold in stratified {
            #expect(Set(fold.train).isDisjoint(with: fold.validation))
            #expect(fold.train.count + fold.validation.count == labels.count)
        }
    }

    @Test("shuffled stratified folds keep the class counts of unshuffled ones and depend only on the seed")
    func shuffledFolds() throws {
        let labels: [Int32] = (0..<40).map { $0 % 4 == 0 ? 1 : 0 }
        let plain = try FoldStrategy.stratifiedKFold(4).folds(sampleCount: 40, labels: labels)
        let shuffled = try FoldStrategy.stratifiedKFold(4, shuffle: true, seed: 9).folds(
            sampleCount: 40, labels: labels)
        let again = try FoldStrategy.stratifiedKFold(4, shuffle: true, seed: 9).folds(sampleCount: 40, labels: labels)
        #expect(shuffled == again)
        #expect(shuffled != plain)
        func positives(_ fold: Fold) -> Int { fold.validation.filter { labels[$0] == 1 }.count }
        #expect(shuffled.map(positives) == plain.map(positives))
        #expect(Set(shuffled.flatMap(\.validation)) == Set(0..<40))
        let sizes = try FoldStrategy.kFold(3, shuffle: true, seed: 1).folds(sampleCount: 10).map(\.validation.count)
        #expect(sizes == [4, 3, 3])
    }

    @Test("fold errors are typed")
    func foldErrors() {
        #expect(throws: ModelSelectionError.invalidFoldCount(folds: 5, samples: 3)) {
            try FoldStrategy.kFold(5).folds(sampleCount: 3)
        }
        #expect(throws: ModelSelectionError.classTooSmallForFolds(label: 0, count: 2, folds: 3)) {
            try FoldStrategy.stratifiedKFold(3).folds(sampleCount: 4, labels: [0, 0, 1, 1])
        }
        #expect(throws: ModelSelectionError.stratificationNeedsLabels) {
            try FoldStrategy.stratifiedKFold(3).folds(sampleCount: 4)
        }
    }

    @Test("cross-validation equals fitting and scoring each fold by hand")
    func crossValidation() throws {
        let data = try ClassicalFixture.load("binary")
        let (x, labels) = (try data.matrix("x"), try data.labels("y"))
        let result = try crossValidate(
            LogisticRegression(c: 0.5), x, .labels(labels), folds: .stratifiedKFold(4), scoring: .rocAUC)
        var manual: [Double] = []
        for fold in try FoldStrategy.stratifiedKFold(4).folds(sampleCount: labels.count, labels: labels) {
            var model = LogisticRegression(c: 0.5)
            try model.fit(x.gathering(fold.train.map(Int32.init)), .labels(fold.train.map { labels[$0] }))
            let scores = try model.decisionFunction(x.gathering(fold.validation.map(Int32.init))).doubles
            manual.append(try Evaluation.rocAUC(scores: scores, positives: fold.validation.map { labels[$0] == 7 }))
        }
        expectClose(result.foldScores, manual, tolerance: 1e-6, "fold AUCs")
        let mean = manual.reduce(0, +) / 4
        expectClose(result.meanScore, mean, tolerance: 1e-6, "mean")
        let variance = manual.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 4
        expectClose(result.standardDeviation, variance.squareRoot(), tolerance: 1e-6, "std")
        // A margin classifier is scored through its decision function.
        let svm = try crossValidate(LinearSVC(), x, .labels(labels), folds: .stratifiedKFold(4), scoring: .rocAUC)
        #expect(svm.meanScore > 0.7)
        let probabilities = try crossValidatedProbabilities(LogisticRegression(c: 0.5), x, .labels(labels))
        #expect(probabilities.shape == [80, 2])
    }

    @Test("grid search ranks settings by cross-validated score and refits the best")
    func gridSearch() throws {
        let data = try ClassicalFixture.load("regression")
        let (x, y) = (try data.matrix("x"), try data.valueTargets("y"))
        let alphas = [0.01, 10, 1000, 100_000]
        let search = GridSearch(
            Ridge(), grid: [.values(\.alpha, alphas), .values(\.fitIntercept, [true, false])], folds: .kFold(3))
        let result = try search.fit(x, y)
        #expect(result.candidates.count == 8)
        #expect(
            result.candidates[1].settings == [
                SearchSetting(name: "alpha", value: "0.01"), SearchSetting(name: "fitIntercept", value: "false"),
            ])
        for candidate in result.candidates {
            let direct = try crossValidate(candidate.estimator, x, y, folds: .kFold(3))
            #expect(direct.foldScores == candidate.crossValidation.foldScores)
            let better = result.candidates.filter { $0.meanScore > candidate.meanScore }.count
            #expect(candidate.rank == better + 1)
        }
        let best = try #require(result.bestEstimator)
        var reference = Ridge(alpha: result.best.estimator.alpha, fitIntercept: result.best.estimator.fitIntercept)
        try reference.fit(x, y)
        #expect(best.coefficients == reference.coefficients)
        #expect(result.table.contains("mean r2"))
        #expect(throws: ModelSelectionError.continuousRangeInGrid(name: "alpha")) {
            try GridSearch(Ridge(), grid: [.logUniform(\.alpha, 0.1...10)]).fit(x, y)
        }
    }

    @Test("random search draws within the ranges, reproducibly")
    func randomSearch() throws {
        let data = try ClassicalFixture.load("binary")
        let (x, y) = (try data.matrix("x"), Targets.labels(try data.labels("y")))
        let search = RandomSearch(
            LogisticRegression(),
            space: [.logUniform(\.c, 0.01...100), .values(\.classWeight, [.uniform, .balanced])],
            iterations: 4, folds: .stratifiedKFold(3), scoring: .negativeLogLoss, seed: 5)
        let first = try search.fit(x, y)
        let second = try search.fit(x, y)
        #expect(first.candidates.map(\.settings) == second.candidates.map(\.settings))
        for candidate in first.candidates {
            #expect((0.01...100).contains(candidate.estimator.c))
            #expect(candidate.meanScore < 0)
        }
        #expect(Set(first.candidates.map(\.estimator.c)).count == 4)
    }

    @Test("a neural network goes through cross-validation and grid search like any estimator")
    func neuralEstimator() throws {
        let data = try ClassicalFixture.load("binary")
        let (x, y) = (try data.matrix("x"), Targets.labels(try data.labels("y")))
        let network = NeuralClassifier(training: NeuralTraining(epochs: 40, batchSize: 16, learningRate: 0.02)) {
            spec in
            Sequential(inputShape: [spec.inputFeatures], seed: spec.seed) {
                Dense(units: Int(spec.setting("hidden", default: 4)), activation: .relu)
                Dense(units: spec.outputs, activation: .softmax)
            }
        }
        let search = GridSearch(
            network, grid: [.values(\.settings["hidden"], [2.0, 8.0], name: "hidden")], folds: .stratifiedKFold(3))
        let result = try search.fit(x, y)
        #expect(result.candidates.map { $0.settings[0].value } == ["2", "8"])
        let model = try #require(result.bestEstimator)
        #expect(model.classes == [3, 7])
        let probabilities = try model.predictProbabilities(x)
        #expect(probabilities.shape == [80, 2])
        #expect(
            try Evaluation.accuracy(actual: try data.labels("y"), predicted: try #require(try model.predict(x).labels))
                > 0.75)
    }

    @Test("a neural regressor learns a line and reports R² through the same scoring")
    func neuralRegressor() throws {
        let inputs: [Float] = (0..<64).map { Float($0) / 32 - 1 }
        let x = Tensor(inputs, shape: [64, 1])
        let y = Targets.values(Tensor(inputs.map { 2 * $0 + 1 }, shape: [64]))
        var network = NeuralRegressor(training: NeuralTraining(epochs: 60, batchSize: 16, learningRate: 0.05)) { spec in
            Sequential(inputShape: [spec.inputFeatures], seed: spec.seed) { Dense(units: spec.outputs) }
        }
        try network.fit(x, y)
        let predictions = try #require(try network.predict(x).values)
        #expect(predictions.shape == [64])
        #expect(try Scoring.r2.score(network, x, y) > 0.99)
    }
}
