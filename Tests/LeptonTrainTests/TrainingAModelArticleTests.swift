import Foundation
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

/// Compiles and runs the code of `Sources/LeptonTrain/LeptonTrain.docc/TrainingAModel.md` (checked line by line by
/// `.ci/check_doc_snippets.py`).
@Suite("The Training a Model article")
struct TrainingAModelArticleTests {
    @Test("a lazily built network and the closed-form estimator recover the generating line")
    func article() throws {
        // tour: network
        // y = 3·x₁ − 2·x₂ + 0.5 on 256 points.
        var generator = RandomGenerator(seed: 4)
        let x = Tensor.uniform([256, 2], in: -1...1, using: &generator)
        let y = matmul(x, Tensor([3, -2], shape: [2, 1])) + 0.5
        let model = Sequential { Dense(units: 1) }
        let trainer = Trainer(model: model, optimizer: Adam(learningRate: 0.05), loss: .meanSquaredError, seed: 4)
        let history = try trainer.fit(
            x, .values(y), epochs: 200, batchSize: 32, validationSplit: 0.25,
            callbacks: [EarlyStopping(monitor: "val_loss", patience: 10, restoreBestWeights: true)], verbose: false)
        let finalLoss = history["val_loss"].last  // close to zero
        // end tour

        // The data are noiseless, so the network must find the generating weights.
        #expect(try #require(finalLoss) < 1e-3)
        let weights = model.namedParameters().map(\.parameter.value.scalars)
        let kernel = try #require(weights.first { $0.count == 2 })
        let bias = try #require(weights.first { $0.count == 1 })
        #expect(Swift.abs(kernel[0] - 3) < 0.05 && Swift.abs(kernel[1] + 2) < 0.05)
        #expect(Swift.abs(bias[0] - 0.5) < 0.05)

        // tour: closed form
        var regression = LinearRegression()
        try regression.fit(x, .values(y))
        let coefficients = regression.coefficients  // [3, -2]
        let intercept = regression.intercept  // 0.5
        // end tour

        #expect(coefficients.count == 2)
        #expect(Swift.abs(coefficients[0] - 3) < 1e-5 && Swift.abs(coefficients[1] + 2) < 1e-5)
        #expect(Swift.abs(intercept - 0.5) < 1e-5)
    }
}
