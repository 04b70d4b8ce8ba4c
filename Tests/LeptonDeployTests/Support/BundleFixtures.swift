import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor

@testable import LeptonDeploy

/// Small models, pipelines and schemas for the bundle, predictor and command-line tests.
enum BundleFixtures {
    static let purposes = ["business", "car", "education"]

    /// A credit-like table: `age` (18–80), `income` (some missing), `purpose`, `owns_home`, and a `label` column.
    static func creditTable(rows: Int, seed: UInt64) throws -> Table {
        var random = TestRandom(seed: seed)
        var ages: [Double?] = []
        var incomes: [Double?] = []
        var purposes: [String?] = []
        var owners: [Bool?] = []
        var labels: [String?] = []
        for row in 0..<rows {
            let age = (18 + random.unit() * 62).rounded()
            let income: Double? = row % 7 == 3 ? nil : (20 + random.unit() * 80).rounded()
            let purpose = Self.purposes[Int(random.next() % 3)]
            let owns = random.unit() < 0.4
            let score =
                (age - 45) / 20 + ((income ?? 50) - 60) / 30 + (owns ? 0.8 : -0.3) + (purpose == "car" ? 0.5 : 0)
            ages.append(age)
            incomes.append(income)
            purposes.append(purpose)
            owners.append(owns)
            labels.append(score + random.normal(deviation: 0.5) > 0 ? "good" : "bad")
        }
        return try Table(columns: [
            Column(name: "age", data: .numeric(ages)),
            Column(name: "income", data: .numeric(incomes)),
            Column(name: "purpose", data: .categorical(CategoricalValues(values: purposes))),
            Column(name: "owns_home", data: .boolean(owners)),
            Column(name: "label", data: .categorical(CategoricalValues(values: labels))),
        ])
    }

    static let creditPipeline = Pipeline {
        Impute(.median, columns: ["income"])
        OneHot(columns: ["purpose"])
        StandardScale(columns: ["age", "income"])
        Passthrough(columns: ["owns_home"])
    }

    static var creditSchema: ModelSchema {
        ModelSchema(
            input: .tabular([
                .numeric("age", range: 18...100),
                .numeric("income", required: false),
                .categorical("purpose", categories: purposes),
                .boolean("owns_home"),
            ]),
            output: .classification(labels: ["bad", "good"]))
    }

    /// An untrained tabular classifier with its fitted pipeline.
    static func tabularParts(seed: UInt64 = 3) throws -> (Sequential, FittedPipeline, ModelSchema, Table) {
        let table = try creditTable(rows: 60, seed: seed)
        let pipeline = try creditPipeline.fit(on: table)
        let model = Sequential(inputShape: [pipeline.featureNames.count], seed: seed) {
            Dense(units: 8, activation: .relu)
            Dense(units: 2, activation: .softmax)
        }
        return (model, pipeline, creditSchema, table)
    }

    /// A tiny CNN on 6×6×1 images (convolution with a batch norm to fold, pooling, dense softmax), with random weights
    /// and non-trivial batch-norm statistics.
    static func tensorParts(seed: UInt64 = 5) -> (Sequential, ModelSchema) {
        let model = Sequential(inputShape: [6, 6, 1], seed: seed) {
            Conv2D(filters: 4, kernelSize: 3)
            BatchNorm()
            ActivationLayer(.relu)
            MaxPool2D(poolSize: 2)
            Flatten()
            Dense(units: 3, activation: .softmax)
        }
        var random = TestRandom(seed: seed)
        for named in model.namedParameters() where named.path.hasPrefix("1.") {
            let count = named.parameter.shape.elementCount
            let values = (0..<count).map { _ in Float(0.5 + random.unit()) }
            named.parameter.value = Tensor(values, shape: named.parameter.shape)
        }
        let schema = ModelSchema(
            input: .tensor(shape: [6, 6, 1], range: 0...1), output: .classification(labels: ["a", "b", "c"]))
        return (model, schema)
    }

    /// Random images in [0, 1].
    static func images(_ count: Int, seed: UInt64) -> Tensor {
        var random = TestRandom(seed: seed)
        return Tensor((0..<(count * 36)).map { _ in Float(random.unit()) }, shape: [count, 6, 6, 1])
    }

    /// A fresh empty directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lepton-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A record of the credit schema.
    static func record(age: Double = 40, income: Double? = 55, purpose: String = "car", owns: Bool = true)
        -> [String: FeatureValue]
    {
        [
            "age": .number(age), "income": income.map(FeatureValue.number) ?? .missing,
            "purpose": .string(purpose), "owns_home": .number(owns ? 1 : 0),
        ]
    }
}
