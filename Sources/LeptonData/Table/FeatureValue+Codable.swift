/// A ``FeatureValue`` in JSON is a bare number, a string, a boolean, or `null` (missing; non-finite numbers are also
/// written as `null`, since JSON has no spelling for them).
extension FeatureValue: Codable {
    /// Reads a number, a string, a boolean or `null`.
    /// - Parameter decoder: the decoder to read from.
    /// - Throws: `DecodingError.typeMismatch` for anything else.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .missing
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else {
            self = .number(try container.decode(Double.self))
        }
    }

    /// Writes a number, a string, a boolean or `null`.
    /// - Parameter encoder: the encoder to write to.
    /// - Throws: whatever the encoder throws.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let number) where number.isFinite: try container.encode(number)
        case .string(let string): try container.encode(string)
        case .bool(let bool): try container.encode(bool)
        case .number, .missing: try container.encodeNil()
        }
    }
}
