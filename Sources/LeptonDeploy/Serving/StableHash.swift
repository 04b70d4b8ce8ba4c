import LeptonSupport

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
        FNV1a64.hash(string.utf8)
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
