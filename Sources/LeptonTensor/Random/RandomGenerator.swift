import Foundation
import LeptonSupport

/// A seeded, splittable pseudo-random generator (xoshiro256**), so every run of a program is reproducible.
///
/// Give each consumer its own stream with ``split()`` — the weight initialiser, the data shuffler, dropout —
/// so adding a consumer does not shift the numbers the others see. The whole state is `Codable`, so a training
/// checkpoint can store it and resume the exact sequence.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    private var state: [UInt64]

    /// Creates a generator whose sequence is determined by `seed`.
    ///
    /// - Parameter seed: Any value; equal seeds give equal sequences on every platform.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        state = (0..<4).map { _ in mixer.next() }
        if state.allSatisfy({ $0 == 0 }) { state[0] = 1 }
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state[1] &* 5, 7) &* 9
        let shifted = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= shifted
        state[3] = rotateLeft(state[3], 45)
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
