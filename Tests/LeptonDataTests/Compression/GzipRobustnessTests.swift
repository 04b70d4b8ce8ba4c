import Foundation
import Testing

@testable import LeptonData

@Suite("gzip decoding never crashes on damaged input")
struct GzipRobustnessTests {
    @Test(
        "every strict prefix of a file throws instead of returning data",
        arguments: ["all_flags.gz", "multi_member.gz"])
    func everyPrefixThrows(file: String) throws {
        let compressed = try TestResources.data("gzip/" + file)
        for length in 0..<compressed.count {
            let prefix = compressed.prefix(length)
            // A prefix that ends exactly after a complete member is a valid (shorter) gzip file.
            if let output = try? Gzip.decompress(prefix) {
                let firstMember = try Gzip.decompress(try TestResources.data("gzip/multi_member.gz"))
                #expect(file == "multi_member.gz" && firstMember.starts(with: output), "prefix \(length) of \(file)")
            }
        }
    }

    @Test("a flipped byte either throws CompressionError or leaves the output intact")
    func flippedBytes() throws {
        let compressed = try TestResources.data("gzip/multi_member_padded.gz")
        let expected = try Gzip.decompress(compressed)
        var generator = SplitMix64(seed: 7)
        var detected = 0
        for _ in 0..<400 {
            var damaged = compressed
            let index = Int(generator.next() % UInt64(compressed.count))
            damaged[index] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            do {
                let output = try Gzip.decompress(damaged)
                #expect(output == expected, "byte \(index) flipped, no error, wrong output")
            } catch is CompressionError {
                detected += 1
            }
        }
        #expect(detected > 200)
    }

    @Test("Gzip.isGzip looks only at the magic bytes")
    func magicDetection() {
        #expect(Gzip.isGzip(Data([0x1F, 0x8B])))
        #expect(!Gzip.isGzip(Data([0x1F])))
        #expect(!Gzip.isGzip(Data()))
        #expect(!Gzip.isGzip(Data("x,y\n".utf8)))
        #expect(throws: CompressionError.truncatedInput(context: "gzip header")) { try Gzip.decompress(Data()) }
    }
}

/// A tiny deterministic generator for test inputs (SplitMix64, Steele et al. 2014).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
