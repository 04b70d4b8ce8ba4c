import Foundation
import LeptonLayers
import LeptonTensor
import Testing

@Suite("TransformerDecoderBlock against PyTorch and finite differences")
struct DecoderBlockTests {
    /// The block's parameters paired with PyTorch's names.
    static func pairs(_ layer: TransformerDecoderBlock) throws -> [(Parameter, String)] {
        let block = layer.block
        let attention = block.attention
        let named: [(Parameter?, String)] = [
            (attention.inProjectionWeight, "self_attn.in_proj_weight"),
            (attention.inProjectionBias, "self_attn.in_proj_bias"),
            (attention.outProjectionWeight, "self_attn.out_proj.weight"),
            (attention.outProjectionBias, "self_attn.out_proj.bias"),
            (block.feedForwardInWeight, "linear1.weight"), (block.feedForwardInBias, "linear1.bias"),
            (block.feedForwardOutWeight, "linear2.weight"), (block.feedForwardOutBias, "linear2.bias"),
            (block.norm1Scale, "norm1.weight"), (block.norm1Offset, "norm1.bias"),
            (block.norm2Scale, "norm2.weight"), (block.norm2Offset, "norm2.bias"),
        ]
        return try named.map { (try #require($0.0), $0.1) }
    }

    @Test(
        "pre- and post-norm: output, input gradient and every parameter gradient within 1e-4 relative",
        arguments: [("pre", true), ("post", false)])
    func fixture(name: String, normFirst: Bool) throws {
        let f = try fixtures.load("transformer_decoder_block_\(name)")
        let layer = TransformerDecoderBlock(heads: 2, feedForwardSize: 16, normFirst: normFirst)
        var generator = RandomGenerator(seed: 0)
        layer.build(inputShape: [5, 8], generator: &generator)
        let pairs = try Self.pairs(layer)
        for (parameter, name) in pairs { parameter.value = try #require(f[name]) }
        #expect(layer.namedParameters().count == 12)
        let x = try #require(f["x"]).requiringGradient()
        let y = layer(x, context: ForwardContext(isTraining: true))
        fixtures.expectRelativelyClose(y, f["y"], "y", relative: 1e-4)
        let gradients = (y * (try #require(f["gy"]))).sum().backward()
        fixtures.expectRelativelyClose(gradients[x], f["grad.x"], "grad.x", relative: 1e-4)
        for (parameter, name) in pairs {
            fixtures.expectRelativelyClose(gradients[parameter], f["grad.\(name)"], "grad.\(name)", relative: 1e-4)
        }
    }

    @Test("gradients match central finite differences of the block's own forward pass", arguments: [true, false])
    func finiteDifferences(normFirst: Bool) throws {
        let layer = TransformerDecoderBlock(heads: 2, feedForwardSize: 8, activation: .gelu, normFirst: normFirst)
        var generator = RandomGenerator(seed: 42)
        layer.build(inputShape: [3, 4], generator: &generator)
        let input = Tensor.normal([2, 3, 4], using: &generator)
        let upstream = Tensor.normal([2, 3, 4], using: &generator)
        func objective(_ x: Tensor) -> Double {
            zip(layer(x).scalars, upstream.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let x = input.requiringGradient()
        let gradients = (layer(x, context: ForwardContext(isTraining: true)) * upstream).sum().backward()
        let analytic = try #require(gradients[x]).scalars
        let h: Float = 5e-3
        for index in stride(from: 0, to: input.elementCount, by: 1) {
            var plus = input.scalars
            plus[index] += h
            var minus = input.scalars
            minus[index] -= h
            let numeric =
                (objective(Tensor(plus, shape: input.shape)) - objective(Tensor(minus, shape: input.shape)))
                / Double(2 * h)
            #expect(
                Swift.abs(Double(analytic[index]) - numeric) <= 1e-2 * Swift.max(0.2, Swift.abs(numeric)),
                "input \(index): analytic \(analytic[index]), numeric \(numeric)")
        }
        // One weight of each kind, perturbed through its parameter.
        for (parameter, _) in try Self.pairs(layer) {
            let gradient = try #require(gradients[parameter]).scalars
            let original = parameter.value
            let index = original.elementCount / 2
            var values = original.scalars
            values[index] = original.scalars[index] + h
            parameter.value = Tensor(values, shape: original.shape)
            let up = objective(input)
            values[index] = original.scalars[index] - h
            parameter.value = Tensor(values, shape: original.shape)
            let down = objective(input)
            parameter.value = original
            let numeric = (up - down) / Double(2 * h)
            #expect(
                Swift.abs(Double(gradient[index]) - numeric) <= 1e-2 * Swift.max(0.2, Swift.abs(numeric)),
                "parameter entry \(index): analytic \(gradient[index]), numeric \(numeric)")
        }
    }

    @Test("a position's output does not depend on later positions")
    func causal() {
        let layer = TransformerDecoderBlock(heads: 2, feedForwardSize: 8)
        var generator = RandomGenerator(seed: 5)
        let x = Tensor.normal([1, 4, 4], using: &generator)
        var changed = x.scalars
        for index in 12..<16 { changed[index] += 3 }  // the last position only
        let y = layer(x).scalars
        let z = layer(Tensor(changed, shape: x.shape)).scalars
        #expect(y[0..<12] == z[0..<12])
        #expect(y[12..<16] != z[12..<16])
    }

    @Test("a decoder-only language model saves, loads, compiles and keeps its settings")
    func roundTrip() throws {
        let model = Sequential(inputShape: [6], seed: 3) {
            Embedding(vocabularySize: 10, dimension: 8)
            PositionalEmbedding(.learned, maximumLength: 6)
            TransformerDecoderBlock(heads: 2, feedForwardSize: 32, dropout: 0.1)
            TransformerDecoderBlock(heads: 4, feedForwardSize: 16, activation: .relu, normFirst: false)
            LayerNorm(epsilon: 1e-5)
            Dense(units: 10)
        }
        try expectRoundTrip(model, input: Tensor([1, 2, 3, 0, 0, 0, 9, 8, 7, 6, 5, 4], shape: [2, 6]))
        let block = try #require(model.layers[2] as? TransformerDecoderBlock)
        #expect(block.configuration.embedSize == 8 && block.configuration.dropout == 0.1)
        #expect(block.summaryLine == "TransformerDecoderBlock(2 heads, ff 32, gelu, pre-norm)")
        #expect(LayerRegistry.typeNames.contains("TransformerDecoderBlock"))
        let data = try JSONEncoder().encode(block.configuration)
        #expect(
            try LayerRegistry.checkArchitecture(
                typeName: "TransformerDecoderBlock", configuration: data, inputShape: [6, 8],
                limits: ArchitectureLimits(maximumParameterElements: 1 << 20)
            ).outputShape == [6, 8])
        var bad = block.configuration
        bad.heads = 3
        #expect(throws: ArchitectureError.self) {
            try LayerRegistry.checkArchitecture(
                typeName: "TransformerDecoderBlock", configuration: try JSONEncoder().encode(bad), inputShape: [6, 8],
                limits: ArchitectureLimits(maximumParameterElements: 1 << 20))
        }
    }
}
