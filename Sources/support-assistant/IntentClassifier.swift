import Lepton

/// Token embedding + positions (learned, sinusoidal or none) → Transformer encoder layers (padding masked out of
/// attention) → mean over the real tokens → dense logits over the intents.
///
/// The same layers (the same weights) also form ``network``, a `Sequential` that starts with a `PaddingMask`: the
/// form a bundle stores and a `Predictor` serves from raw text.
final class IntentClassifier: Module {
    let embedding: Embedding
    let positions: PositionalEmbedding?
    let encoders: [TransformerEncoderLayer]
    let pooling = GlobalAveragePooling1D()
    let output: Dense
    /// The layers as a `Sequential` of input `[maximumLength]` token ids, sharing this model's parameters.
    let network: Sequential

    init(vocabularySize: Int, classes: Int, options: AssistantOptions, seed: UInt64? = nil) {
        embedding = Embedding(
            vocabularySize: vocabularySize, dimension: options.size.embedding,
            paddingIndex: Int(WordTokenizer.paddingID))
        positions = options.positions.map { PositionalEmbedding($0, maximumLength: options.maximumLength) }
        encoders = (0..<options.size.layers).map { _ in
            TransformerEncoderLayer(
                heads: options.size.heads, feedForwardSize: 2 * options.size.embedding, dropout: options.dropout,
                activation: .gelu, normFirst: true)
        }
        output = Dense(units: classes)
        var generator = RandomGenerator(seed: seed ?? options.seed)
        let time = options.maximumLength
        embedding.build(inputShape: [time], generator: &generator)
        positions?.build(inputShape: [time, options.size.embedding], generator: &generator)
        for encoder in encoders { encoder.build(inputShape: [time, options.size.embedding], generator: &generator) }
        output.build(inputShape: [options.size.embedding], generator: &generator)
        var layers: [any Layer] = [PaddingMask(paddingID: Int(WordTokenizer.paddingID)), embedding]
        if let positions { layers.append(positions) }
        layers += encoders
        layers += [pooling, output]
        network = Sequential(inputShape: [time], layers: layers)
    }

    /// Logits `[batch, classes]` for padded word ids `[batch, time]` (padding id 0 marks the mask), `time` up to
    /// the maximum length.
    func callAsFunction(_ ids: Tensor, context: ForwardContext) -> Tensor {
        network(tokens: ids, context: context)
    }
}

/// `ids` with words dropped at `rate`: every token of a dropped word — the word and, with subword trigrams, its
/// trigrams — replaced by the unknown token (padding stays), so that the classifier learns to answer from the other
/// words of a message, as it must for phrasings it has not seen. `wordEnds[id]` says whether token `id` ends a
/// word's tokens (all `false`, or empty: each token is dropped on its own).
func wordDropout(_ ids: Tensor, rate: Float, wordEnds: [Bool], using generator: inout RandomGenerator) -> Tensor {
    guard rate > 0 else { return ids }
    var values = ids.scalars
    let time = ids.shape[ids.rank - 1]
    for start in stride(from: 0, to: values.count, by: time) {
        var dropping = false
        var startsWord = true
        for index in start..<(start + time) where values[index] != Float(WordTokenizer.paddingID) {
            if startsWord { dropping = generator.nextUnitFloat() < rate }
            let id = Int(values[index])
            startsWord = id >= wordEnds.count || wordEnds[id]
            if dropping { values[index] = Float(WordTokenizer.unknownID) }
        }
    }
    return Tensor(values, shape: ids.shape)
}

/// For each token id of `tokenizer`, whether it ends a word's tokens: with subword trigrams the word's last trigram
/// (`ed0` of `0locked0`), without them every token; padding and unknown end a word.
func wordEnds(of tokenizer: WordTokenizer) -> [Bool] {
    [true, true]
        + tokenizer.tokens.map { token in
            !tokenizer.subwordTrigrams || (token.unicodeScalars.count == 3 && token.hasSuffix("0"))
        }
}
