/// Conversions from a tensor's little-endian bytes to Swift arrays, independent of the host's byte order.
enum SafeTensorsElementDecoding {
    /// The elements of `bytes` (of type `dtype`) as `Float`s: F32 copied as is, F16 and BF16 exactly,
    /// F64 rounded to nearest (beyond `Float`'s range to infinity), integers rounded to nearest,
    /// BOOL as 0 or 1.
    static func floats(_ bytes: UnsafeRawBufferPointer, dtype: SafeTensorsDType) -> [Float] {
        switch dtype {
        case .f32:
            #if _endian(little)
                return copied(bytes, as: Float.self)
            #else
                return mapped(bytes, UInt32.self) { Float(bitPattern: $0) }
            #endif
        case .f64: return mapped(bytes, UInt64.self) { Float(Double(bitPattern: $0)) }
        case .f16: return mapped(bytes, UInt16.self, floatFromHalf)
        case .bf16: return mapped(bytes, UInt16.self, floatFromBFloat16)
        case .i64: return mapped(bytes, Int64.self) { Float($0) }
        case .i32: return mapped(bytes, Int32.self) { Float($0) }
        case .i16: return mapped(bytes, Int16.self) { Float($0) }
        case .i8: return mapped(bytes, Int8.self) { Float($0) }
        case .u64: return mapped(bytes, UInt64.self) { Float($0) }
        case .u32: return mapped(bytes, UInt32.self) { Float($0) }
        case .u16: return mapped(bytes, UInt16.self) { Float($0) }
        case .u8: return mapped(bytes, UInt8.self) { Float($0) }
        case .bool: return mapped(bytes, UInt8.self) { $0 == 0 ? 0 : 1 }
        }
    }

    /// The elements of `bytes` (of integer or BOOL type `dtype`) as `Target` values.
    /// - Throws: ``SafeTensorsError/Kind/dtypeNotConvertible(tensor:dtype:requested:)`` for floating-point
    ///   dtypes; ``SafeTensorsError/Kind/valueOutOfRange(tensor:index:value:requested:)`` for an element
    ///   that `Target` cannot represent.
    static func integers<Target: FixedWidthInteger & BitwiseCopyable>(
        _ bytes: UnsafeRawBufferPointer, dtype: SafeTensorsDType, as target: Target.Type, tensor: String
    ) throws -> [Target] {
        switch dtype {
        case .i64: try converted(bytes, from: Int64.self, to: target, tensor: tensor)
        case .i32: try converted(bytes, from: Int32.self, to: target, tensor: tensor)
        case .i16: try converted(bytes, from: Int16.self, to: target, tensor: tensor)
        case .i8: try converted(bytes, from: Int8.self, to: target, tensor: tensor)
        case .u64: try converted(bytes, from: UInt64.self, to: target, tensor: tensor)
        case .u32: try converted(bytes, from: UInt32.self, to: target, tensor: tensor)
        case .u16: try converted(bytes, from: UInt16.self, to: target, tensor: tensor)
        case .u8: try converted(bytes, from: UInt8.self, to: target, tensor: tensor)
        case .bool: mapped(bytes, UInt8.self) { $0 == 0 ? 0 : 1 }
        case .f64, .f32, .f16, .bf16:
            throw SafeTensorsError(.dtypeNotConvertible(tensor: tensor, dtype: dtype, requested: "\(target)"))
        }
    }

    /// Decodes an IEEE 754 binary16 bit pattern exactly (every half value is a `Float` value).
    static func floatFromHalf(_ bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits & 0x03FF)
        switch exponent {
        case 0x1F:  // infinity or NaN, payload kept
            return Float(bitPattern: sign | 0x7F80_0000 | fraction << 13)
        case 0:  // zero or subnormal: fraction × 2⁻²⁴, exact in Float
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        default:  // rebias the exponent from 15 to 127
            return Float(bitPattern: sign | (exponent + 112) << 23 | fraction << 13)
        }
    }

    /// Decodes a bfloat16 bit pattern: the upper half of a binary32.
    static func floatFromBFloat16(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// A bitwise copy of `bytes` as an array of `Element` (whose in-memory layout matches the file's).
    private static func copied<Element: BitwiseCopyable>(
        _ bytes: UnsafeRawBufferPointer, as type: Element.Type
    ) -> [Element] {
        let count = bytes.count / MemoryLayout<Element>.stride
        return [Element](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
            initializedCount = count
        }
    }

    /// Reads each little-endian `Raw` element of `bytes` and transforms it.
    private static func mapped<Raw: FixedWidthInteger, Result>(
        _ bytes: UnsafeRawBufferPointer, _ raw: Raw.Type, _ transform: (Raw) -> Result
    ) -> [Result] {
        let size = MemoryLayout<Raw>.size
        let count = bytes.count / size
        return [Result](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            for index in 0..<count {
                let value = Raw(littleEndian: bytes.loadUnaligned(fromByteOffset: index * size, as: Raw.self))
                (buffer.baseAddress! + index).initialize(to: transform(value))
            }
            initializedCount = count
        }
    }

    /// Converts each little-endian `Raw` element of `bytes` to `Target`, checking that it fits.
    private static func converted<Raw: FixedWidthInteger, Target: FixedWidthInteger & BitwiseCopyable>(
        _ bytes: UnsafeRawBufferPointer, from raw: Raw.Type, to target: Target.Type, tensor: String
    ) throws -> [Target] {
        #if _endian(little)
            if Raw.self == Target.self { return copied(bytes, as: Target.self) }
        #endif
        let size = MemoryLayout<Raw>.size
        let count = bytes.count / size
        var result: [Target] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            let value = Raw(littleEndian: bytes.loadUnaligned(fromByteOffset: index * size, as: Raw.self))
            guard let exact = Target(exactly: value) else {
                throw SafeTensorsError(
                    .valueOutOfRange(tensor: tensor, index: index, value: "\(value)", requested: "\(target)"))
            }
            result.append(exact)
        }
        return result
    }
}
