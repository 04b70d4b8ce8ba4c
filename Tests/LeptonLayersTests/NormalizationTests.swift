import LeptonLayers
import LeptonTensor
import Testing

@Suite("Normalisation layers against PyTorch")
struct NormalizationTests {
    @Test("BatchNorm in training: output, gradients and running statistics")
    func batchNorm() throws {
        let f = try fixtures.load("batchnorm2d_train")
        // PyTorch momentum 0.1 means Keras-style momentum 0.9.
        let layer = BatchNorm(momentum: 0.9, epsilon: 1e-5)
        let x = try #require(f["x.nhwc"])
        var generator = RandomGenerator(seed: 0)
        layer.build(inputShape: Shape(Array(x.shape.dimensions.dropFirst())), generator: &generator)
        let scale = try #require(layer.scale)
        let offset = try #require(layer.offset)
        scale.value = try #require(f["gamma"])
        offset.value = try #require(f["beta"])
        let input = x.requiringGradient()
        let y = layer(input, context: .training(generator: generator))
        fixtures.expectClose(y, f["y.nhwc"], "y")
        let loss = (y * (try #require(f["gy.nhwc"]))).sum()
        let gradients = loss.backward()
        fixtures.expectClose(gradients[input], f["grad.x.nhwc"], "grad.x")
        fixtures.expectClose(gradients[scale], f["grad.gamma"], "grad.gamma")
        fixtures.expectClose(gradients[offset], f["grad.beta"], "grad.beta")
        fixtures.expectClose(layer.runningMean?.value, f["running_mean.after"], "running mean")
        fixtures.expectClose(layer.runningVariance?.value, f["running_var.after"], "running variance")
        // Inference uses the running statistics: (x − mean) / sqrt(var + ε) · γ + β.
        let inference = layer(x)
        let expected =
            (x - layer.runningMean!.value) / (layer.runningVariance!.value + 1e-5).sqrt() * scale.value + offset.value
        #expect(maxDifference(inference, expected) < 1e-5)
    }

    @Test("LayerNorm: output and gradients")
    func layerNorm() throws {
        let f = try fixtures.load("layernorm")
        let layer = LayerNorm(epsilon: 1e-5)
        let x = try #require(f["x"])
        var generator = RandomGenerator(seed: 0)
        layer.build(inputShape: [6, 8], generator: &generator)
        let scale = try #require(layer.scale)
        let offset = try #require(layer.offset)
        scale.value = try #require(f["gamma"])
        offset.value = try #require(f["beta"])
        let input = x.requiringGradient()
        let y = layer(input, context: ForwardContext(isTraining: true))
        fixtures.expectClose(y, f["y"], "y")
        let gradients = (y * (try #require(f["gy"]))).sum().backward()
        fixtures.expectClose(gradients[input], f["grad.x"], "grad.x")
        fixtures.expectClose(gradients[scale], f["grad.gamma"], "grad.gamma")
        fixtures.expectClose(gradients[offset], f["grad.beta"], "grad.beta")
    }
}

/// The largest absolute difference between two tensors; `.infinity` when the element counts differ or a NaN appears
/// on either side (or an infinity the other side does not match), so a NaN never passes a tolerance.
func maxDifference(_ x: Tensor, _ y: Tensor) -> Float {
    guard x.elementCount == y.elementCount else { return .infinity }
    var worst: Float = 0
    for (u, v) in zip(x.scalars, y.scalars) where u != v {
        let difference = Swift.abs(u - v)
        guard difference.isFinite else { return .infinity }
        worst = Swift.max(worst, difference)
    }
    return worst
}
