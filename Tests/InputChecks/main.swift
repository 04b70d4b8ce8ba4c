// Calls the public entry points that take user data — estimators' fit and predict, the training loop, model
// prediction, table transforms, file readers and the predictor — with wrong shapes, out-of-range labels, NaN and
// empty inputs, in whatever build configuration it was compiled with (CI runs it in release, where a trap is a
// crash rather than a diagnostic). Every call must throw; a call that returns is reported and fails the run, and a
// call that traps kills the process, which fails it too.

import Foundation
import Lepton

/// Counts the checks and remembers the calls that did not throw.
final class InputCheckLedger {
    private(set) var checked = 0
    private(set) var accepted: [String] = []

    /// Runs `body`, which must throw.
    func expectThrow(_ name: String, _ body: () throws -> Void) {
        checked += 1
        do {
            try body()
            accepted.append(name)
            print("ACCEPTED  \(name)")
        } catch {
            print("threw     \(name): \(String(describing: error).prefix(140))")
        }
    }

}

let ledger = InputCheckLedger()

// MARK: - Data

/// 12 rows × 3 features, finite, with two classes and a linear target.
let goodFeatures = Tensor((0..<36).map { Float($0 % 7) - 3 + Float($0) / 36 }, shape: [12, 3])
let goodLabels = Targets.labels((0..<12).map { Int32($0 % 2) })
let goodValues = Targets.values(Tensor((0..<12).map { Float($0) * 0.5 }, shape: [12]))

var nanFeatureScalars = goodFeatures.scalars
nanFeatureScalars[7] = .nan
let nanFeatures = Tensor(nanFeatureScalars, shape: [12, 3])
var infiniteFeatureScalars = goodFeatures.scalars
infiniteFeatureScalars[30] = .infinity
let infiniteFeatures = Tensor(infiniteFeatureScalars, shape: [12, 3])
let vectorFeatures = Tensor(goodFeatures.scalars, shape: [36])
let emptyFeatures = Tensor([], shape: [0, 3])
let twoFeatureRows = Tensor(Array(goodFeatures.scalars.prefix(24)), shape: [12, 2])
let nanValues = Targets.values(Tensor((0..<12).map { $0 == 3 ? Float.nan : Float($0) }, shape: [12]))

// MARK: - Classical estimators

/// The estimators, each made fresh for every check, with the kind of target it learns.
let estimators: [(name: String, make: () -> any Estimator, targets: Targets)] = [
    ("LinearRegression", { LinearRegression() }, goodValues),
    ("Ridge", { Ridge(alpha: 1) }, goodValues),
    ("Lasso", { Lasso(alpha: 0.1) }, goodValues),
    ("ElasticNet", { ElasticNet() }, goodValues),
    ("LogisticRegression", { LogisticRegression() }, goodLabels),
    ("LinearSVC", { LinearSVC() }, goodLabels),
    ("KNearestNeighborsClassifier", { KNearestNeighborsClassifier(neighbors: 3) }, goodLabels),
    ("KNearestNeighborsRegressor", { KNearestNeighborsRegressor(neighbors: 3) }, goodValues),
    ("KMeans", { KMeans(clusters: 2) }, goodLabels),
    (
        "NeuralClassifier",
        {
            NeuralClassifier(training: NeuralTraining(epochs: 1)) { specification in
                Sequential(inputShape: [specification.inputFeatures]) {
                    Dense(units: specification.outputs, activation: .softmax)
                }
            }
        }, goodLabels
    ),
    (
        "NeuralRegressor",
        {
            NeuralRegressor(training: NeuralTraining(epochs: 1)) { specification in
                Sequential(inputShape: [specification.inputFeatures]) { Dense(units: specification.outputs) }
            }
        }, goodValues
    ),
]

