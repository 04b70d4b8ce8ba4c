import Foundation
import LeptonSupport

/// A seeded, splittable pseudo-random generator (xoshiro256**), so every run of a program is reproducible.
///
/// Give each consumer its own stream with ``split()`` — the weight initialiser, the data shuffler, dropout —
/// so adding a consumer does not shift the numbers the others see. The whole state is `Codable`, so a training
/// checkpoint can store it and resume the exact sequence.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    // The four words of the state, stored inline: an array here cost a uniqueness check and bounds checks per
    // number, and dropout masks drew one number per element (16% of a Transformer layer's training step).
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose sequence is determined by `seed`.
    ///
    /// - Parameter seed: Any value; equal seeds give equal sequences on every platform.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        (s0, s1, s2, s3) = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
        if s0 == 0 && s1 == 0 && s2 == 0 && s3 == 0 { s0 = 1 }
    }

    private enum CodingKeys: String, CodingKey {
        case state
    }

    /// Reads `{"state": [four words]}`, the form written since the first release.
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` unless the state is four words, not all zero (xoshiro's one invalid state).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([UInt64].self, forKey: .state)
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .state, in: container,
                debugDescription: "a random generator's state is four words, not all zero; got \(words.count) words")
        }
        (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
    }

    /// Writes `{"state": [four words]}`.
    /// - Parameter encoder: The encoder.
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([s0, s1, s2, s3], forKey: .state)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let shifted = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A new generator with a stream independent of this one's; this generator advances by one step.
    ///
    /// - Returns: The child generator.
    public mutating func split() -> RandomGenerator {
        RandomGenerator(seed: next() ^ 0xD1B5_4A32_D192_ED03)
    }

    /// A float uniform in [0, 1), with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A double uniform in [0, 1), with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A pair of independent standard normal samples (Box–Muller).
    public mutating func nextNormalPair() -> (Double, Double) {
        var u1 = nextUnitDouble()
        while u1 <= Double.leastNormalMagnitude { u1 = nextUnitDouble() }
        let u2 = nextUnitDouble()
        let radius = Foundation.sqrt(-2 * Foundation.log(u1))
        let angle = 2 * Double.pi * u2
        return (radius * Foundation.cos(angle), radius * Foundation.sin(angle))
    }

    /// A uniformly random permutation of `0..<count` (Fisher–Yates).
    ///
    /// - Parameter count: The number of elements.
    /// - Returns: The permutation.
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        if count < 2 { return indices }
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(next(upperBound: UInt64(i + 1)))
            indices.swapAt(i, j)
        }
        return indices
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
