import Foundation
import LeptonTensor
import Testing

/// Writing with `SafeTensorsWriter` and reading back with `SafeTensorsFile`, plus the writer's own checks.
@Suite struct SafeTensorsRoundTripTests {
    typealias Support = SafeTensorsTestSupport

    static func sampleWriter() throws -> SafeTensorsWriter {
        var writer = SafeTensorsWriter(metadata: ["format": "lepton", "epoch": "3", "quote\"\n": "é ✓ \u{1}"])
        try writer.add("dense.weight", shape: [2, 3], floats: [1.5, -2, 0, -0.0, .infinity, .leastNonzeroMagnitude])
        try writer.add("dense.bias", shape: [3], floats: [0.25, 0.5, 0.75])
        try writer.add("steps", shape: [], int64s: [Int64.min])
        try writer.add("labels", shape: [2, 2], int32s: [Int32.min, -1, 0, Int32.max])
        try writer.add("counts", shape: [4], int64s: [Int64.max, 1 << 53 + 1, -7, 0])
        try writer.add("empty", shape: [0, 4], floats: [])
        try writer.add("odd \"name\"\\ é\t", shape: [1], int32s: [5])
        return writer
    }

    static func expectSampleContents(_ file: SafeTensorsFile) throws {
        #expect(file.metadata == ["format": "lepton", "epoch": "3", "quote\"\n": "é ✓ \u{1}"])
        let weight = try file.floats("dense.weight")
        #expect(
            weight.map(\.bitPattern)
                == ([1.5, -2, 0, -0.0, .infinity, .leastNonzeroMagnitude] as [Float]).map(\.bitPattern))
        #expect(try file.entry("dense.weight") == file.entries.first { $0.name == "dense.weight" })
        #expect(try file.entry("dense.weight").shape == [2, 3])
        #expect(try file.entry("dense.weight").dtype == .f32)
        #expect(try file.floats("dense.bias") == [0.25, 0.5, 0.75])
        #expect(try file.int64s("steps") == [Int64.min])
        #expect(try file.entry("steps").shape == [])
        #expect(try file.int32s("labels") == [Int32.min, -1, 0, Int32.max])
        #expect(try file.int64s("labels") == [Int64(Int32.min), -1, 0, Int64(Int32.max)])
        #expect(try file.entry("labels").dtype == .i32)
        #expect(try file.int64s("counts") == [Int64.max, 1 << 53 + 1, -7, 0])
        #expect(try file.floats("empty") == [])
        #expect(try file.entry("empty").shape == [0, 4])
        #expect(try file.int32s("odd \"name\"\\ é\t") == [5])
    }

    @Test func roundTripInMemory() throws {
        try Self.expectSampleContents(try SafeTensorsFile(data: try Self.sampleWriter().serialized()))
    }

    @Test func roundTripThroughAFileMappedOrRead() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        let writer = try Self.sampleWriter()
        try writer.write(to: url)
        #expect(try Data(contentsOf: url) == writer.serialized())
        for memoryMapped in [true, false] {
            let file = try SafeTensorsFile(contentsOf: url, memoryMapped: memoryMapped)
            #expect(file.url == url)
            try Self.expectSampleContents(file)
        }
    }

    /// The layout the reference implementation writes: header padded with spaces to a multiple of 8, tensors
    /// ordered by dtype (I64, then F32, then I32) and name, each starting at a multiple of its element size.
    @Test func layoutMatchesTheReferenceWriter() throws {
        let data = try Self.sampleWriter().serialized()
        let headerLength = Support.declaredHeaderLength(of: data)
        #expect(headerLength % 8 == 0)
        let header = String(decoding: data[8..<(8 + headerLength)], as: UTF8.self)
        let json = header.trimmingCharacters(in: CharacterSet(charactersIn: " "))
        #expect(
            header.hasPrefix(json)
                && json.hasPrefix(#"{"__metadata__":{"epoch":"3","format":"lepton","quote\"\n":"é ✓ \u0001"},"#))
        #expect(headerLength - json.utf8.count < 8)
        let file = try SafeTensorsFile(data: data)
        #expect(
            file.names == ["counts", "steps", "dense.bias", "dense.weight", "empty", "labels", "odd \"name\"\\ é\t"])
        for entry in file.entries {
            #expect((8 + headerLength + entry.byteRange.lowerBound) % entry.dtype.byteSize == 0, "\(entry.name)")
        }
    }

    @Test func rawBytesAreLittleEndian() throws {
        var writer = SafeTensorsWriter()
        try writer.add("f", shape: [2], floats: [1, -2.5])
        try writer.add("i", shape: [1], int32s: [0x0102_0304])
        let file = try SafeTensorsFile(data: writer.serialized())
        #expect(try file.withRawBytes("f") { Array($0) } == Support.littleEndianBytes([1, -2.5]))
        #expect(try file.withRawBytes("i") { Array($0) } == [4, 3, 2, 1])
    }

    @Test func writerRejectsBadTensors() throws {
        var writer = SafeTensorsWriter()
        try writer.add("a", shape: [2], floats: [1, 2])
        #expect(throws: SafeTensorsError(.duplicateTensorName("a"))) { try writer.add("a", shape: [1], int64s: [1]) }
        #expect(throws: SafeTensorsError(.elementCountMismatch(tensor: "b", shape: [2, 3], expected: 6, found: 5))) {
            try writer.add("b", shape: [2, 3], floats: [1, 2, 3, 4, 5])
        }
        #expect(throws: SafeTensorsError(.invalidShapeDimension(tensor: "c", index: 1, found: "-2"))) {
            try writer.add("c", shape: [1, -2], int32s: [])
        }
        #expect(throws: SafeTensorsError(.shapeOverflow(tensor: "d", shape: [Int.max, 2]))) {
            try writer.add("d", shape: [Int.max, 2], int32s: [])
        }
        #expect(throws: SafeTensorsError(.reservedTensorName("__metadata__"))) {
            try writer.add("__metadata__", shape: [], floats: [1])
        }
        #expect(
            throws: SafeTensorsError(.byteLengthMismatch(tensor: "e", dtype: .f16, shape: [3], expected: 6, found: 4))
        ) {
            try writer.add("e", dtype: .f16, shape: [3], littleEndianBytes: Data([0, 0x3C, 0, 0x40]))
        }
        #expect(writer.count == 1)
        #expect(try SafeTensorsFile(data: writer.serialized()).names == ["a"])
    }

    @Test func atomicWriteReplacesAndLeavesNoTemporaryFiles() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("weights.safetensors")
        try Data("old contents".utf8).write(to: url)
        var writer = SafeTensorsWriter()
        try writer.add("w", shape: [3], floats: [1, 2, 3])
        try writer.write(to: url)
        #expect(try SafeTensorsFile(contentsOf: url).floats("w") == [1, 2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["weights.safetensors"])

        let missingDirectory = directory.appendingPathComponent("no/such/dir/weights.safetensors")
        let error = try #require(throws: SafeTensorsError.self) { try writer.write(to: missingDirectory) }
        #expect(error.file == missingDirectory)
        guard case .writeFailed(let step, _) = error.kind else {
            Issue.record("expected writeFailed, got \(error.kind)")
            return
        }
        #expect(step.hasPrefix("create"))

        // Renaming a file over a non-empty directory fails after the temporary file was written.
        let occupied = directory.appendingPathComponent("occupied")
        try FileManager.default.createDirectory(
            at: occupied.appendingPathComponent("child"), withIntermediateDirectories: true)
        let renameError = try #require(throws: SafeTensorsError.self) { try writer.write(to: occupied) }
        guard case .writeFailed(let renameStep, _) = renameError.kind else {
            Issue.record("expected writeFailed, got \(renameError.kind)")
            return
        }
        #expect(renameStep.hasPrefix("rename"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [
                "occupied", "weights.safetensors",
            ])
    }

    /// 2^20 floats: the F32 read is one copy, and a mapped file is read without loading it whole.
    @Test func largeTensorRoundTrip() throws {
        let count = 1 << 20
        let values = (0..<count).map { Float($0) * 0.5 - 1000 }
        var writer = SafeTensorsWriter()
        try writer.add("big", shape: [1024, 1024], floats: values)
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("big.safetensors")
        try writer.write(to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        #expect(try file.floats("big") == values)
        #if os(Linux)
            let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
            #expect(maps.contains(url.path), "the file should be memory-mapped")
        #endif
    }
}
