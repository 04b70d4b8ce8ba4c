import LeptonLayers
import LeptonTensor
import Testing

@Suite("Attention layers against PyTorch")
struct AttentionTests {
    static let attentionNames = ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]

    /// Copies PyTorch's packed projections (prefixed by `prefix`) into the layer's parameters.
    static func load(_ layer: MultiHeadAttention, from f: [String: Tensor], prefix: String = "") throws -> [Parameter] {
        let parameters = [
            layer.inProjectionWeight, layer.inProjectionBias, layer.outProjectionWeight, layer.outProjectionBias,
        ]
        return try zip(parameters, attentionNames).map { parameter, name in
            let parameter = try #require(parameter)
            parameter.value = try #require(f[prefix + name])
            return parameter
        }
    }

    @Test(
        "MultiHeadAttention plain and causal: outputs, weights, input and every parameter gradient",
        arguments: [
            false, true,
        ])
    func attention(causal: Bool) throws {
        let f = try fixtures.load(causal ? "mha_causal" : "mha")
        let layer = MultiHeadAttention(heads: 2, causal: causal, embedSize: 8)
        let parameters = try Self.load(layer, from: f)
        let x = try #require(f["x"]).requiringGradient()
        let (y, weights) = layer.attend(x, keyMask: nil, context: ForwardContext(isTraining: true))
        fixtures.expectClose(y, f["y"], "y", sameShape: true)
        fixtures.expectClose(weights, f["attn_weights"], "attention weights", sameShape: true)
        let gradients = (y * (try #require(f["gy"]))).sum().backward()
        fixtures.expectClose(gradients[x], f["grad.x"], "grad.x")
        for (parameter, name) in zip(parameters, Self.attentionNames) {
            fixtures.expectClose(gradients[parameter], f["grad.\(name)"], "grad.\(name)")
        }
    }

    @Test("a key-padding mask equals attending over the unpadded sequence alone")
    func keyPadding() throws {
        let layer = MultiHeadAttention(heads: 2, embedSize: 4, seed: 3)
        var generator = RandomGenerator(seed: 8)
        let x = Tensor.normal([1, 5, 4], using: &generator)
        let mask = Tensor([1, 1, 1, 0, 0], shape: [1, 5])
        let (padded, weights) = layer.attend(x, keyMask: mask, context: .inference)
        let (alone, _) = layer.attend(x.slice(axis: 1, 0..<3), keyMask: nil, context: .inference)
        #expect(maxDifference(padded.slice(axis: 1, 0..<3), alone) < 1e-6)
        #expect(weights.slice(axis: 3, 3..<5).scalars.allSatisfy { $0 == 0 })
        // A sample with every key masked gets a finite (zero-context) output, not NaN.
        let (empty, _) = layer.attend(x, keyMask: Tensor.zeros([1, 5]), context: .inference)
        #expect(empty.scalars.allSatisfy { $0.isFinite })
    }

    @Test("saved and loaded through a model file, and compiled for inference")
    func roundTrip() throws {
        let model = Sequential(inputShape: [6, 8], seed: 4) {
            MultiHeadAttention(heads: 2, causal: true)
            GlobalAveragePooling1D()
            Dense(units: 3)
        }
        var generator = RandomGenerator(seed: 2)
        try expectRoundTrip(model, input: Tensor.normal([2, 6, 8], using: &generator))
    }

    @Test("TransformerEncoderLayer (post-norm, ReLU): output, input and every parameter gradient")
    func encoderLayer() throws {
        let f = try fixtures.load("transformer_encoder_layer")
        let layer = TransformerEncoderLayer(heads: 2, feedForwardSize: 16, dropout: 0)
        var generator = RandomGenerator(seed: 0)
        layer.build(inputShape: [5, 8], generator: &generator)
        var pairs = zip(
            try Self.load(layer.attention, from: f, prefix: "self_attn."), Self.attentionNames.map { "self_attn." + $0 }
        )
        .map { ($0, $1) }
        let others: [(Parameter?, String)] = [
            (layer.feedForwardInWeight, "linear1.weight"), (layer.feedForwardInBias, "linear1.bias"),
            (layer.feedForwardOutWeight, "linear2.weight"), (layer.feedForwardOutBias, "linear2.bias"),
            (layer.norm1Scale, "norm1.weight"), (layer.norm1Offset, "norm1.bias"),
            (layer.norm2Scale, "norm2.weight"), (layer.norm2Offset, "norm2.bias"),
        ]
        for (parameter, name) in others {
            let parameter = try #require(parameter)
            parameter.value = try #require(f[name])
            pairs.append((parameter, name))
        }
        #expect(layer.namedParameters().count == 12)
        let x = try #require(f["x"]).requiringGradient()
        let y = layer(x, context: ForwardContext(isTraining: true))
        fixtures.expectClose(y, f["y"], "y", sameShape: true)
        let gradients = (y * (try #require(f["gy"]))).sum().backward()
        fixtures.expectClose(gradients[x], f["grad.x"], "grad.x")
        for (parameter, name) in pairs {
            fixtures.expectClose(gradients[parameter], f["grad.\(name)"], "grad.\(name)")
        }
    }

    @Test("pre-norm equals its formula written out with the block's own pieces")
    func preNorm() throws {
        let layer = TransformerEncoderLayer(
            heads: 2, feedForwardSize: 6, dropout: 0, activation: .gelu, normFirst: true)
        var generator = RandomGenerator(seed: 6)
        let x = Tensor.normal([2, 3, 4], using: &generator)
        let y = layer(x)
        let norm1 = LayerNorm(epsilon: 1e-5)
        let norm2 = LayerNorm(epsilon: 1e-5)
        let attended = x + layer.attention(norm1(x))
        let w1 = try #require(layer.feedForwardInWeight).value
        let b1 = try #require(layer.feedForwardInBias).value
        let w2 = try #require(layer.feedForwardOutWeight).value
        let b2 = try #require(layer.feedForwardOutBias).value
        let hidden = gelu(matmul(norm2(attended), w1, transposeB: true) + b1)
        let expected = attended + matmul(hidden, w2, transposeB: true) + b2
        #expect(maxDifference(y, expected) < 1e-5)
        // Dropout acts in training only and changes the output there.
        let dropping = TransformerEncoderLayer(heads: 2, feedForwardSize: 6, dropout: 0.5)
        let inference = dropping(x)
        #expect(maxDifference(dropping(x), inference) == 0)
        #expect(maxDifference(dropping(x, context: .training(generator: generator)), inference) > 0)
    }

    @Test("an encoder stack with positional embeddings saves, loads and compiles")
    func encoderRoundTrip() throws {
        let model = Sequential(inputShape: [6], seed: 7) {
            Embedding(vocabularySize: 10, dimension: 8, paddingIndex: 0)
            PositionalEmbedding(.sinusoidal, maximumLength: 16)
            TransformerEncoderLayer(heads: 2, feedForwardSize: 16, dropout: 0.1)
            TransformerEncoderLayer(heads: 2, feedForwardSize: 16, activation: .gelu, normFirst: true, causal: true)
            PositionalEmbedding(.learned, maximumLength: 6)
            GlobalAveragePooling1D()
            Dense(units: 3, activation: .softmax)
        }
        try expectRoundTrip(model, input: Tensor([1, 2, 3, 0, 0, 0, 9, 8, 7, 6, 5, 4], shape: [2, 6]))
    }
}
