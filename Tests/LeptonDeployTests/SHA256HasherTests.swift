import Foundation
import Testing

@testable import LeptonDeploy

private struct SHA256Expectations: Decodable {
    struct Message: Decodable {
        let hex: String
        let sha256: String
    }
    struct LongMessage: Decodable {
        let seed: UInt64
        let byteCount: Int
        let sha256: String
        let first8hex: String
    }
    let messages: [Message]
    let splitmix64: LongMessage
}

/// Bytes from hex text.
private func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count, by: 2).map {
        UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
    }
}

/// The SplitMix64 byte stream of `make_sha256_expectations.py`.
private func splitMix64Bytes(seed: UInt64, count: Int) -> [UInt8] {
    var state = seed
    var out: [UInt8] = []
    out.reserveCapacity(count + 8)
    while out.count < count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: z >> UInt64(shift))) }
    }
    return Array(out.prefix(count))
}

private func digestHex(_ bytes: [UInt8]) -> String {
    var hasher = SHA256Hasher()
    hasher.update(bytes)
    return hasher.finalizeHex()
}

@Suite struct SHA256HasherTests {
    /// FIPS 180-4 examples (NIST CSRC "Examples with Intermediate Values": SHA256.pdf, SHA2 additional vectors).
    @Test func nistTestVectors() {
        #expect(digestHex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            digestHex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(digestHex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var million = SHA256Hasher()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { million.update(chunk) }
        #expect(million.finalizeHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func matchesPythonHashlibOnRandomMessagesOfEveryPaddingCase() throws {
        let data = try Data(contentsOf: resourceURL("sha256_expectations.json"))
        let expectations = try JSONDecoder().decode(SHA256Expectations.self, from: data)
        #expect(expectations.messages.count > 20)
        for message in expectations.messages {
            let input = bytes(hex: message.hex)
            #expect(digestHex(input) == message.sha256, "length \(input.count)")
            #expect(SHA256Hasher.hex(SHA256Hasher.hash(Data(input))) == message.sha256)
        }
    }

    @Test func streamingInUnevenPiecesGivesTheOneShotDigest() throws {
        let data = try Data(contentsOf: resourceURL("sha256_expectations.json"))
        let long = try JSONDecoder().decode(SHA256Expectations.self, from: data).splitmix64
        let message = splitMix64Bytes(seed: long.seed, count: long.byteCount)
        #expect(SHA256Hasher.hex(Array(message.prefix(8))) == long.first8hex)
        var hasher = SHA256Hasher()
        var generator = TestRandom(seed: 7)
        var offset = 0
        var pieceCount = 0
        while offset < message.count {
            let size = min(message.count - offset, Int(generator.next() % 300))
            message[offset..<offset + size].withUnsafeBytes { hasher.update($0) }
            offset += size
            pieceCount += 1
            if pieceCount == 10 {
                // finalize() must not disturb the running state.
                _ = hasher.finalize()
            }
        }
        #expect(hasher.finalizeHex() == long.sha256)
    }
}
