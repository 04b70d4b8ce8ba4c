import Foundation

/// Any JSON value, kept as a tree so that documents owned by other modules (a model architecture, a fitted
/// pipeline) can be nested inside a bundle manifest as objects rather than as strings.
///
/// Integers stay integers (`Int64`, or `UInt64` above `Int64.max`), so a value decoded and encoded again reads back
/// exactly; other numbers are `Double`s, written in their shortest form.
public enum JSONValue: Codable, Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer that fits in `Int64`.
    case integer(Int64)
    /// An integer above `Int64.max`.
    case unsignedInteger(UInt64)
    /// Any other number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    /// Reads any JSON value.
    /// - Parameter decoder: the decoder.
    /// - Throws: `DecodingError` when the value is none of the JSON kinds.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Numbers first, and integers only for integral numbers: a request's tensor data is thousands of numbers,
        // and every failed `decode` attempt throws and builds a coding path (it was most of a serving CPU profile).
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Double.self) {
            if value.rounded(.towardZero) == value, let integer = try? container.decode(Int64.self) {
                self = .integer(integer)
            } else if value.rounded(.towardZero) == value, let unsigned = try? container.decode(UInt64.self) {
                self = .unsignedInteger(unsigned)
            } else {
                self = .number(value)
            }
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Writes the value.
    /// - Parameter encoder: the encoder.
    /// - Throws: `EncodingError` for a non-finite number.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .unsignedInteger(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses JSON text.
    /// - Parameter data: UTF-8 JSON.
    /// - Throws: `DecodingError` when the text is not JSON.
    public init(parsing data: Data) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Converts an `Encodable` value to a tree.
    /// - Parameter value: the value.
    /// - Throws: `EncodingError` when the value cannot be encoded.
    public init(encoding value: some Encodable) throws {
        self = try JSONValue(parsing: JSONEncoder().encode(value))
    }

    /// The value as compact JSON with sorted keys.
    /// - Throws: `EncodingError` for a non-finite number.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The value as a `Decodable` type.
    /// - Parameter type: the type to decode.
    /// - Throws: `DecodingError` when the value does not have the type's shape.
    public func decoded<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: jsonData())
    }
}
