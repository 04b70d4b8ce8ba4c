import Foundation
import LeptonTensor
import Testing

/// Helpers shared by the safetensors test suites.
enum SafeTensorsTestSupport {
    /// `Tests/LeptonTensorTests/Resources/safetensors`.
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/safetensors")

    /// A safetensors file built by hand: the 8-byte length prefix (the header's length unless
    /// `declaredHeaderLength` overrides it), the header bytes, then `data`.
    static func file(header: String, data: [UInt8] = [], declaredHeaderLength: UInt64? = nil) -> Data {
        file(headerBytes: Array(header.utf8), data: data, declaredHeaderLength: declaredHeaderLength)
    }

    /// As ``file(header:data:declaredHeaderLength:)`` with raw header bytes.
    static func file(headerBytes: [UInt8], data: [UInt8] = [], declaredHeaderLength: UInt64? = nil) -> Data {
        var bytes = Data()
        let length = declaredHeaderLength ?? UInt64(headerBytes.count)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift))) }
        bytes.append(contentsOf: headerBytes)
        bytes.append(contentsOf: data)
        return bytes
    }

    /// The error kind thrown when reading `data`, or `nil` (with a recorded issue) if reading succeeds or
    /// throws something else.
    static func readError(
        _ data: Data, sourceLocation: SourceLocation = #_sourceLocation
    ) -> SafeTensorsError.Kind? {
        do {
            let file = try SafeTensorsFile(data: data)
            Issue.record("expected an error, read \(file.names)", sourceLocation: sourceLocation)
        } catch let error as SafeTensorsError {
            #expect(error.file == nil, sourceLocation: sourceLocation)
            return error.kind
        } catch {
            Issue.record("expected a SafeTensorsError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// A fresh, empty directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lepton-safetensors-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Little-endian bytes of 32-bit floats, written without the code under test.
    static func littleEndianBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> UInt32(8 * $0)) } }
    }

    /// The 64-bit length prefix of a safetensors file, decoded by hand.
    static func declaredHeaderLength(of data: Data) -> Int {
        (0..<8).reduce(0) { $0 | Int(data[data.startIndex + $1]) << (8 * $1) }
    }

    /// Whether `python3` can import `safetensors` and `numpy` on this machine; always true when CI sets
    /// `LEPTON_REQUIRE_PYTHON_PEERS=1`, so a missing package fails the interoperability test instead of skipping it.
    static let pythonSafetensorsAvailable: Bool = {
        ProcessInfo.processInfo.environment["LEPTON_REQUIRE_PYTHON_PEERS"] == "1"
            || (try? runPython(["-c", "import safetensors, numpy"]).status) == 0
    }()

    /// Runs `python3` with `arguments` and returns its exit status and combined output.
    static func runPython(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// A seeded xorshift generator, so every randomized safetensors test reproduces.
struct SafeTensorsTestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// An integer uniform in `range` (which must not be empty).
    mutating func int(in range: Range<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}
