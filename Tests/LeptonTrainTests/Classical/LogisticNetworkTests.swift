import LeptonLayers
import LeptonTensor
import LeptonTestSupport
import LeptonTrain
import Testing

@Suite("Logistic regression as a network")
struct LogisticNetworkTests {
    @Test("the one-layer network gives the model's probabilities", arguments: [2, 3])
    func sameProbabilities(classes: Int) throws {
        var generator = RandomGenerator(seed: UInt64(classes))
        let x = Tensor.normal([60, 4], using: &generator)
        let labels = (0..<60).map { Int32($0 % classes) }
        // Labels that depend on the features, so the coefficients are not all near zero.
        let shifted = x + Tensor(labels.flatMap { label in [Float(label), 0, -Float(label), 0.5] }, shape: [60, 4])
        var model = LogisticRegression(c: 10)
        try model.fit(shifted, .labels(labels))
        let network = try model.network()
        let expected = try model.predictProbabilities(shifted)
        let actual = network(shifted)
        #expect(actual.shape == expected.shape)
        let worst = PyTorchFixtures.worstRelativeError(actual.scalars, expected.scalars)
        #expect(worst < 1e-5)
        #expect(throws: EstimatorError.self) { try LogisticRegression().network() }
    }
}
