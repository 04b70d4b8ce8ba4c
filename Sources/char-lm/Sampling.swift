import Foundation
import Lepton

/// A character drawn from `softmax(logits / temperature)` restricted to the `k` highest logits (nanoGPT's sampling).
///
/// - Parameters:
///   - logits: One score per character.
///   - temperature: Divides the logits (below 1 sharpens, above 1 flattens).
///   - k: How many of the highest scores stay candidates (all when `k` exceeds the vocabulary).
///   - generator: The random stream.
/// - Returns: The drawn id.
func sampleTopK(_ logits: [Float], temperature: Float, k: Int, using generator: inout RandomGenerator) -> Int32 {
    let scaled = logits.map { Double($0 / temperature) }
    let threshold = scaled.sorted(by: >)[Swift.min(k, scaled.count) - 1]
    let top = scaled.max() ?? 0
    let weights = scaled.map { $0 >= threshold ? Foundation.exp($0 - top) : 0 }
    var draw = generator.nextUnitDouble() * weights.reduce(0, +)
    for (id, weight) in weights.enumerated() where weight > 0 {
        draw -= weight
        if draw <= 0 { return Int32(id) }
    }
    return Int32(weights.lastIndex { $0 > 0 } ?? 0)
}
