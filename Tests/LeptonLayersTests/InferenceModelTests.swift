import LeptonLayers
import LeptonTensor
import Testing

@Suite("Compiled inference models")
struct InferenceModelTests {
    /// Moves the batch-norm statistics away from their initial values so that folding them is tested.
    static func trainStatistics(_ model: Sequential, inputShape: Shape) {
        var generator = RandomGenerator(seed: 5)
        for _ in 0..<3 {
            let batch = Tensor.normal(
                Shape([8] + inputShape.dimensions), mean: 0.3, standardDeviation: 2, using: &generator)
            _ = model(batch, context: .training(generator: generator))
        }
    }

    @Test("fused and folded steps compute what the layers compute")
    func matchesTheModel() throws {
        let convolutional = Sequential(inputShape: [12, 10, 3], seed: 1) {
            Conv2D(filters: 8, kernelSize: 3, padding: .same)
            BatchNorm()
            ActivationLayer(.relu)
            MaxPool2D(poolSize: 2)
            Conv2D(filters: 6, kernelSize: 3, activation: .relu)
            MaxPool2D(poolSize: 2, strides: 1)
            AvgPool2D(poolSize: 2)
            Flatten()
            Dropout(rate: 0.3)
            Dense(units: 7)
            BatchNorm()
            Dense(units: 5, activation: .tanh)
            LayerNorm()
            Dense(units: 4, activation: .softmax)
        }
        Self.trainStatistics(convolutional, inputShape: [12, 10, 3])
        let engine = try InferenceModel(convolutional)
        #expect(engine.stepSummaries.first == "conv2d 3x3x8 + relu + maxpool 2x2 (per image)")
        #expect(!engine.stepSummaries.contains { $0.contains("Dropout") })
        // The fusion decisions of the two former compilers, now one pipeline: batch norms after linear products
        // folded, ReLUs fused, valid max pooling fused into the convolution before it, other activations separate.
        #expect(
            engine.stepSummaries == [
                "conv2d 3x3x8 + relu + maxpool 2x2 (per image)", "conv2d 3x3x6 + relu + maxpool 2x2 (per image)",
                "avgpool 2x2", "flatten", "dense 6→7", "dense 7→5", "tanh", "layer norm", "dense 5→4", "softmax",
            ])
        var generator = RandomGenerator(seed: 9)
        for batch in [1, 3, 17] {
            let input = Tensor.normal([batch, 12, 10, 3], using: &generator)
            let expected = convolutional(input)
            let actual = engine(input)
            #expect(actual.shape == expected.shape)
            #expect(maxDifference(actual, expected) < 1e-5, "batch \(batch)")
        }
    }

    @Test("global pooling, standalone batch norm and activations")
    func otherSteps() throws {
        let model = Sequential(inputShape: [6, 6, 4], seed: 2) {
            BatchNorm()
            Conv2D(filters: 5, kernelSize: 1, activation: .gelu)
            GlobalAvgPool2D()
            Dense(units: 3, activation: .relu)
        }
        Self.trainStatistics(model, inputShape: [6, 6, 4])
        let engine = try InferenceModel(model)
        var generator = RandomGenerator(seed: 3)
        let input = Tensor.normal([4, 6, 6, 4], using: &generator)
        #expect(maxDifference(engine(input), model(input)) < 1e-5)
    }

    @Test("a layer that lowers to nothing still separates its neighbours, as before")
    func dropoutSeparatesFusion() throws {
        let model = Sequential(inputShape: [3], seed: 6) {
            Dense(units: 4)
            Dropout(rate: 0.5)
            BatchNorm()
            Dense(units: 2)
            Dropout(rate: 0.5)
            ActivationLayer(.relu)
        }
        Self.trainStatistics(model, inputShape: [3])
        let engine = try InferenceModel(model)
        #expect(engine.stepSummaries == ["dense 3→4", "per-channel scale and shift", "dense 4→2", "relu"])
        var generator = RandomGenerator(seed: 7)
        let input = Tensor.normal([5, 3], using: &generator)
        #expect(maxDifference(engine(input), model(input)) < 1e-5)
    }

    @Test("an unbuilt model cannot be compiled")
    func unbuilt() {
        let model = Sequential { Dense(units: 3) }
        #expect(throws: InferenceCompilationError.notBuilt) { try InferenceModel(model) }
    }
}
