import Foundation
import LeptonSupport

/// gzip (RFC 1952) decompression, including concatenated members and every optional header field.
public enum Gzip {
    /// Header flag bits of RFC 1952 §2.3.1.
    private enum Flag {
        static let text: UInt8 = 0x01
        static let headerCRC: UInt8 = 0x02
        static let extra: UInt8 = 0x04
        static let name: UInt8 = 0x08
        static let comment: UInt8 = 0x10
        static let reserved: UInt8 = 0xE0
    }

    /// Whether `data` starts with the gzip magic bytes `1f 8b`.
    /// - Parameter data: the bytes to look at (only the first two are read).
    public static func isGzip(_ data: Data) -> Bool {
        data.starts(with: [0x1F, 0x8B])
    }

    /// Decompresses every member of a gzip file and returns their concatenated contents.
    ///
    /// Each member's CRC-32 and ISIZE are verified, as is the header CRC when FHCRC is set. Zero bytes
    /// between or after members (padding some tape and block devices add) are skipped, as gzip does.
    /// - Parameter data: the whole gzip file.
    /// - Returns: the decompressed bytes.
    /// - Throws: ``CompressionError`` for a bad header, a malformed or truncated stream, or a checksum mismatch.
    public static func decompress(_ data: Data) throws -> Data {
        try data.withUnsafeBytes { input in
            let output = OutputBuffer(initialCapacity: initialCapacity(for: input))
            var offset = 0
            repeat {
                let streamStart = try skipHeader(input, at: offset)
                let memberStart = output.count
                var inflater = Inflater(input: input, start: streamStart, output: output)
                let trailer = try inflater.inflateStream()
                guard trailer + 8 <= input.count else { throw CompressionError.truncatedInput(context: "gzip trailer") }
                let expectedCRC = UInt32(littleEndian: input.loadUnaligned(fromByteOffset: trailer, as: UInt32.self))
                let expectedSize = UInt32(
                    littleEndian: input.loadUnaligned(fromByteOffset: trailer + 4, as: UInt32.self))
                let foundCRC = output.crc32(from: memberStart)
                guard foundCRC == expectedCRC else {
                    throw CompressionError.crcMismatch(expected: expectedCRC, found: foundCRC)
                }
                let foundSize = UInt32(truncatingIfNeeded: output.count - memberStart)
                guard foundSize == expectedSize else {
                    throw CompressionError.lengthMismatch(expected: expectedSize, found: foundSize)
                }
                offset = trailer + 8
                while offset < input.count && input[offset] == 0 { offset += 1 }
            } while offset < input.count
            return output.takeData()
        }
    }

    /// A first guess at the output size: the last member's ISIZE, bounded by DEFLATE's maximum ratio.
    private static func initialCapacity(for input: UnsafeRawBufferPointer) -> Int {
        guard input.count >= 18 else { return 64 }
        let lastSize = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: input.count - 4, as: UInt32.self)))
        return min(lastSize, input.count * 1032, 1 << 31)
    }

    /// Validates the member header at `offset` and returns the offset of its DEFLATE stream.
    private static func skipHeader(_ input: UnsafeRawBufferPointer, at offset: Int) throws -> Int {
        func require(_ count: Int, at position: Int, _ context: String) throws {
            if position + count > input.count { throw CompressionError.truncatedInput(context: context) }
        }
        guard input.count - offset >= 2, input[offset] == 0x1F, input[offset + 1] == 0x8B else {
            if input.count - offset < 2 && (offset == input.count || input[offset] == 0x1F) {
                throw CompressionError.truncatedInput(context: "gzip header")
            }
            throw CompressionError.badMagic(offset: offset, found: Array(input[offset..<min(offset + 2, input.count)]))
        }
        try require(10, at: offset, "gzip header")
        guard input[offset + 2] == 8 else {
            throw CompressionError.unsupportedMethod(offset: offset, method: input[offset + 2])
        }
        let flags = input[offset + 3]
        guard flags & Flag.reserved == 0 else { throw CompressionError.reservedFlagsSet(offset: offset, flags: flags) }
        var position = offset + 10
        if flags & Flag.extra != 0 {
            try require(2, at: position, "gzip FEXTRA length")
            let extraLength = Int(input[position]) | Int(input[position + 1]) << 8
            try require(2 + extraLength, at: position, "gzip FEXTRA field")
            position += 2 + extraLength
        }
        for flag in [Flag.name, Flag.comment] where flags & flag != 0 {
            let context = flag == Flag.name ? "gzip FNAME field" : "gzip FCOMMENT field"
            while true {
                try require(1, at: position, context)
                position += 1
                if input[position - 1] == 0 { break }
            }
        }
        if flags & Flag.headerCRC != 0 {
            try require(2, at: position, "gzip FHCRC field")
            let expected = UInt16(input[position]) | UInt16(input[position + 1]) << 8
            let headerBytes = UnsafeRawBufferPointer(rebasing: input[offset..<position])
            let found = UInt16(truncatingIfNeeded: CRC32.checksum(headerBytes))
            guard expected == found else { throw CompressionError.headerCRCMismatch(expected: expected, found: found) }
            position += 2
        }
        return position
    }
}
