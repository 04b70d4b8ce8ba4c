import Lepton

// Word-level augmentations of padded token ids `[batch, time]` (padding only after each message's end). A word keeps
// its tokens together: the word and, with subword trigrams, its trigrams; `wordEnds` as for
// `wordDropout(_:rate:wordEnds:using:)` says which token ids end a word.

/// The words of one padded message, each a run of token ids.
func messageWords(_ values: ArraySlice<Float>, wordEnds: [Bool]) -> [[Float]] {
    var words: [[Float]] = []
    var current: [Float] = []
    for value in values where value != Float(WordTokenizer.paddingID) {
        current.append(value)
        let id = Int(value)
        if id >= wordEnds.count || wordEnds[id] {
            words.append(current)
            current = []
        }
    }
    if !current.isEmpty { words.append(current) }
    return words
}

/// `ids` with, at `rate`, each message's words put in a random order (padding stays at the end). The intent of a
/// support message rarely depends on its word order, while the held-out phrasings put known words into new
/// sentence structures, so the classifier should not lean on where a word stands.
func shuffleWords(_ ids: Tensor, rate: Float, wordEnds: [Bool], using generator: inout RandomGenerator) -> Tensor {
    guard rate > 0 else { return ids }
    var values = ids.scalars
    let time = ids.shape[ids.rank - 1]
    for start in stride(from: 0, to: values.count, by: time) where generator.nextUnitFloat() < rate {
        let words = messageWords(values[start..<(start + time)], wordEnds: wordEnds)
        let shuffled = generator.permutation(words.count).flatMap { words[$0] }
        for (offset, value) in shuffled.enumerated() { values[start + offset] = value }
    }
    return Tensor(values, shape: ids.shape)
}

/// `ids` with, at `rate`, each message replaced by a splice of two messages of the batch: the first half of its
/// words followed by the second half of another message's words (as many as fit in the batch's length), and which
/// rows were spliced. A splice has no label of its own; the distillation teacher scores it, so that the classifier
/// learns how the teacher weighs the evidence of words it has never seen together.
func spliceMessages(
    _ ids: Tensor, rate: Float, wordEnds: [Bool], using generator: inout RandomGenerator
) -> (ids: Tensor, spliced: [Bool]) {
    let rows = ids.shape[0]
    let time = ids.shape[ids.rank - 1]
    guard rate > 0, rows > 1 else { return (ids, [Bool](repeating: false, count: rows)) }
    let original = ids.scalars
    var values = original
    var spliced = [Bool](repeating: false, count: rows)
    for row in 0..<rows where generator.nextUnitFloat() < rate {
        var other = Swift.min(Int(generator.nextUnitFloat() * Float(rows - 1)), rows - 2)
        if other >= row { other += 1 }
        let first = messageWords(original[(row * time)..<((row + 1) * time)], wordEnds: wordEnds)
        let second = messageWords(original[(other * time)..<((other + 1) * time)], wordEnds: wordEnds)
        let joined = Array((first.prefix((first.count + 1) / 2) + second.suffix(second.count / 2)).joined())
        guard !joined.isEmpty else { continue }
        for position in 0..<time {
            values[row * time + position] = position < joined.count ? joined[position] : Float(WordTokenizer.paddingID)
        }
        spliced[row] = true
    }
    return (Tensor(values, shape: ids.shape), spliced)
}
