/// The value a ``DefaultWhenMissing`` property takes when its key is missing from an encoding.
public protocol MissingKeyDefault {
    /// The property's type.
    associatedtype Value: Codable
    /// The value for a missing key.
    static var value: Value { get }
}

/// An empty array for a missing key.
public enum EmptyWhenMissing<Value: Codable & ExpressibleByArrayLiteral>: MissingKeyDefault {
    /// `[]`.
    public static var value: Value { [] }
}

/// An empty dictionary for a missing key.
public enum EmptyDictionaryWhenMissing<Value: Codable & ExpressibleByDictionaryLiteral>: MissingKeyDefault {
    /// `[:]`.
    public static var value: Value { [:] }
}

/// Zero for a missing key.
public enum ZeroWhenMissing<Value: Codable & Numeric>: MissingKeyDefault {
    /// `0`.
    public static var value: Value { 0 }
}
