/// The element type of an IDX file, as stored in the third byte of its magic number.
public enum IDXDataType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Unsigned 8-bit integers (MNIST images and labels).
    case uint8 = 0x08
    /// Signed 8-bit integers.
    case int8 = 0x09
    /// Big-endian signed 16-bit integers.
    case int16 = 0x0B
    /// Big-endian signed 32-bit integers.
    case int32 = 0x0C
    /// Big-endian IEEE 754 single-precision floats.
    case float32 = 0x0D
    /// Big-endian IEEE 754 double-precision floats.
    case float64 = 0x0E

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .uint8, .int8: return 1
        case .int16: return 2
        case .int32, .float32: return 4
        case .float64: return 8
        }
    }

    /// Whether the elements are integers (so ``IDXArray/int32s()`` can represent them exactly).
    public var isInteger: Bool { self != .float32 && self != .float64 }

    /// The type's name and code, e.g. `uint8 (0x08)`.
    public var description: String {
        let name: String
        switch self {
        case .uint8: name = "uint8"
        case .int8: name = "int8"
        case .int16: name = "int16"
        case .int32: name = "int32"
        case .float32: name = "float32"
        case .float64: name = "float64"
        }
        return "\(name) (0x\(String(rawValue, radix: 16, uppercase: true).leftPadded(to: 2)))"
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