for (name, make, targets) in estimators {
    ledger.expectThrow("\(name).fit on a vector instead of a matrix") {
        var model = make()
        try model.fit(vectorFeatures, targets)
    }
    ledger.expectThrow("\(name).fit with NaN features") {
        var model = make()
        try model.fit(nanFeatures, targets)
    }
    ledger.expectThrow("\(name).fit with infinite features") {
        var model = make()
        try model.fit(infiniteFeatures, targets)
    }
    ledger.expectThrow("\(name).fit on zero rows") {
        var model = make()
        try model.fit(emptyFeatures, name == "KMeans" ? .labels([]) : targets)
    }
    if name != "KMeans" {
        ledger.expectThrow("\(name).fit with fewer targets than rows") {
            var model = make()
            switch targets {
            case .labels(let labels): try model.fit(goodFeatures, .labels(Array(labels.dropLast(2))))
            case .values(let values):
                try model.fit(goodFeatures, .values(Tensor(Array(values.scalars.dropLast(2)), shape: [10])))
            }
        }
    }
    if case .values = targets {
        ledger.expectThrow("\(name).fit with a NaN target") {
            var model = make()
            try model.fit(goodFeatures, nanValues)
        }
        ledger.expectThrow("\(name).fit with class labels instead of values") {
            var model = make()
            try model.fit(goodFeatures, goodLabels)
        }
    } else if name != "KMeans" {
        ledger.expectThrow("\(name).fit with a single class") {
            var model = make()
            try model.fit(goodFeatures, .labels(Array(repeating: 1, count: 12)))
        }
    }
    ledger.expectThrow("\(name).predict before fit") {
        _ = try make().predict(goodFeatures)
    }
    var fitted = make()
    do {
        try fitted.fit(goodFeatures, targets)
    } catch {
        print("SETUP     \(name) could not be fitted on good data: \(error)")
        exit(1)
    }
    ledger.expectThrow("\(name).predict with 2 features after fitting on 3") { _ = try fitted.predict(twoFeatureRows) }
    ledger.expectThrow("\(name).predict with NaN features") { _ = try fitted.predict(nanFeatures) }
    ledger.expectThrow("\(name).predict on a vector") { _ = try fitted.predict(vectorFeatures) }
}

ledger.expectThrow("KMeans with more clusters than rows") {
    var model = KMeans(clusters: 20)
    try model.fit(goodFeatures)
}
ledger.expectThrow("KNearestNeighborsClassifier with more neighbours than rows") {
    var model = KNearestNeighborsClassifier(neighbors: 50)
    try model.fit(goodFeatures, goodLabels)
}
ledger.expectThrow("Ridge with a negative alpha") {
    var model = Ridge(alpha: -1)
    try model.fit(goodFeatures, goodValues)
}
ledger.expectThrow("PlattScaling with mismatched scores and labels") {
    var calibrator = PlattScaling()
    try calibrator.fit(scores: [0.1, 0.9, 0.4], positives: [true, false])
}
ledger.expectThrow("IsotonicCalibration with a NaN score") {
    var calibrator = IsotonicCalibration()
    try calibrator.fit(scores: [0.1, .nan, 0.4], positives: [true, false, true])
}

// MARK: - The training loop and model prediction

/// A 10-class classifier over 3 features.
func tenClassModel() -> Sequential {
    Sequential(inputShape: [3], seed: 1) { Dense(units: 10, activation: .softmax) }
}

/// A small CNN over 8×8 single-channel images (channels last).
func imageModel() -> Sequential {
    Sequential(inputShape: [8, 8, 1], seed: 1) {
        Conv2D(filters: 2, kernelSize: 3, activation: .relu)
        Flatten()
        Dense(units: 10, activation: .softmax)
    }
}

