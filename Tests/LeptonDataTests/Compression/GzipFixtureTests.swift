import Foundation
import LeptonDeploy  // SHA256Hasher, to check payloads against digests recorded by Python
import Testing

@testable import LeptonData

/// The part of `Resources/gzip/manifest.json` (written by `make_fixtures.py`) that the tests read.
private struct GzipManifest: Decodable {
    struct Payload: Decodable {
        let size: Int
        let sha256: String
        let text: String?
    }
    struct ValidFile: Decodable {
        let file: String
        let payload: String
    }
    struct CorruptFile: Decodable {
        let file: String
        let error: String
        let details: [String: Int]
    }
    let payloads: [String: Payload]
    let valid: [ValidFile]
    let rawDeflate: [ValidFile]
    let corrupt: [CorruptFile]

    static func load() throws -> GzipManifest {
        try JSONDecoder().decode(GzipManifest.self, from: TestResources.data("gzip/manifest.json"))
    }
}

@Suite("gzip and DEFLATE against files written by Python's gzip/zlib")
struct GzipFixtureTests {
    @Test("every valid file decompresses to its payload (levels 0/1/6/9, FNAME, all flags, multi-member, empty, 1 MB)")
    func validFiles() throws {
        let manifest = try GzipManifest.load()
        #expect(manifest.valid.count >= 15)
        for entry in manifest.valid {
            let compressed = try TestResources.data("gzip/" + entry.file)
            #expect(Gzip.isGzip(compressed), "\(entry.file)")
            let payload = try #require(manifest.payloads[entry.payload])
            let output = try Gzip.decompress(compressed)
            #expect(output.count == payload.size, "\(entry.file)")
            #expect(SHA256Hasher.hex(SHA256Hasher.hash(output)) == payload.sha256, "\(entry.file)")
            if let text = payload.text { #expect(String(decoding: output, as: UTF8.self) == text, "\(entry.file)") }
        }
    }

    @Test("raw DEFLATE stream inflates to its payload")
    func rawDeflate() throws {
        let manifest = try GzipManifest.load()
        for entry in manifest.rawDeflate {
            let compressed = try TestResources.data("gzip/" + entry.file)
            #expect(!Gzip.isGzip(compressed))
            let payload = try #require(manifest.payloads[entry.payload])
            let output = try Deflate.inflate(compressed)
            #expect(SHA256Hasher.hex(SHA256Hasher.hash(output)) == payload.sha256)
        }
    }

    @Test("every corrupt file reports its error")
    func corruptFiles() throws {
        let manifest = try GzipManifest.load()
        #expect(manifest.corrupt.count >= 17)
        for entry in manifest.corrupt {
            let compressed = try TestResources.data("gzip/" + entry.file)
            do {
                let output = try Gzip.decompress(compressed)
                Issue.record("\(entry.file): expected \(entry.error), decompressed \(output.count) bytes")
            } catch let error as CompressionError {
                #expect(Self.matches(error, entry.error, entry.details), "\(entry.file): got \(error)")
            }
        }
    }

    /// Whether `error` is the case named `name` with the values in `details`.
    private static func matches(_ error: CompressionError, _ name: String, _ details: [String: Int]) -> Bool {
        switch error {
        case .badMagic(let offset, _): return name == "badMagic" && offset == details["offset"]
        case .unsupportedMethod(_, let method): return name == "unsupportedMethod" && Int(method) == details["method"]
        case .reservedFlagsSet(_, let flags): return name == "reservedFlagsSet" && Int(flags) == details["flags"]
        case .truncatedInput: return name == "truncatedInput"
        case .invalidBlockType: return name == "invalidBlockType"
        case .invalidStoredBlockLength(_, let length, let complement):
            return name == "invalidStoredBlockLength" && Int(length) == details["length"]
                && Int(complement) == details["complement"]
        case .invalidHuffmanCodeLengths: return name == "invalidHuffmanCodeLengths"
        case .invalidHuffmanCode: return name == "invalidHuffmanCode"
        case .distanceTooFarBack(_, let distance, let available):
            return name == "distanceTooFarBack" && distance == details["distance"] && available == details["available"]
        case .crcMismatch(let expected, let found):
            return name == "crcMismatch" && Int(expected) == details["expected"] && Int(found) == details["found"]
        case .headerCRCMismatch(let expected, let found):
            return name == "headerCRCMismatch" && Int(expected) == details["expected"] && Int(found) == details["found"]
        case .lengthMismatch(let expected, let found):
            return name == "lengthMismatch" && Int(expected) == details["expected"] && Int(found) == details["found"]
        }
    }
}
