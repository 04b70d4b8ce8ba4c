/// Hashes that are the same in every process and on every platform (unlike Swift's seeded `Hashable`), for
/// sticky routing and sampling decisions that must survive restarts.
public enum StableHash {
    /// The 64-bit FNV-1a hash of the string's UTF-8 bytes.
    ///
    /// Start from the offset basis 0xcbf29ce484222325; for each byte, XOR it in and multiply by the FNV prime
    /// 0x100000001b3 (mod 2⁶⁴).
    /// - Parameter string: the text to hash.
    /// - Returns: the hash.
    public static func fnv1a64(_ string: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in string.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// A stable bucket in `0..<bucketCount` for `key` under `salt` (FNV-1a of `salt + ":" + key`, modulo).
    /// - Parameters:
    ///   - key: the request key (user id, session id…).
    ///   - salt: separates experiments so that the same key lands in independent buckets.
    ///   - bucketCount: the number of buckets (≥ 1).
    /// - Returns: the bucket index.
    public static func bucket(of key: String, salt: String, bucketCount: Int) -> Int {
        precondition(bucketCount >= 1, "StableHash.bucket: bucketCount must be at least 1, got \(bucketCount)")
        return Int(fnv1a64(salt + ":" + key) % UInt64(bucketCount))
    }
}

/// SplitMix64: a small, fast, seedable generator for routing draws (not for cryptography).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw in [0, 1).
    mutating func unitInterval() -> Double { Double(next() >> 11) * 0x1p-53 }
}