let crossEntropy = Loss.sparseCategoricalCrossentropy
ledger.expectThrow("Trainer.fit with a label of 12 on a 10-class model") {
    let trainer = Trainer(model: tenClassModel(), optimizer: SGD(learningRate: 0.1), loss: crossEntropy, seed: 1)
    var labels = (0..<12).map { Int32($0 % 10) }
    labels[5] = 12
    try trainer.fit(goodFeatures, .labels(labels), epochs: 1, batchSize: 4, verbose: false)
}
ledger.expectThrow("Trainer.fit with a negative label") {
    let trainer = Trainer(model: tenClassModel(), optimizer: SGD(learningRate: 0.1), loss: crossEntropy, seed: 1)
    var labels = (0..<12).map { Int32($0 % 10) }
    labels[0] = -1
    try trainer.fit(goodFeatures, .labels(labels), epochs: 1, batchSize: 4, verbose: false)
}
ledger.expectThrow("Trainer.fit with images missing the channel axis") {
    let trainer = Trainer(model: imageModel(), optimizer: SGD(learningRate: 0.1), loss: crossEntropy, seed: 1)
    try trainer.fit(
        Tensor(repeating: 0.5, shape: [4, 8, 8]), .labels([0, 1, 2, 3]), epochs: 1, batchSize: 2, verbose: false)
}
ledger.expectThrow("Trainer.fit with NaN inputs") {
    let trainer = Trainer(model: tenClassModel(), optimizer: SGD(learningRate: 0.1), loss: crossEntropy, seed: 1)
    try trainer.fit(nanFeatures, .labels((0..<12).map { Int32($0 % 10) }), epochs: 1, batchSize: 4, verbose: false)
}
ledger.expectThrow("Trainer.fit with fewer labels than rows") {
    let trainer = Trainer(model: tenClassModel(), optimizer: SGD(learningRate: 0.1), loss: crossEntropy, seed: 1)
    try trainer.fit(goodFeatures, .labels([0, 1, 2]), epochs: 1, batchSize: 4, verbose: false)
}
ledger.expectThrow("Trainer.fit with negative epochs") {
    let trainer = Trainer(model: tenClassModel(), optimizer: SGD(learningRate: 0.1), loss: crossEntropy, seed: 1)
    try trainer.fit(goodFeatures, .labels((0..<12).map { Int32($0 % 10) }), epochs: -1, batchSize: 4, verbose: false)
}
ledger.expectThrow("Trainer.fit with a batch size of 0") {
    let trainer = Trainer(model: tenClassModel(), optimizer: SGD(learningRate: 0.1), loss: crossEntropy, seed: 1)
    try trainer.fit(goodFeatures, .labels((0..<12).map { Int32($0 % 10) }), epochs: 1, batchSize: 0, verbose: false)
}
ledger.expectThrow("Trainer.evaluate with 2 features on a 3-feature model") {
    let trainer = Trainer(model: tenClassModel(), optimizer: SGD(learningRate: 0.1), loss: crossEntropy, seed: 1)
    _ = try trainer.evaluate(twoFeatureRows, .labels((0..<12).map { Int32($0 % 10) }))
}
ledger.expectThrow("Sequential.predict with the wrong input shape") {
    _ = try imageModel().predict(Tensor(repeating: 0.5, shape: [2, 8, 8]))
}
ledger.expectThrow("Sequential.predict with NaN pixels") {
    var pixels = [Float](repeating: 0.5, count: 2 * 64)
    pixels[20] = .nan
    _ = try imageModel().predict(Tensor(pixels, shape: [2, 8, 8, 1]))
}

// MARK: - Tables and transforms

let table: Table
do {
    table = try Table(csvText: "age,income,purpose,text\n25,30,car,late payment\n40,41,education,on time\n")
} catch {
    print("SETUP     the table could not be read: \(error)")
    exit(1)
}
let tableWithoutIncome = try Table(csvText: "age,purpose,text\n25,car,late\n")

/// Fits `transform` on a table lacking the column it needs, then fits it on `table` and applies it to one lacking it.
@MainActor func checkMissingColumn<T: TableTransform>(_ name: String, _ transform: T, missing: String) {
    ledger.expectThrow("\(name).fit on a table without \(missing)") { _ = try transform.fit(on: tableWithoutIncome) }
    guard let fitted = try? transform.fit(on: table) else {
        print("SETUP     \(name) could not be fitted on the good table")
        exit(1)
    }
    ledger.expectThrow("\(name).apply to a table without \(missing)") { _ = try fitted.apply(to: tableWithoutIncome) }
}

