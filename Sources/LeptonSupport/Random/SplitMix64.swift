/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast, seedable generator, used to seed larger generators and
/// to make reproducible draws (not for cryptography).
///
/// Each call adds the golden-ratio increment 0x9e3779b97f4a7c15 to the state and returns the state through
/// ``finalize(_:)``.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is determined by `seed`.
    ///
    /// - Parameter seed: Any value.
    package init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalize(state)
    }

    /// A uniform draw in [0, 1) from the top 53 bits of the next value.
    package mutating func unitInterval() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// SplitMix64's output function (a variant of MurmurHash3's finaliser): spreads every input bit over the result.
    ///
    /// - Parameter value: The value to mix.
    /// - Returns: The mixed value.
    package static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
