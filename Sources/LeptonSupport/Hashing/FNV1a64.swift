/// The 64-bit FNV-1a hash (Fowler, Noll, Vo): start from the offset basis 0xcbf29ce484222325; for each byte, XOR it
/// in and multiply by the FNV prime 0x100000001b3 (mod 2⁶⁴).
///
/// The same on every run and platform, unlike Swift's seeded `Hasher`; not for cryptography.
package enum FNV1a64 {
    /// The hash of `bytes`.
    ///
    /// - Parameter bytes: The bytes, in order (a string's `utf8` view, a buffer).
    /// - Returns: The 64-bit hash.
    @inlinable
    package static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// The hash of the bytes in `bytes`: the same value as the generic ``hash(_:)`` gives for them, with a plain loop
    /// over the memory (the generic version can stay unspecialised across modules and then pays for an iterator's
    /// witness calls on every byte).
    ///
    /// - Parameter bytes: The bytes, in order.
    /// - Returns: The 64-bit hash.
    @inlinable
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        guard let base = bytes.baseAddress else { return hash }
        for index in 0..<bytes.count { hash = (hash ^ UInt64(base[index])) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}