checkMissingColumn("StandardScale", StandardScale(columns: ["income"]), missing: "income")
checkMissingColumn("MinMaxScale", MinMaxScale(columns: ["income"]), missing: "income")
checkMissingColumn("RobustScale", RobustScale(columns: ["income"]), missing: "income")
checkMissingColumn("Impute", Impute(.median, columns: ["income"]), missing: "income")
checkMissingColumn("Outliers", Outliers(.iqr(factor: 1.5), columns: ["income"]), missing: "income")
checkMissingColumn("PolynomialFeatures", PolynomialFeatures(columns: ["age", "income"]), missing: "income")
checkMissingColumn("Discretize", Discretize(columns: ["income"], bins: 2, strategy: .uniform), missing: "income")
ledger.expectThrow("OneHot.fit on a numeric column named wrongly") {
    _ = try OneHot(columns: ["purpose_typo"]).fit(on: table)
}
ledger.expectThrow("OneHot.apply with a category never seen (policy .error)") {
    let fitted = try OneHot(columns: ["purpose"]).fit(on: table)
    _ = try fitted.apply(to: try Table(csvText: "age,income,purpose,text\n30,20,boat,x\n"))
}
ledger.expectThrow("OrdinalEncode.fit on a missing column") {
    _ = try OrdinalEncode(columns: ["colour"]).fit(on: table)
}
ledger.expectThrow("TFIDF.fit on a missing column") { _ = try TFIDF(column: "review").fit(on: table) }
ledger.expectThrow("BagOfWords.fit on a missing column") { _ = try BagOfWords(column: "review").fit(on: table) }
ledger.expectThrow("FeatureHashing with 0 features") {
    _ = try FeatureHashing(column: "text", features: 0).fit(on: table)
}
ledger.expectThrow("TFIDF.fit with a tokenizer whose minimum length was set to 0") {
    var tokenizer = Tokenizer()
    tokenizer.minimumLength = 0
    _ = try TFIDF(column: "text", tokenizer: tokenizer).fit(on: table)
}
ledger.expectThrow("BagOfWords.fit with a tokenizer whose n-grams were set to start at 0") {
    var tokenizer = Tokenizer()
    tokenizer.ngrams = 0...2
    _ = try BagOfWords(column: "text", tokenizer: tokenizer).fit(on: table)
}
ledger.expectThrow("Tokenizer decoded from JSON with n-grams starting at 0") {
    let json = #"{"lowercase":true,"ngrams":[0,2],"stopWords":[],"minimumLength":2}"#
    _ = try JSONDecoder().decode(Tokenizer.self, from: Data(json.utf8))
}
ledger.expectThrow("StandardScale.fit on a text column") {
    _ = try StandardScale(columns: ["purpose"]).fit(on: table)
}
ledger.expectThrow("WeightOfEvidence.fit without its target column") {
    _ = try WeightOfEvidence(columns: ["income"], target: "default").fit(on: table)
}
ledger.expectThrow("Pipeline fit on a table without a needed column") {
    _ = try Pipeline {
        Impute(.median, columns: ["income"])
        StandardScale(columns: ["age", "income"])
    }.fit(on: tableWithoutIncome)
}

// MARK: - Files and bytes

