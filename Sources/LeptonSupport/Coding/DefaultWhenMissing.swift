/// A stored property whose key may be missing from encodings written before the property existed: decoding such an
/// encoding gives `Default.value`, and encoding writes the value exactly as an unwrapped property would.
///
/// Synthesised `Codable` then reads old and new encodings alike, so a type that gained a setting needs no
/// hand-written `init(from:)`:
///
/// ```swift
/// @DefaultWhenMissing<EmptyWhenMissing<[FitWarning]>> public private(set) var warnings: [FitWarning]
/// ```
///
/// It is `public`, unlike the rest of this target, because a public property's wrapper type must be public;
/// LeptonSupport is not a product, so users of Lepton cannot import it.
@propertyWrapper
public struct DefaultWhenMissing<Default: MissingKeyDefault> {
    /// The property's value.
    public var wrappedValue: Default.Value

    /// Wraps `wrappedValue`.
    ///
    /// - Parameter wrappedValue: The property's value.
    public init(wrappedValue: Default.Value) { self.wrappedValue = wrappedValue }
}

extension DefaultWhenMissing: Codable {
    /// Reads the bare value (the key's presence is decided by the container; see
    /// `KeyedDecodingContainer.decode(_:forKey:)`).
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` for a malformed value.
    public init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode(Default.Value.self)
    }

    /// Writes the bare value, as an unwrapped property would.
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension DefaultWhenMissing: Sendable where Default.Value: Sendable {}
extension DefaultWhenMissing: Equatable where Default.Value: Equatable {}
extension DefaultWhenMissing: Hashable where Default.Value: Hashable {}

extension KeyedDecodingContainer {
    /// Decodes a ``DefaultWhenMissing`` property, giving its default when `key` is absent or null; synthesised `Codable`
    /// calls this overload because it is more specific than the general `decode(_:forKey:)`.
    ///
    /// - Parameters:
    ///   - type: The wrapper type.
    ///   - key: The property's key.
    /// - Returns: The decoded value, or the default when the key is absent or null.
    /// - Throws: `DecodingError` when the key holds a malformed value.
    public func decode<Default>(
        _ type: DefaultWhenMissing<Default>.Type, forKey key: Key
    ) throws -> DefaultWhenMissing<Default> {
        DefaultWhenMissing(wrappedValue: try decodeIfPresent(Default.Value.self, forKey: key) ?? Default.value)
    }
}
