/// Why a gzip member or a raw DEFLATE stream could not be decoded.
///
/// Offsets are byte positions in the input that was handed to ``Gzip/decompress(_:)`` or
/// ``Deflate/inflate(_:)``, so a broken file can be inspected with a hex viewer.
public enum CompressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The two magic bytes of a gzip member were not `1f 8b`.
    case badMagic(offset: Int, found: [UInt8])
    /// The gzip compression method byte was not 8 (DEFLATE), the only method RFC 1952 defines.
    case unsupportedMethod(offset: Int, method: UInt8)
    /// A gzip header set flag bits 5-7, which RFC 1952 reserves (a newer or broken writer).
    case reservedFlagsSet(offset: Int, flags: UInt8)
    /// The input ended early; `context` names the part that was being read.
    case truncatedInput(context: String)
    /// A DEFLATE block header had block type 3, which RFC 1951 reserves.
    case invalidBlockType(offset: Int)
    /// A stored block's length and its one's complement did not match.
    case invalidStoredBlockLength(offset: Int, length: UInt16, complement: UInt16)
    /// The code lengths of a dynamic Huffman block do not form a valid prefix code; `reason` says why.
    case invalidHuffmanCodeLengths(offset: Int, reason: String)
    /// The compressed bits decoded to a symbol that has no meaning (an unused code, length symbol 286/287,
    /// distance symbol 30/31).
    case invalidHuffmanCode(offset: Int)
    /// A back-reference pointed before the start of the decompressed output.
    case distanceTooFarBack(offset: Int, distance: Int, available: Int)
    /// The CRC-32 stored in a gzip trailer differs from the CRC-32 of the decompressed member.
    case crcMismatch(expected: UInt32, found: UInt32)
    /// The 16-bit header CRC (FHCRC) differs from the CRC of the header bytes.
    case headerCRCMismatch(expected: UInt16, found: UInt16)
    /// The ISIZE field of a gzip trailer (size modulo 2^32) differs from the decompressed member's size.
    case lengthMismatch(expected: UInt32, found: UInt32)

    /// A one-line explanation naming what was expected and what was found.
    public var description: String {
        switch self {
        case .badMagic(let offset, let found):
            let hex = found.map { String($0, radix: 16) }.joined(separator: " ")
            return "not a gzip member at byte \(offset): expected magic 1f 8b, found \(hex.isEmpty ? "nothing" : hex)"
        case .unsupportedMethod(let offset, let method):
            return "gzip member at byte \(offset) uses compression method \(method); only 8 (deflate) is supported"
        case .reservedFlagsSet(let offset, let flags):
            return "gzip member at byte \(offset) sets reserved flag bits (flags 0x\(String(flags, radix: 16)))"
        case .truncatedInput(let context):
            return "compressed input ends early (while reading \(context))"
        case .invalidBlockType(let offset):
            return "invalid deflate block type 3 (reserved) near byte \(offset)"
        case .invalidStoredBlockLength(let offset, let length, let complement):
            return "stored block at byte \(offset): length \(length) does not match its complement \(complement)"
        case .invalidHuffmanCodeLengths(let offset, let reason):
            return "invalid Huffman code lengths near byte \(offset): \(reason)"
        case .invalidHuffmanCode(let offset):
            return "invalid Huffman code near byte \(offset)"
        case .distanceTooFarBack(let offset, let distance, let available):
            return "back-reference near byte \(offset) reaches \(distance) bytes back but only \(available) exist"
        case .crcMismatch(let expected, let found):
            return
                "CRC-32 mismatch: trailer says 0x\(String(expected, radix: 16)), data has 0x\(String(found, radix: 16))"
        case .headerCRCMismatch(let expected, let found):
            return
                "gzip header CRC mismatch: header says 0x\(String(expected, radix: 16)), found 0x\(String(found, radix: 16))"
        case .lengthMismatch(let expected, let found):
            return "gzip length mismatch: trailer says \(expected) bytes (mod 2^32), decompressed \(found)"
        }
    }
}