ledger.expectThrow("Table from an empty CSV") { _ = try Table(csvText: "") }
ledger.expectThrow("Table from a CSV with a ragged row") { _ = try Table(csvText: "a,b\n1,2\n3\n") }
ledger.expectThrow("CSVReader with a delimiter changed to a non-ASCII character") {
    var format = CSVFormat()
    format.delimiter = "€"
    _ = try CSVReader(data: Data("a€b\n1€2\n".utf8), format: format)
}
ledger.expectThrow("CSVReader with a delimiter changed to a quote") {
    var format = CSVFormat()
    format.delimiter = "\""
    _ = try CSVReader(data: Data("a,b\n1,2\n".utf8), format: format)
}
ledger.expectThrow("ImageAugmentation decoded with a padding that would overflow") {
    let json = #"{"cropPadding":9223372036854775807,"flipProbability":0}"#
    let augmentation = try JSONDecoder().decode(ImageAugmentation.self, from: Data(json.utf8))
    var generator = RandomGenerator(seed: 1)
    _ = try augmentation.apply(to: Tensor(repeating: 1, shape: [1, 4, 4, 1]), using: &generator)
}
ledger.expectThrow("ImageAugmentation with a flip probability changed to 2") {
    var augmentation = ImageAugmentation()
    augmentation.flipProbability = 2
    var generator = RandomGenerator(seed: 1)
    _ = try augmentation.apply(to: Tensor(repeating: 1, shape: [1, 4, 4, 1]), using: &generator)
}
ledger.expectThrow("Gzip.decompress of 12 bytes of a gzip file") {
    _ = try Gzip.decompress(Data([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0xCB, 0x48]))
}
ledger.expectThrow("Gzip.decompress of random bytes") {
    _ = try Gzip.decompress(Data((0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37) }))
}
ledger.expectThrow("SafeTensorsFile from a header length larger than the file") {
    var bytes = Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
    bytes.append(contentsOf: Array("{}".utf8))
    _ = try SafeTensorsFile(data: bytes)
}
ledger.expectThrow("SafeTensorsFile with offsets past the data") {
    let header = #"{"w":{"dtype":"F32","shape":[1000000,1000000],"data_offsets":[0,4]}}"#
    var bytes = Data()
    var length = UInt64(header.utf8.count).littleEndian
    withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: Array(header.utf8))
    bytes.append(contentsOf: [0, 0, 0, 0])
    _ = try SafeTensorsFile(data: bytes)
}
ledger.expectThrow("ModelBundle from bytes that are not a bundle") {
    _ = try ModelBundle(data: Data("not a bundle at all".utf8))
}
ledger.expectThrow("Sequential.load from a file that does not exist") {
    _ = try Sequential.load(from: URL(fileURLWithPath: "/nonexistent/model.lepton-model"))
}

// MARK: - The predictor

let bundleURL = FileManager.default.temporaryDirectory.appendingPathComponent("input-checks-\(UUID()).lepton")
defer { try? FileManager.default.removeItem(at: bundleURL) }
let pipeline = try Pipeline {
    Impute(.median, columns: ["income"])
    OneHot(columns: ["purpose"])
    StandardScale(columns: ["age", "income"])
}.fit(on: table)
let creditModel = Sequential(inputShape: [pipeline.featureNames.count], seed: 2) {
    Dense(units: 2, activation: .softmax)
}
let schema = ModelSchema(
    input: .tabular([
        .numeric("age", range: 18...100), .numeric("income", required: false),
        .categorical("purpose", categories: ["car", "education"]),
    ]),
    output: .classification(labels: ["repaid", "defaulted"]))
try ModelBundle(model: creditModel, pipeline: pipeline, schema: schema, name: "credit", version: "v1")
    .write(to: bundleURL)
let predictor = try Predictor(bundle: bundleURL)
ledger.expectThrow("Predictor with an age out of range") {
    _ = try predictor.predict(record: ["age": .number(12), "purpose": .string("car")])
}
ledger.expectThrow("Predictor with a NaN age") {
    _ = try predictor.predict(record: ["age": .number(.nan), "purpose": .string("car")])
}
ledger.expectThrow("Predictor without a required field") {
    _ = try predictor.predict(record: ["purpose": .string("car")])
}
ledger.expectThrow("Predictor with an unknown category") {
    _ = try predictor.predict(record: ["age": .number(30), "purpose": .string("boat")])
}
ledger.expectThrow("Predictor with text where a number belongs") {
    _ = try predictor.predict(record: ["age": .string("thirty"), "purpose": .string("car")])
}
ledger.expectThrow("Predictor given a tensor for a tabular model") {
    _ = try predictor.predict(tensor: Tensor(repeating: 1, shape: [1, 3]))
}

// MARK: - Verdict

print("\(ledger.checked) calls with bad input, \(ledger.accepted.count) accepted it")
if !ledger.accepted.isEmpty {
    print("These calls returned instead of throwing:")
    for name in ledger.accepted { print("  - \(name)") }
    exit(1)
}
