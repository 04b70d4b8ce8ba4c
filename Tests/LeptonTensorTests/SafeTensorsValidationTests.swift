import Foundation
import LeptonTensor
import Testing

/// One test per validation rule: each hand-made file breaks exactly one rule and must be rejected with
/// the matching error kind (valid variants next to them must be accepted).
@Suite struct SafeTensorsValidationTests {
    typealias Support = SafeTensorsTestSupport

    /// A well-formed entry of `count` F32 values at `offsets`.
    static func f32(_ name: String, count: Int, _ begin: Int, _ end: Int) -> String {
        #""\#(name)":{"dtype":"F32","shape":[\#(count)],"data_offsets":[\#(begin),\#(end)]}"#
    }

    @Test func truncatedFileShorterThanTheLengthPrefix() {
        for count in 0..<8 {
            #expect(Support.readError(Data(repeating: 0, count: count)) == .fileTooShort(byteCount: count))
        }
    }

    @Test func truncatedDataBufferIsOutOfBounds() {
        let file = Support.file(header: "{\(Self.f32("a", count: 2, 0, 8))}", data: [0, 0, 0, 0])
        #expect(Support.readError(file) == .dataOutOfBounds(tensor: "a", end: 8, dataByteCount: 4))
    }

    @Test func oversizedHeaderLength() {
        let limit = SafeTensorsFile.maximumHeaderByteCount
        #expect(limit == 100_000_000)
        for declared in [UInt64(limit) + 1, UInt64.max, UInt64(Int.max) + 1] {
            let file = Support.file(header: "{}", declaredHeaderLength: declared)
            #expect(Support.readError(file) == .headerTooLarge(declaredByteCount: declared, limit: limit))
        }
    }

    @Test func headerLengthBeyondFile() {
        let file = Support.file(header: "{}", data: [0x20], declaredHeaderLength: 100)
        #expect(Support.readError(file) == .headerBeyondFile(declaredByteCount: 100, availableByteCount: 3))
    }

