import Foundation
import LeptonLayers
import LeptonTensor
import Testing

/// Compiles and runs the code of `Sources/LeptonLayers/LeptonLayers.docc/DefiningModels.md` (checked line by line
/// by `.ci/check_doc_snippets.py`).
@Suite("The Defining Models article")
struct DefiningModelsArticleTests {
    @Test("build, inspect, save, load and compile as the article shows")
    func article() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "article-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }

        // tour: build
        let model = Sequential(inputShape: [28, 28, 1], seed: 7) {
            Conv2D(filters: 8, kernelSize: 3, activation: .relu)
            MaxPool2D(poolSize: 2)
            Flatten()
            Dense(units: 10, activation: .softmax)
        }
        print(model.summary)
        let counts = model.parameterCounts  // 80 + 13,530 = 13,610 trainable
        let shape = try model.outputShape(forInputShape: [28, 28, 1])  // [10]
        var generator = RandomGenerator(seed: 1)
        let batch = Tensor.uniform([4, 28, 28, 1], using: &generator)
        let probabilities = model(batch, context: ForwardContext(isTraining: false))  // [4, 10]
        // end tour

        // 3·3·1·8 weights + 8 biases; 13·13·8 = 1,352 inputs · 10 + 10 biases.
        #expect(counts.trainable == 80 + 13_530)
        #expect(counts.nonTrainable == 0)
        #expect(shape == [10])
        #expect(probabilities.shape == [4, 10])

        // tour: save
        try model.save(to: url)
        let restored = try Sequential.load(from: url)
        let compiled = try InferenceModel(restored)
        let same = compiled(batch)  // equal to `probabilities` within float rounding
        // end tour

        #expect(same.shape == [4, 10])
        for (a, b) in zip(same.scalars, probabilities.scalars) {
            #expect(Swift.abs(a - b) <= 1e-6 * Swift.max(1, Swift.abs(b)))
        }
        // Softmax rows sum to one.
        for row in 0..<4 {
            let sum = same.scalars[(row * 10)..<(row * 10 + 10)].reduce(0, +)
            #expect(Swift.abs(sum - 1) < 1e-5)
        }
    }
}
