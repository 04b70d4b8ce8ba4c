import Foundation
import LeptonTensor
import Testing

/// Reading values: dtype conversions and the errors of the accessors.
@Suite struct SafeTensorsAccessTests {
    typealias Support = SafeTensorsTestSupport

    @Test func missingTensorListsSomeNames() throws {
        var writer = SafeTensorsWriter()
        try writer.add("conv1.weight", shape: [1], floats: [1])
        try writer.add("conv1.bias", shape: [1], floats: [1])
        try writer.add("dense.weight", shape: [1], floats: [1])
        let file = try SafeTensorsFile(data: writer.serialized())
        #expect(!file.contains("conv1"))
        let error = try #require(throws: SafeTensorsError.self) { try file.floats("conv1") }
        #expect(
            error.kind == .tensorNotFound(name: "conv1", available: ["conv1.bias", "conv1.weight"], tensorCount: 3))
        #expect(error.description.contains("'conv1.bias'"))
        let other = try #require(throws: SafeTensorsError.self) { try file.entry("x") }
        #expect(other.kind == .tensorNotFound(name: "x", available: file.names, tensorCount: 3))
    }

    @Test func integerAccessorsRejectFloatsAndOutOfRangeValues() throws {
        var writer = SafeTensorsWriter()
        try writer.add("f", shape: [1], floats: [1])
        try writer.add("big", shape: [3], int64s: [1, -2_147_483_649, 3])
        let file = try SafeTensorsFile(data: writer.serialized())
        #expect(throws: SafeTensorsError(.dtypeNotConvertible(tensor: "f", dtype: .f32, requested: "Int64"))) {
            try file.int64s("f")
        }
        #expect(throws: SafeTensorsError(.dtypeNotConvertible(tensor: "f", dtype: .f32, requested: "Int32"))) {
            try file.int32s("f")
        }
        #expect(
            throws: SafeTensorsError(
                .valueOutOfRange(tensor: "big", index: 1, value: "-2147483649", requested: "Int32"))
        ) {
            try file.int32s("big")
        }
        #expect(try file.floats("big") == [1, -2_147_483_648, 3])
    }

    /// Every one of the 65536 half-precision bit patterns against Swift's own `Float16` conversion.
    @Test func halfPrecisionDecodingIsExactForEveryBitPattern() throws {
        #if arch(x86_64) && os(macOS)
            // Float16 is unavailable on Intel Macs; the Python fixture still covers the special values.
        #else
            let patterns = (0...UInt16.max).map { $0 }
            var bytes = Data()
            for bits in patterns { bytes.append(contentsOf: [UInt8(bits & 0xFF), UInt8(bits >> 8)]) }
            var writer = SafeTensorsWriter()
            try writer.add("all", dtype: .f16, shape: [patterns.count], littleEndianBytes: bytes)
            let decoded = try SafeTensorsFile(data: writer.serialized()).floats("all")
            for (bits, value) in zip(patterns, decoded) {
                let reference = Float(Float16(bitPattern: bits))
                if reference.isNaN {
                    #expect(value.isNaN && value.sign == reference.sign, "F16 0x\(String(bits, radix: 16))")
                } else if value.bitPattern != reference.bitPattern {
                    Issue.record("F16 0x\(String(bits, radix: 16)): decoded \(value), expected \(reference)")
                }
            }
        #endif
    }

    @Test func everyDtypeReadsAsFloatsAndIntegers() throws {
        // One element per dtype, built byte by byte: value 1 (or true) in each encoding.
        let one: [(SafeTensorsDType, [UInt8])] = [
            (.f64, [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]), (.f32, [0, 0, 0x80, 0x3F]), (.f16, [0, 0x3C]),
            (.bf16, [0x80, 0x3F]),
            (.i64, [1, 0, 0, 0, 0, 0, 0, 0]), (.i32, [1, 0, 0, 0]), (.i16, [1, 0]), (.i8, [1]),
            (.u64, [1, 0, 0, 0, 0, 0, 0, 0]), (.u32, [1, 0, 0, 0]), (.u16, [1, 0]), (.u8, [1]), (.bool, [1]),
        ]
        #expect(Set(one.map(\.0)) == Set(SafeTensorsDType.allCases))
        var writer = SafeTensorsWriter()
        for (dtype, bytes) in one {
            #expect(bytes.count == dtype.byteSize)
            try writer.add(dtype.rawValue, dtype: dtype, shape: [1], littleEndianBytes: Data(bytes))
        }
        let file = try SafeTensorsFile(data: writer.serialized())
        for (dtype, _) in one {
            #expect(try file.floats(dtype.rawValue) == [1], "\(dtype)")
            if dtype.isFloatingPoint {
                #expect(throws: SafeTensorsError.self) { try file.int64s(dtype.rawValue) }
            } else {
                #expect(try file.int64s(dtype.rawValue) == [1], "\(dtype)")
                #expect(try file.int32s(dtype.rawValue) == [1], "\(dtype)")
            }
        }
    }
}