    @Test func garbageBytesAreNotUTF8() {
        #expect(Support.readError(Support.file(headerBytes: [0xFF, 0xFE, 0x7B])) == .headerNotUTF8(byteOffset: 0))
        // An overlong encoding and a lone surrogate are invalid UTF-8 too.
        let overlong = Array(#"{"a":"#.utf8) + [0xC0, 0xAF]
        #expect(Support.readError(Support.file(headerBytes: overlong)) == .headerNotUTF8(byteOffset: 5))
        let surrogate = Array(#"{"é":"#.utf8) + [0xED, 0xA0, 0x80]
        #expect(Support.readError(Support.file(headerBytes: surrogate)) == .headerNotUTF8(byteOffset: 6))
    }

    @Test func garbageBytesNeverCrash() {
        var random = SafeTensorsTestRandom(seed: 7)
        for _ in 0..<500 {
            let length = random.int(in: 0..<64)
            let bytes = Data((0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(data: bytes) }
        }
    }

    @Test(arguments: [
        (#"{"a":"#, 5),  // unexpected end
        (#"{"a":{},}"#, 8),  // trailing comma
        (#"{'a':{}}"#, 1),  // single quotes
        (#"{"a":[01]}"#, 7),  // leading zero
        (#"{"a":tru}"#, 5),  // misspelt literal
        (#"{"a":"x\q"}"#, 7),  // invalid escape
        (#"{"a":"\ud800"}"#, 6),  // lone surrogate escape
        ("{\"a\":\"\u{1}\"}", 6),  // raw control character
        ("{}\0\0", 2),  // NUL padding (only whitespace may follow the object)
        ("", 0),  // empty header
    ])
    func invalidJSON(header: String, offset: Int) {
        guard case .invalidJSON(_, let found) = Support.readError(Support.file(header: header)) else {
            Issue.record("expected invalidJSON for \(header.debugDescription)")
            return
        }
        #expect(found == offset, "header \(header.debugDescription)")
    }

    @Test func deepNestingIsInvalidJSONNotAStackOverflow() {
        let header = #"{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        guard case .invalidJSON(let reason, _) = Support.readError(Support.file(header: header)) else {
            Issue.record("expected invalidJSON")
            return
        }
        #expect(reason.contains("nesting"))
    }

    @Test func headerMustBeAnObject() {
        #expect(Support.readError(Support.file(header: "[]")) == .headerNotObject(found: "[]"))
        #expect(Support.readError(Support.file(header: "null")) == .headerNotObject(found: "null"))
    }

    @Test func spacePaddedHeaderAndEmptyFileAreValid() throws {
        let file = try SafeTensorsFile(data: Support.file(header: " \n{ }       "))
        #expect(file.entries.isEmpty)
        #expect(file.metadata.isEmpty)
    }

    @Test func duplicateNames() {
        // Identical duplicates too: the reference implementation silently keeps one; Lepton refuses.
        let same = Support.file(
            header: "{\(Self.f32("a", count: 1, 0, 4)),\(Self.f32("a", count: 1, 0, 4))}", data: [0, 0, 0, 0])
        #expect(Support.readError(same) == .duplicateTensorName("a"))
        let escaped = Support.file(
            header: "{\(Self.f32("ab", count: 1, 0, 4)),\(Self.f32(#"\u0061b"#, count: 1, 4, 8))}",
            data: .init(repeating: 0, count: 8))
        #expect(Support.readError(escaped) == .duplicateTensorName("ab"))
        let metadataTwice = Support.file(header: #"{"__metadata__":{},"__metadata__":{}}"#)
        #expect(Support.readError(metadataTwice) == .duplicateTensorName("__metadata__"))
    }

    @Test func overlappingOffsets() {
        let header = "{\(Self.f32("a", count: 2, 0, 8)),\(Self.f32("b", count: 2, 4, 12))}"
        let file = Support.file(header: header, data: .init(repeating: 0, count: 12))
        #expect(Support.readError(file) == .overlappingTensors(tensor: "b", begin: 4, previous: "a", previousEnd: 8))
    }

    @Test func gappedOffsets() {
        let between = "{\(Self.f32("a", count: 1, 0, 4)),\(Self.f32("b", count: 1, 8, 12))}"
        #expect(
            Support.readError(Support.file(header: between, data: .init(repeating: 0, count: 12)))
                == .gapBeforeTensor(tensor: "b", begin: 8, expectedBegin: 4))
        let atStart = "{\(Self.f32("a", count: 1, 4, 8))}"
        #expect(
            Support.readError(Support.file(header: atStart, data: .init(repeating: 0, count: 8)))
                == .gapBeforeTensor(tensor: "a", begin: 4, expectedBegin: 0))
    }

    /// The reference implementation sorts tensors by offsets before checking that they tile the buffer, so
    /// the order of the JSON text is free. Python's safetensors 0.8.0 loads this file.
    @Test func unsortedButContiguousOffsetsAreValid() throws {
        let header =
            "{\(Self.f32("c", count: 1, 12, 16)),\(Self.f32("a", count: 2, 4, 12)),\(Self.f32("b", count: 1, 0, 4))}"
        let file = try SafeTensorsFile(
            data: Support.file(header: header, data: Support.littleEndianBytes([1, 2, 3, 4])))
        #expect(file.names == ["b", "a", "c"])
        #expect(try file.floats("a") == [2, 3])
        #expect(try file.floats("b") == [1])
        #expect(try file.floats("c") == [4])
    }

    @Test func zeroSizedAndScalarTensorsAreValid() throws {
        let header =
            #"{"e":{"dtype":"I64","shape":[0,5],"data_offsets":[0,0]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"#
        let file = try SafeTensorsFile(data: Support.file(header: header, data: Support.littleEndianBytes([2.5])))
        #expect(try file.entry("e").elementCount == 0)
        #expect(try file.int64s("e") == [])
        #expect(try file.entry("s").shape == [])
        #expect(try file.floats("s") == [2.5])
    }

    @Test func byteLengthMustMatchDtypeSize() {
        let header = #"{"a":{"dtype":"F16","shape":[3],"data_offsets":[0,12]}}"#
        #expect(
            Support.readError(Support.file(header: header, data: .init(repeating: 0, count: 12)))
                == .byteLengthMismatch(tensor: "a", dtype: .f16, shape: [3], expected: 6, found: 12))
    }

    @Test func shapeOverflow() {
        let elements = #"{"a":{"dtype":"U8","shape":[4294967296,4294967296,2],"data_offsets":[0,1]}}"#
        #expect(
            Support.readError(Support.file(header: elements, data: [0]))
                == .shapeOverflow(tensor: "a", shape: [4_294_967_296, 4_294_967_296, 2]))
        // 2^61 elements fit in Int, their 2^64 bytes do not.
        let bytes = #"{"a":{"dtype":"I64","shape":[2305843009213693952],"data_offsets":[0,8]}}"#
        #expect(
            Support.readError(Support.file(header: bytes, data: .init(repeating: 0, count: 8)))
                == .shapeOverflow(tensor: "a", shape: [2_305_843_009_213_693_952]))
    }

    @Test(arguments: [
        ("-1", "the number -1"), ("1.0", "the number 1.0"), ("1e0", "the number 1e0"), (#""1""#, #"the string "1""#),
        ("99999999999999999999", "the number 99999999999999999999"),
    ])
    func shapeDimensionsMustBeNonNegativeIntegers(literal: String, found: String) {
        let header = #"{"a":{"dtype":"U8","shape":[1,\#(literal)],"data_offsets":[0,1]}}"#
        #expect(
            Support.readError(Support.file(header: header, data: [0]))
                == .invalidShapeDimension(tensor: "a", index: 1, found: found))
    }

    @Test func unknownAndUnsupportedDtypes() {
        let unknown = #"{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#
        #expect(
            Support.readError(Support.file(header: unknown, data: [0, 0, 0, 0]))
                == .unknownDType(tensor: "a", dtype: "F33"))
        let lowercase = #"{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}"#
        #expect(
            Support.readError(Support.file(header: lowercase, data: [0, 0, 0, 0]))
                == .unknownDType(tensor: "a", dtype: "f32"))
        let fp8 = #"{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#
        #expect(
            Support.readError(Support.file(header: fp8, data: [0])) == .unsupportedDType(tensor: "a", dtype: "F8_E4M3"))
    }

    @Test func trailingDataNotCovered() {
        let file = Support.file(header: "{\(Self.f32("a", count: 1, 0, 4))}", data: .init(repeating: 0, count: 8))
        #expect(Support.readError(file) == .uncoveredTrailingData(coveredByteCount: 4, dataByteCount: 8))
        #expect(
            Support.readError(Support.file(header: "{}", data: [1]))
                == .uncoveredTrailingData(coveredByteCount: 0, dataByteCount: 1))
    }

    @Test func dataOffsetsMustBeTwoOrderedNonNegativeIntegers() {
        func header(_ offsets: String) -> Data {
            Support.file(header: #"{"a":{"dtype":"U8","shape":[0],"data_offsets":\#(offsets)}}"#, data: [0])
        }
        #expect(Support.readError(header("[1,0]")) == .reversedDataOffsets(tensor: "a", begin: 1, end: 0))
        #expect(Support.readError(header("[-1,0]")) == .invalidDataOffsets(tensor: "a", found: "[-1, 0]"))
        #expect(Support.readError(header("[0,0,0]")) == .invalidDataOffsets(tensor: "a", found: "[0, 0, 0]"))
        #expect(Support.readError(header("[0.5,1]")) == .invalidDataOffsets(tensor: "a", found: "[0.5, 1]"))
        #expect(Support.readError(header("{}")) == .invalidDataOffsets(tensor: "a", found: "an object"))
    }

    @Test func entryFields() {
        #expect(Support.readError(Support.file(header: #"{"a":[]}"#)) == .entryNotObject(tensor: "a", found: "[]"))
        #expect(
            Support.readError(Support.file(header: #"{"a":{"dtype":"U8","shape":[0]}}"#))
                == .missingField(tensor: "a", field: "data_offsets"))
        #expect(
            Support.readError(Support.file(header: #"{"a":{"dtype":8,"shape":[0],"data_offsets":[0,0]}}"#))
                == .wrongFieldType(tensor: "a", field: "dtype", expected: "a string", found: "the number 8"))
        #expect(
            Support.readError(Support.file(header: #"{"a":{"dtype":"U8","shape":3,"data_offsets":[0,3]}}"#))
                == .wrongFieldType(tensor: "a", field: "shape", expected: "an array of integers", found: "the number 3")
        )
        let twice = #"{"a":{"dtype":"U8","shape":[0],"dtype":"I8","data_offsets":[0,0]}}"#
        #expect(Support.readError(Support.file(header: twice)) == .duplicateField(tensor: "a", field: "dtype"))
    }

    @Test func unknownEntryFieldsAreIgnoredLikeTheReference() throws {
        let header = #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":{"x":[1,2]}}}"#
        #expect(try SafeTensorsFile(data: Support.file(header: header, data: [9])).int64s("a") == [9])
    }

    @Test func metadataMustBeAnObjectOfStrings() throws {
        #expect(
            Support.readError(Support.file(header: #"{"__metadata__":{"a":1}}"#))
                == .metadataValueNotString(key: "a", found: "the number 1"))
        #expect(
            Support.readError(Support.file(header: #"{"__metadata__":["a"]}"#)) == .metadataNotObject(found: #"["a"]"#))
        #expect(
            Support.readError(Support.file(header: #"{"__metadata__":{"k":"1","k":"2"}}"#))
                == .duplicateMetadataKey("k"))
        #expect(try SafeTensorsFile(data: Support.file(header: #"{"__metadata__":null}"#)).metadata == [:])
        let escaped = try SafeTensorsFile(
            data: Support.file(header: #"{"__metadata__":{"k\n":"\"\u00e9\ud83d\ude00\/"}}"#))
        #expect(escaped.metadata == ["k\n": "\"é😀/"])
    }

    @Test func errorsNameTheFileAndSayExpectedVersusFound() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("broken.safetensors")
        try Support.file(header: "{\(Self.f32("w", count: 1, 0, 4))}", data: [0, 0]).write(to: url)
        for memoryMapped in [true, false] {
            let error = try #require(throws: SafeTensorsError.self) {
                try SafeTensorsFile(contentsOf: url, memoryMapped: memoryMapped)
            }
            #expect(error.file == url)
            #expect(error.kind == .dataOutOfBounds(tensor: "w", end: 4, dataByteCount: 2))
            #expect(error.description.contains(url.path))
            #expect(error.description.contains("'w' ends at byte 4, past the end of the 2-byte data buffer"))
        }
        let empty = directory.appendingPathComponent("empty.safetensors")
        try Data().write(to: empty)
        for memoryMapped in [true, false] {
            #expect(throws: SafeTensorsError(.fileTooShort(byteCount: 0), file: empty)) {
                try SafeTensorsFile(contentsOf: empty, memoryMapped: memoryMapped)
            }
        }
        let missing = directory.appendingPathComponent("missing.safetensors")
        let error = try #require(throws: SafeTensorsError.self) { try SafeTensorsFile(contentsOf: missing) }
        #expect(error.file == missing)
        guard case .unreadableFile = error.kind else {
            Issue.record("expected unreadableFile, got \(error.kind)")
            return
        }
    }

    /// Random byte flips, truncations and length changes of a valid file must give either a valid file
    /// whose every tensor can be read, or a SafeTensorsError: never a crash or an out-of-bounds read.
    @Test func mutatedFilesAreRejectedOrFullyReadable() throws {
        var writer = SafeTensorsWriter(metadata: ["k": "v"])
        try writer.add("a", shape: [2, 3], floats: [1, 2, 3, 4, 5, 6])
        try writer.add("b", shape: [3], int64s: [7, 8, 9])
        try writer.add("c", shape: [], int32s: [10])
        let valid = writer.serialized()
        var random = SafeTensorsTestRandom(seed: 42)
        var accepted = 0
        for _ in 0..<1500 {
            var bytes = [UInt8](valid)
            for _ in 0...random.int(in: 0..<3) {
                let index = random.int(in: 0..<bytes.count)
                bytes[index] = random.int(in: 0..<4) == 0 ? UInt8(truncatingIfNeeded: random.next()) : bytes[index] ^ 1
            }
            if random.int(in: 0..<8) == 0 { bytes.removeLast(random.int(in: 0..<bytes.count)) }
            do {
                let file = try SafeTensorsFile(data: Data(bytes))
                accepted += 1
                for entry in file.entries {
                    #expect(try file.floats(entry.name).count == entry.elementCount)
                    #expect(entry.byteRange.upperBound <= file.dataByteCount)
                }
            } catch is SafeTensorsError {
                continue
            }
        }
        #expect(accepted > 0, "some flips (inside values or padding) keep the file valid")
    }
}
