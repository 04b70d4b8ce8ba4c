import Foundation
import Lepton
import Testing

/// Compiles and runs the code of the README's "A short tour" (checked line by line by `.ci/check_doc_snippets.py`),
/// on the MNIST subset and the loan data embedded for the examples.
@Suite("The README's short tour")
struct ReadmeTourTests {
    /// The repository's root, found from this file's place in it.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// One applicant's values by column name: the first row of the loan data, as a client would send it.
    static func firstApplicant(of table: Table, skipping target: String) -> [String: FeatureValue] {
        var record: [String: FeatureValue] = [:]
        // A table cell and a request field are the same kind of value.
        for column in table.columns where column.name != target { record[column.name] = column[0] }
        return record
    }

    @Test("train, save, fit a pipeline and a scorecard, ship and predict as the README shows")
    func tour() throws {
        let dataDirectory = Self.repository.appendingPathComponent("Sources/mnist-cnn/Resources/mnist_5k")
        let csvURL = Self.repository.appendingPathComponent(
            "Sources/credit-scoring/Resources/german_credit/german_credit.csv")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("readme-tour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let modelURL = scratch.appendingPathComponent("cnn.safetensors")
        let bundleURL = scratch.appendingPathComponent("credit.lepton")
        let applicant = Self.firstApplicant(of: try Table(csv: csvURL), skipping: "creditability")

        // tour: README
        // The reference CNN: one screen, like the Keras original.
        let mnist = try MNISTFiles(directory: dataDirectory)
        let model = Sequential(inputShape: [28, 28, 1]) {
            Conv2D(filters: 32, kernelSize: 3, activation: .relu)
            MaxPool2D(poolSize: 2)
            Flatten()
            Dense(units: 64, activation: .relu)
            Dense(units: 10, activation: .softmax)
        }
        model.printSummary()
        let trainer = Trainer(
            model: model, optimizer: Adam(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy,
            metrics: [.accuracy])
        let history = try trainer.fit(
            mnist.train.images, .labels(mnist.train.labels), epochs: 1, batchSize: 32,
            validation: (mnist.test.images, .labels(mnist.test.labels)))
        try model.save(to: modelURL)
        let reloaded = try Sequential.load(from: modelURL)  // the same predictions, bit for bit

        // Tabular: a fitted pipeline that travels with the model.
        let table = try Table(csv: csvURL)
        let target = "creditability"
        let inputs = table.columnNames.filter { $0 != target }
        let numeric = inputs.filter { table[$0]?.type == .numeric }
        let categorical = inputs.filter { table[$0]?.type != .numeric }
        let pipeline = try Pipeline {
            OneHot(columns: categorical, unknown: .ignore)
            StandardScale(columns: numeric)
        }.fit(on: table)
        var scorecard = LogisticRegression(penalty: .l2, c: 1)
        let labels = try table.binaryLabels(target, positive: "bad")
        try scorecard.fit(try pipeline.features(from: table).matrix, .labels(labels))
        let network = try scorecard.network()  // the fitted model as a network, for serving

        // Production: a data-only bundle, an immutable predictor, a watched service.
        let schema = try ModelSchema.inferred(
            from: table, columns: inputs, output: .classification(labels: ["good", "bad"]))
        try ModelBundle(model: network, pipeline: pipeline, schema: schema, name: "credit-risk", version: "v1")
            .write(to: bundleURL)
        let predictor = try Predictor(bundle: bundleURL)  // Sendable, no tape, validates every request
        let answer = try predictor.predict(record: applicant)
        print(answer.label ?? "?", answer.probability ?? 0)
        // end tour

        // One epoch on the 5,000-image subset separates the digits far beyond chance (0.1).
        #expect(try #require(history["val_accuracy"].last) > 0.8)
        // The reloaded model predicts exactly what the trained one does.
        let probe = mnist.test.images[0..<16]
        #expect(try reloaded.predict(probe).scalars == model.predict(probe).scalars)
        // The served answer is the scorecard's own probability of "bad" for the same applicant.
        let direct = try scorecard.predictProbabilities(try pipeline.features(from: table.rows([0])).matrix)
        let served = try #require(answer.probability)
        let expectedLabel = direct.scalars[1] >= 0.5 ? "bad" : "good"
        #expect(answer.label == expectedLabel)
        let servedBad = Double(expectedLabel == "bad" ? served : 1 - served)
        #expect(Swift.abs(servedBad - Double(direct.scalars[1])) < 1e-5)
    }
}
