import Lepton

/// Token embedding + positions (learned, sinusoidal or none) → Transformer encoder layers (padding masked out of attention) → mean over
/// the real tokens → dense logits over the intents.
final class IntentClassifier: Module {
    let embedding: Embedding
    let positions: PositionalEmbedding?
    let encoders: [TransformerEncoderLayer]
    let pooling = GlobalAveragePooling1D()
    let output: Dense

    init(vocabularySize: Int, classes: Int, options: AssistantOptions) {
        embedding = Embedding(
            vocabularySize: vocabularySize, dimension: options.embedding,
            paddingIndex: Int(WordVocabulary.padding))
        positions = options.positions.map { PositionalEmbedding($0, maximumLength: options.maximumLength) }
        encoders = (0..<options.layers).map { _ in
            TransformerEncoderLayer(
                heads: options.heads, feedForwardSize: 2 * options.embedding, dropout: options.dropout,
                activation: .gelu, normFirst: true)
        }
        output = Dense(units: classes)
        var generator = RandomGenerator(seed: options.seed)
        let time = options.maximumLength
        embedding.build(inputShape: [time], generator: &generator)
        positions?.build(inputShape: [time, options.embedding], generator: &generator)
        for encoder in encoders { encoder.build(inputShape: [time, options.embedding], generator: &generator) }
        output.build(inputShape: [options.embedding], generator: &generator)
    }

    /// Logits `[batch, classes]` for padded word ids `[batch, time]` (padding id 0 marks the mask).
    func callAsFunction(_ ids: Tensor, context: ForwardContext) -> Tensor {
        let mask = 1 - (ids .== Float(WordVocabulary.padding))
        var x = embedding(ids, context: context)
        if let positions { x = positions(x, context: context) }
        for encoder in encoders { x = encoder(x, keyMask: mask, context: context) }
        return output(pooling(x, mask: mask, context: context), context: context)
    }
}

/// `ids` with each real token replaced by the unknown token with probability `rate` (padding stays), so that the
/// classifier learns to cope with words it has not seen.
func wordDropout(_ ids: Tensor, rate: Float, using generator: inout RandomGenerator) -> Tensor {
    guard rate > 0 else { return ids }
    var values = ids.scalars
    for index in values.indices where values[index] != Float(WordVocabulary.padding) {
        if generator.nextUnitFloat() < rate { values[index] = Float(WordVocabulary.unknown) }
    }
    return Tensor(values, shape: ids.shape)
}
