import Foundation
import Lepton

/// Two small example bundles to try the server with: `credit` (a tabular classifier with named columns `age`,
/// `income`, `purpose`, `owns_home`, trained briefly on synthetic credit-like data) and `digits-cnn` (a small CNN
/// on 8×8×1 images with three classes, seeded weights).
public enum ExampleBundles {
    /// The purposes the credit example knows.
    public static let purposes = ["business", "car", "education"]

    /// Writes `credit.lepton` and `digits-cnn.lepton` into a directory (created if needed).
    /// - Parameter directory: the model repository to fill.
    /// - Returns: the files written.
    /// - Throws: file or bundle errors.
    @discardableResult
    public static func write(to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let credit = directory.appendingPathComponent("credit.lepton")
        try creditBundle(version: "credit-1").write(to: credit)
        let cnn = directory.appendingPathComponent("digits-cnn.lepton")
        try cnnBundle(version: "digits-cnn-1").write(to: cnn)
        return [credit, cnn]
    }

    /// The credit example: a small MLP behind a fitted pipeline (median imputation, one-hot, scaling).
    /// - Parameters:
    ///   - version: the version id.
    ///   - seed: the seed of the data and the weights.
    ///   - createdAt: the creation date recorded in the lineage (the newest version is promoted on load).
    /// - Returns: the bundle.
    /// - Throws: data, training or bundle errors.
    public static func creditBundle(
        version: String, seed: UInt64 = 7, createdAt: Date = Date(timeIntervalSince1970: 1_764_000_000)
    ) throws -> ModelBundle {
        let table = try creditTable(rows: 400, seed: seed)
        let (labels, _) = try table.classLabels("label")
        let pipeline = try Pipeline {
            Impute(.median, columns: ["income"])
            OneHot(columns: ["purpose"])
            StandardScale(columns: ["age", "income"])
            Passthrough(columns: ["owns_home"])
        }.fit(on: table)
        let features = try pipeline.features(from: table).matrix
        let model = Sequential(inputShape: [pipeline.featureNames.count], seed: seed) {
            Dense(units: 8, activation: .relu)
            Dense(units: 2, activation: .softmax)
        }
        let trainer = Trainer(
            model: model, optimizer: Adam(learningRate: 0.02), loss: .sparseCategoricalCrossentropy,
            metrics: [.accuracy], seed: seed)
        let history = try trainer.fit(features, .labels(labels), epochs: 15, batchSize: 32, verbose: false)
        let schema = ModelSchema(
            input: .tabular([
                .numeric("age", range: 18...100),
                .numeric("income", required: false),
                .categorical("purpose", categories: purposes),
                .boolean("owns_home"),
            ]),
            output: .classification(labels: ["bad", "good"]))
        return try ModelBundle(
            model: model, pipeline: pipeline, schema: schema, name: "credit", version: version,
            trainingMetrics: history.epochs.last?.values ?? [:],
            lineage: BundleLineage(
                dataDescription: "synthetic credit-like table, 400 rows", createdAt: createdAt, trigger: "manual",
                notes: "lepton-serve example"))
    }

    /// The CNN example: convolution, batch norm, ReLU, pooling and a softmax over three classes, on 8×8×1 images in
    /// [0, 1].
    /// - Parameters:
    ///   - version: the version id.
    ///   - seed: the seed of the weights.
    ///   - createdAt: the creation date recorded in the lineage.
    /// - Returns: the bundle.
    /// - Throws: bundle errors.
    public static func cnnBundle(
        version: String, seed: UInt64 = 5, createdAt: Date = Date(timeIntervalSince1970: 1_764_000_000)
    ) throws -> ModelBundle {
        let model = Sequential(inputShape: [8, 8, 1], seed: seed) {
            Conv2D(filters: 4, kernelSize: 3)
            BatchNorm()
            ActivationLayer(.relu)
            MaxPool2D(poolSize: 2)
            Flatten()
            Dense(units: 3, activation: .softmax)
        }
        let schema = ModelSchema(
            input: .tensor(shape: [8, 8, 1], range: 0...1), output: .classification(labels: ["zero", "one", "two"]))
        return try ModelBundle(
            model: model, schema: schema, name: "digits-cnn", version: version,
            lineage: BundleLineage(createdAt: createdAt, trigger: "manual", notes: "lepton-serve example"))
    }

    /// A synthetic credit-like table: `age`, `income` (some missing), `purpose`, `owns_home`, `label`.
    /// - Parameters:
    ///   - rows: the number of rows.
    ///   - seed: the seed.
    /// - Returns: the table.
    /// - Throws: table errors.
    public static func creditTable(rows: Int, seed: UInt64) throws -> Table {
        var state = seed
        func unit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        var ages: [Double?] = []
        var incomes: [Double?] = []
        var purposeValues: [String?] = []
        var owners: [Bool?] = []
        var labels: [String?] = []
        for row in 0..<rows {
            let age = (18 + unit() * 62).rounded()
            let income: Double? = row % 7 == 3 ? nil : (20 + unit() * 80).rounded()
            let purpose = purposes[min(Int(unit() * 3), 2)]
            let owns = unit() < 0.4
            let score =
                (age - 45) / 20 + ((income ?? 50) - 60) / 30 + (owns ? 0.8 : -0.3) + (purpose == "car" ? 0.5 : 0)
            ages.append(age)
            incomes.append(income)
            purposeValues.append(purpose)
            owners.append(owns)
            labels.append(score + (unit() - 0.5) > 0 ? "good" : "bad")
        }
        return try Table(columns: [
            Column(name: "age", data: .numeric(ages)),
            Column(name: "income", data: .numeric(incomes)),
            Column(name: "purpose", data: .categorical(CategoricalValues(values: purposeValues))),
            Column(name: "owns_home", data: .boolean(owners)),
            Column(name: "label", data: .categorical(CategoricalValues(values: labels))),
        ])
    }
}
