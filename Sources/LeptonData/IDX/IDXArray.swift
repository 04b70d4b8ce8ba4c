import Foundation

/// An n-dimensional array read from an IDX file (the format of the MNIST files).
///
/// Layout: two zero bytes, a type code (``IDXDataType``), the number of dimensions, one big-endian `UInt32`
/// per dimension, then the elements in row-major order, big-endian. The file may be gzip-compressed.
public struct IDXArray: Sendable, Equatable {
    /// The dimensions, outermost first (MNIST images: `[count, 28, 28]`).
    public let shape: [Int]
    /// The element type stored in the file.
    public let dataType: IDXDataType
    /// The file the array was read from (or the name given to ``init(parsing:source:)``), for messages.
    public let source: String
    /// The whole decompressed file; elements start at `payloadOffset`.
    private let storage: Data
    private let payloadOffset: Int

    /// Number of elements (the product of ``shape``; 1 for zero dimensions).
    public var count: Int { (storage.count - payloadOffset) / dataType.byteWidth }

    /// Reads an IDX file, gunzipping it first if it starts with the gzip magic (whatever its extension).
    /// - Parameter url: the file.
    /// - Throws: ``IDXError`` naming the file when it cannot be read, decompressed or parsed.
    public static func read(contentsOf url: URL) throws -> IDXArray {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw IDXError.unreadableFile(file: url.path, reason: error.localizedDescription)
        }
        return try IDXArray(parsing: data, source: url.path)
    }

    /// Parses the bytes of an IDX file (gzip-compressed or not).
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - source: the name used in error messages.
    /// - Throws: ``IDXError``.
    public init(parsing data: Data, source: String = "<memory>") throws {
        var bytes = data
        if Gzip.isGzip(data) {
            do {
                bytes = try Gzip.decompress(data)
            } catch let error as CompressionError {
                throw IDXError.decompressionFailed(file: source, error)
            }
        }
        // Integer subscripts below assume indices start at 0 (a slice of a larger Data does not).
        if bytes.startIndex != 0 { bytes = Data(bytes) }
        guard bytes.count >= 4 else {
            throw IDXError.truncatedHeader(file: source, expectedBytes: 4, actualBytes: bytes.count)
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw IDXError.badMagic(file: source, found: Array(bytes[0..<4]))
        }
        guard let type = IDXDataType(rawValue: bytes[2]) else {
            throw IDXError.unknownTypeCode(file: source, code: bytes[2])
        }
        let dimensionCount = Int(bytes[3])
        let headerSize = 4 + 4 * dimensionCount
        guard bytes.count >= headerSize else {
            throw IDXError.truncatedHeader(file: source, expectedBytes: headerSize, actualBytes: bytes.count)
        }
        let dimensions = (0..<dimensionCount).map { index in
            (0..<4).reduce(0) { value, byte in value << 8 | Int(bytes[4 + 4 * index + byte]) }
        }
        var expectedBytes = type.byteWidth
        for dimension in dimensions {
            let (product, overflow) = expectedBytes.multipliedReportingOverflow(by: dimension)
            if overflow { throw IDXError.dimensionOverflow(file: source, dimensions: dimensions) }
            expectedBytes = product
        }
        guard bytes.count - headerSize == expectedBytes else {
            throw IDXError.sizeMismatch(
                file: source, shape: dimensions, expectedBytes: expectedBytes, actualBytes: bytes.count - headerSize)
        }
        shape = dimensions
        dataType = type
        self.source = source
        storage = bytes
        payloadOffset = headerSize
    }

    /// The elements of a `uint8` file, in row-major order.
    /// - Throws: ``IDXError/wrongDataType(file:expected:found:)`` for any other element type.
    public func bytes() throws -> [UInt8] {
        guard dataType == .uint8 else { throw IDXError.wrongDataType(file: source, expected: "uint8", found: dataType) }
        return [UInt8](storage[payloadOffset...])
    }

    /// The elements of an integer file (`uint8`, `int8`, `int16`, `int32`) as `Int32`, in row-major order.
    /// - Throws: ``IDXError/wrongDataType(file:expected:found:)`` for `float32` and `float64` files.
    public func int32s() throws -> [Int32] {
        guard dataType.isInteger else {
            throw IDXError.wrongDataType(file: source, expected: "integer", found: dataType)
        }
        switch dataType {
        case .uint8: return convert { raw, index in Int32(raw.load(fromByteOffset: index, as: UInt8.self)) }
        case .int8: return convert { raw, index in Int32(raw.load(fromByteOffset: index, as: Int8.self)) }
        case .int16:
            return convert { raw, index in
                Int32(Int16(bigEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: Int16.self)))
            }
        default:
            return convert { raw, index in
                Int32(bigEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: Int32.self))
            }
        }
    }

    /// Every element converted to `Float`, in row-major order (`int32` and `float64` values round to nearest).
    public func floats() -> [Float] {
        switch dataType {
        case .uint8: return convert { raw, index in Float(raw.load(fromByteOffset: index, as: UInt8.self)) }
        case .int8: return convert { raw, index in Float(raw.load(fromByteOffset: index, as: Int8.self)) }
        case .int16:
            return convert { raw, index in
                Float(Int16(bigEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: Int16.self)))
            }
        case .int32:
            return convert { raw, index in
                Float(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)))
            }
        case .float32:
            return convert { raw, index in
                Float(bitPattern: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        case .float64:
            return convert { raw, index in
                Float(
                    Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
                )
            }
        }
    }

    /// Builds an array of `count` elements with `element(payload, index)`.
    private func convert<Element>(_ element: (UnsafeRawBufferPointer, Int) -> Element) -> [Element] {
        storage.withUnsafeBytes { whole in
            let payload = UnsafeRawBufferPointer(rebasing: whole[payloadOffset...])
            let elementCount = count
            return [Element](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
                for index in 0..<elementCount { (buffer.baseAddress! + index).initialize(to: element(payload, index)) }
                initialized = elementCount
            }
        }
    }
}
