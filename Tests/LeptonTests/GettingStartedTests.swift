import Foundation
import Lepton
import Testing

/// Compiles and runs the code of `Sources/Lepton/Lepton.docc/GettingStarted.md` (checked by
/// `.ci/check_doc_snippets.py`) on the 5,000-image MNIST subset embedded for the `mnist-cnn` example.
@Suite("The Getting Started article")
struct GettingStartedTests {
    /// The embedded MNIST subset, found from this file's place in the repository.
    static let dataDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/mnist-cnn/Resources/mnist_5k")

    @Test("train, ship and serve the reference CNN as the article shows")
    func article() async throws {
        let dataDirectory = Self.dataDirectory
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("getting-started-\(UUID().uuidString).lepton")
        defer { try? FileManager.default.removeItem(at: url) }

        // tour: train
        let mnist = try MNISTFiles(directory: dataDirectory)
        let images = mnist.train.images[0..<1000]  // a quick first run; mnist-cnn trains on everything
        let labels = Array(mnist.train.labels[0..<1000])
        let model = Sequential(inputShape: [28, 28, 1]) {
            Conv2D(filters: 32, kernelSize: 3, activation: .relu)
            MaxPool2D(poolSize: 2)
            Flatten()
            Dense(units: 64, activation: .relu)
            Dense(units: 10, activation: .softmax)
        }
        let trainer = Trainer(
            model: model, optimizer: Adam(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy,
            metrics: [.accuracy])
        let history = try trainer.fit(
            images, .labels(labels), epochs: 1, batchSize: 32,
            validation: (mnist.test.images, .labels(mnist.test.labels)))
        // end tour

        // One epoch on 1,000 images already separate the digits far beyond chance (0.1).
        let validationAccuracy = try #require(history["val_accuracy"].last)
        #expect(validationAccuracy > 0.6)

        // tour: ship
        let digits = (0..<10).map(String.init)
        let schema = ModelSchema(input: .tensor(shape: [28, 28, 1]), output: .classification(labels: digits))
        let bundle = try ModelBundle(model: model, schema: schema, name: "digits", version: "v1")
        _ = try bundle.write(to: url)
        let predictor = try Predictor(bundle: url)  // Sendable: share it between requests
        let image = mnist.test.images[0..<1]  // one sample, shape [1, 28, 28, 1]
        let prediction = try predictor.predict(tensor: image)
        print(prediction.label ?? "?", prediction.probability ?? 0)
        // end tour

        // The shipped predictor answers exactly as the trained model does.
        let directClass = try model.predict(image).argmax(axis: -1)[0]
        #expect(prediction.classIndex == Int(directClass))

        // tour: serve
        let registry = ModelRegistry<Predictor>()
        try await registry.register(predictor, version: ModelVersion(id: "v1"))
        _ = try await registry.promote("v1", to: "production")
        let service = try ModelService(registry: registry, router: try TrafficRouter(mode: .championOnly))
        let answer = try await service.respond(to: .tensor(image))
        print(answer.response.label ?? "?", "from", answer.version.id)
        // end tour

        #expect(answer.response.label == prediction.label)
        #expect(answer.version.id == "v1")
    }
}
