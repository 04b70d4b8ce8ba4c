import Foundation

/// Collects named tensors and writes them as one safetensors file.
///
/// The layout follows the reference implementation byte for byte: `__metadata__` first (keys sorted),
/// tensors ordered by dtype (widest first, in the reference order) and then by name, compact JSON, and
/// the header padded with spaces so that the data buffer starts at a multiple of 8 bytes. Every tensor
/// therefore starts at a multiple of its element size when the file is memory-mapped.
///
/// ```swift
/// var writer = SafeTensorsWriter(metadata: ["format": "lepton"])
/// try writer.add("dense.weight", shape: [64, 10], floats: weights)
/// try writer.write(to: url)
/// ```
public struct SafeTensorsWriter: Sendable {
    /// The `__metadata__` map written into the header (omitted when empty).
    public var metadata: [String: String]

    private struct PendingTensor: Sendable {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let bytes: Data
    }

    private var tensors: [PendingTensor] = []
    private var names: Set<String> = []

    /// Creates an empty writer.
    /// - Parameter metadata: String pairs stored under `__metadata__`.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// The number of tensors added so far.
    public var count: Int { tensors.count }

    /// Adds an F32 tensor.
    /// - Parameters:
    ///   - name: A name not used before (and not `__metadata__`).
    ///   - shape: Non-negative dimensions, row-major; `[]` for a scalar.
    ///   - floats: `shape`'s product of values, row-major.
    /// - Throws: ``SafeTensorsError`` for a duplicate or reserved name, a negative dimension, or a value count
    ///   that differs from the shape's product.
    public mutating func add(_ name: String, shape: [Int], floats: [Float]) throws {
        try add(name, dtype: .f32, shape: shape, values: floats) { $0.bitPattern }
    }

    /// Adds an I64 tensor.
    /// - Parameters:
    ///   - name: A name not used before (and not `__metadata__`).
    ///   - shape: Non-negative dimensions, row-major; `[]` for a scalar.
    ///   - int64s: `shape`'s product of values, row-major.
    /// - Throws: ``SafeTensorsError`` as for ``add(_:shape:floats:)``.
    public mutating func add(_ name: String, shape: [Int], int64s: [Int64]) throws {
        try add(name, dtype: .i64, shape: shape, values: int64s) { $0 }
    }

    /// Adds an I32 tensor.
    /// - Parameters:
    ///   - name: A name not used before (and not `__metadata__`).
    ///   - shape: Non-negative dimensions, row-major; `[]` for a scalar.
    ///   - int32s: `shape`'s product of values, row-major.
    /// - Throws: ``SafeTensorsError`` as for ``add(_:shape:floats:)``.
    public mutating func add(_ name: String, shape: [Int], int32s: [Int32]) throws {
        try add(name, dtype: .i32, shape: shape, values: int32s) { $0 }
    }

    /// Adds a tensor of any dtype from its bytes, already in the file's little-endian layout.
    /// - Parameters:
    ///   - name: A name not used before (and not `__metadata__`).
    ///   - dtype: The element type of `littleEndianBytes`.
    ///   - shape: Non-negative dimensions, row-major; `[]` for a scalar.
    ///   - littleEndianBytes: `shape`'s product × `dtype.byteSize` bytes.
    /// - Throws: ``SafeTensorsError`` as for ``add(_:shape:floats:)``, or
    ///   ``SafeTensorsError/Kind/byteLengthMismatch(tensor:dtype:shape:expected:found:)``.
    public mutating func add(_ name: String, dtype: SafeTensorsDType, shape: [Int], littleEndianBytes: Data) throws {
        let elementCount = try checkNew(name, shape: shape)
        guard littleEndianBytes.count == elementCount * dtype.byteSize else {
            throw SafeTensorsError(
                .byteLengthMismatch(
                    tensor: name, dtype: dtype, shape: shape, expected: elementCount * dtype.byteSize,
                    found: littleEndianBytes.count))
        }
        append(PendingTensor(name: name, dtype: dtype, shape: shape, bytes: littleEndianBytes))
    }

