import LeptonSupport
import Testing

@Suite("CRC-32 and CRC-32C")
struct CRC32Tests {
    /// The published check values of the CRC catalogue: the checksum of the ASCII digits "123456789".
    @Test("check values of the CRC catalogue", arguments: [(false, UInt32(0xCBF4_3926)), (true, 0xE306_9283)])
    func checkValues(castagnoli: Bool, expected: UInt32) {
        let digits = Array("123456789".utf8)
        let value = digits.withUnsafeBytes { CRC32.checksum($0, polynomial: castagnoli ? .castagnoli : .ieee) }
        #expect(value == expected)
    }

    @Test("feeding in pieces gives the checksum of the whole, across the 8-byte fast path")
    func incremental() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = bytes.withUnsafeBytes { CRC32.checksum($0, polynomial: .castagnoli) }
        var pieces = CRC32(.castagnoli)
        var start = 0
        for length in [1, 3, 8, 13, 64, 200, 711] {
            bytes[start..<(start + length)].withUnsafeBytes { pieces.update($0) }
            start += length
        }
        #expect(start == bytes.count)
        #expect(pieces.value == whole)
        // A bit-at-a-time reference, written from the definition, on the same bytes.
        var register: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            register ^= UInt32(byte)
            for _ in 0..<8 { register = register & 1 != 0 ? (register >> 1) ^ 0x82F6_3B78 : register >> 1 }
        }
        #expect(~register == whole)
    }
}
