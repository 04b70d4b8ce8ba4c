/// Why an IDX file could not be read. Every case names the file it is about.
public enum IDXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadableFile(file: String, reason: String)
    /// The file is gzip-compressed but does not decompress.
    case decompressionFailed(file: String, CompressionError)
    /// The file is shorter than its header (4 bytes of magic plus 4 bytes per dimension).
    case truncatedHeader(file: String, expectedBytes: Int, actualBytes: Int)
    /// The first two bytes of the magic number are not zero.
    case badMagic(file: String, found: [UInt8])
    /// The third magic byte is not one of the type codes of ``IDXDataType``.
    case unknownTypeCode(file: String, code: UInt8)
    /// The product of the dimensions (times the element size) does not fit in an `Int`.
    case dimensionOverflow(file: String, dimensions: [Int])
    /// The data after the header is not exactly as long as the dimensions say.
    case sizeMismatch(file: String, shape: [Int], expectedBytes: Int, actualBytes: Int)
    /// An accessor was called for an element type the file does not hold.
    case wrongDataType(file: String, expected: String, found: IDXDataType)

    /// A one-line explanation naming the file, what was expected and what was found.
    public var description: String {
        switch self {
        case .unreadableFile(let file, let reason):
            return "\(file): cannot read IDX file: \(reason)"
        case .decompressionFailed(let file, let error):
            return "\(file): gzip decompression failed: \(error)"
        case .truncatedHeader(let file, let expected, let actual):
            return "\(file): IDX header needs \(expected) bytes, file has \(actual)"
        case .badMagic(let file, let found):
            let hex = found.map { String($0, radix: 16) }.joined(separator: " ")
            return "\(file): not an IDX file: magic must start with 00 00, found \(hex)"
        case .unknownTypeCode(let file, let code):
            return "\(file): unknown IDX type code 0x\(String(code, radix: 16)) (known: 08 09 0B 0C 0D 0E)"
        case .dimensionOverflow(let file, let dimensions):
            return "\(file): IDX dimensions \(dimensions) overflow when multiplied"
        case .sizeMismatch(let file, let shape, let expected, let actual):
            return "\(file): IDX shape \(shape) needs \(expected) data bytes, file has \(actual)"
        case .wrongDataType(let file, let expected, let found):
            return "\(file): expected \(expected) elements, file holds \(found)"
        }
    }
}