    private mutating func add<Value, Bits: FixedWidthInteger>(
        _ name: String, dtype: SafeTensorsDType, shape: [Int], values: [Value], bits: (Value) -> Bits
    ) throws {
        let elementCount = try checkNew(name, shape: shape)
        guard values.count == elementCount else {
            throw SafeTensorsError(
                .elementCountMismatch(tensor: name, shape: shape, expected: elementCount, found: values.count))
        }
        #if _endian(little)
            let bytes = values.withUnsafeBytes { Data($0) }
        #else
            let bytes = values.map { bits($0).littleEndian }.withUnsafeBytes { Data($0) }
        #endif
        append(PendingTensor(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    private mutating func append(_ tensor: PendingTensor) {
        names.insert(tensor.name)
        tensors.append(tensor)
    }

    /// Checks the name and shape of a tensor about to be added and returns its element count.
    private func checkNew(_ name: String, shape: [Int]) throws -> Int {
        guard name != SafeTensorsHeader.metadataKey else { throw SafeTensorsError(.reservedTensorName(name)) }
        guard !names.contains(name) else { throw SafeTensorsError(.duplicateTensorName(name)) }
        var elementCount = 1
        for (index, dimension) in shape.enumerated() {
            guard dimension >= 0 else {
                throw SafeTensorsError(.invalidShapeDimension(tensor: name, index: index, found: "\(dimension)"))
            }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw SafeTensorsError(.shapeOverflow(tensor: name, shape: shape)) }
            elementCount = product
        }
        return elementCount
    }

    /// The tensors in file order: by dtype rank, widest first, then by name (byte-wise).
    private var orderedTensors: [PendingTensor] {
        tensors.sorted { left, right in
            if left.dtype.referenceOrderRank != right.dtype.referenceOrderRank {
                return left.dtype.referenceOrderRank > right.dtype.referenceOrderRank
            }
            return left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
        }
    }

    /// The 8-byte length prefix and the padded JSON header for `ordered` tensors.
    private func headerBytes(for ordered: [PendingTensor]) -> Data {
        var json = SafeTensorsJSONWriter()
        json.beginObject()
        if !metadata.isEmpty {
            json.key(SafeTensorsHeader.metadataKey)
            json.beginObject()
            for key in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                json.key(key)
                json.string(metadata[key]!)
            }
            json.endObject()
        }
        var offset = 0
        for tensor in ordered {
            json.key(tensor.name)
            json.beginObject()
            json.key("dtype")
            json.string(tensor.dtype.rawValue)
            json.key("shape")
            json.integers(tensor.shape)
            json.key("data_offsets")
            json.integers([offset, offset + tensor.bytes.count])
            json.endObject()
            offset += tensor.bytes.count
        }
        json.endObject()
        var header = json.bytes
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        var result = Data(capacity: 8 + header.count)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { result.append(contentsOf: $0) }
        result.append(contentsOf: header)
        return result
    }

    /// The complete file contents.
    public func serialized() -> Data {
        let ordered = orderedTensors
        var result = headerBytes(for: ordered)
        for tensor in ordered { result.append(tensor.bytes) }
        return result
    }

    /// Writes the file atomically: to a temporary file in the same directory, flushed to disk with `fsync`,
    /// then renamed over `url`. Readers see either the old file or the complete new one.
    /// - Parameter url: The destination file URL; its directory must exist.
    /// - Throws: ``SafeTensorsError/Kind/writeFailed(step:reason:)`` naming the file and the failing step.
    public func write(to url: URL) throws {
        let ordered = orderedTensors
        try SafeTensorsAtomicFile.replace(url, with: [headerBytes(for: ordered)] + ordered.map(\.bytes))
    }
}
