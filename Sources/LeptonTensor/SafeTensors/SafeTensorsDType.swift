/// The element types a safetensors file can hold that Lepton reads, spelled as in the file's header.
///
/// The format also defines 8-bit, 6-bit and 4-bit floating-point types and complex numbers
/// (`F8_E4M3`, `F8_E5M2`, `F6_E2M3`, `F4`, `C64`, ...); a header naming one of them is rejected with
/// ``SafeTensorsError/Kind/unsupportedDType(tensor:dtype:)``.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    /// IEEE 754 binary64.
    case f64 = "F64"
    /// IEEE 754 binary32.
    case f32 = "F32"
    /// IEEE 754 binary16 (half precision).
    case f16 = "F16"
    /// bfloat16: the upper 16 bits of a binary32.
    case bf16 = "BF16"
    /// Signed 64-bit integer.
    case i64 = "I64"
    /// Signed 32-bit integer.
    case i32 = "I32"
    /// Signed 16-bit integer.
    case i16 = "I16"
    /// Signed 8-bit integer.
    case i8 = "I8"
    /// Unsigned 64-bit integer.
    case u64 = "U64"
    /// Unsigned 32-bit integer.
    case u32 = "U32"
    /// Unsigned 16-bit integer.
    case u16 = "U16"
    /// Unsigned 8-bit integer.
    case u8 = "U8"
    /// Boolean, one byte per element (zero is false, anything else true).
    case bool = "BOOL"

    /// The number of bytes one element occupies in the data buffer.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .i8, .u8, .bool: 1
        }
    }

    /// Whether the elements are floating-point numbers (as opposed to integers or booleans).
    public var isFloatingPoint: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: true
        case .i64, .i32, .i16, .i8, .u64, .u32, .u16, .u8, .bool: false
        }
    }

    /// Dtype names the safetensors format defines but Lepton does not read.
    static let unsupportedNames: Set<String> = [
        "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "F6_E2M3", "F6_E3M2", "F4", "C64",
    ]

    /// The position of this dtype in the reference implementation's dtype order. Writers place larger
    /// ranks first so that every tensor starts at a multiple of its element size.
    var referenceOrderRank: Int {
        switch self {
        case .bool: 0
        case .u8: 1
        case .i8: 2
        case .i16: 3
        case .u16: 4
        case .f16: 5
        case .bf16: 6
        case .i32: 7
        case .u32: 8
        case .f32: 9
        case .f64: 10
        case .i64: 11
        case .u64: 12
        }
    }
}
