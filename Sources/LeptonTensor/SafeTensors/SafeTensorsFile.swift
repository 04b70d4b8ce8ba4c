// safetensors reading and writing, at the byte level (independent of `Tensor`).
//
// Files in this folder: SafeTensorsFile (reading, this file), SafeTensorsWriter (+ SafeTensorsJSONWriter,
// SafeTensorsAtomicFile), SafeTensorsHeader (validation, + SafeTensorsJSON, a small JSON parser that keeps
// duplicate keys), SafeTensorsElementDecoding (dtype conversions), SafeTensorsDType, SafeTensorsEntry,
// SafeTensorsError.
//
// Layout: an 8-byte little-endian UInt64 header length N, N bytes of UTF-8 JSON, then the data buffer.
// The JSON is an object mapping tensor names to {"dtype", "shape", "data_offsets": [begin, end]} (offsets
// relative to the data buffer) plus an optional "__metadata__" object of strings.
//
// Validation on read. Every rule is checked before any value is handed out, and each has its own
// SafeTensorsError.Kind:
//  1. The file has at least 8 bytes (fileTooShort).
//  2. N <= 100_000_000, the reference limit (headerTooLarge), and N <= file size - 8 (headerBeyondFile).
//  3. The header is UTF-8 (headerNotUTF8) and one strict JSON value with only whitespace around it, so
//     padding with trailing spaces is fine but NUL padding is not (invalidJSON); nesting is limited to 64.
//  4. The value is an object (headerNotObject); no key appears twice, which JSON parsers usually let
//     through silently (duplicateTensorName); names that are equal as Swift strings (canonically
//     equivalent Unicode) count as duplicates.
//  5. "__metadata__", if present and not null, is an object (metadataNotObject) of strings
//     (metadataValueNotString) with distinct keys (duplicateMetadataKey).
//  6. Each tensor is an object (entryNotObject) with "dtype", "shape" and "data_offsets" (missingField),
//     each once (duplicateField) and of the right JSON type (wrongFieldType); other fields are ignored,
//     as the reference implementation does.
//  7. The dtype is one of SafeTensorsDType (unknownDType; unsupportedDType for the format's F8/F6/F4/C64).
//  8. Shape dimensions are non-negative integer literals that fit in Int: no sign, fraction or exponent,
//     so 1.0 and 1e0 are rejected like the reference does (invalidShapeDimension); their product and the
//     byte count, computed with multipliedReportingOverflow, do not overflow (shapeOverflow).
//  9. data_offsets is two non-negative integers (invalidDataOffsets) with begin <= end
//     (reversedDataOffsets), and end - begin == element count × dtype size (byteLengthMismatch).
// 10. Sorted by (begin, end), the tensors tile the data buffer from byte 0 with no overlap
//     (overlappingTensors) and no gap (gapBeforeTensor), stay inside it (dataOutOfBounds), and the last
//     end is the buffer's length (uncoveredTrailingData). The order of the tensors in the JSON text does
//     not matter: the reference implementation sorts by offsets too and accepts such files.
// Data is little-endian whatever the host. BOOL bytes other than 0 and 1 are read as true, as numpy does.

import Foundation

/// A validated safetensors file: its metadata, its tensor descriptions, and access to their values.
///
/// Reading checks the whole header against every rule listed at the top of `SafeTensorsFile.swift` before any value
/// is handed out; a broken file throws a ``SafeTensorsError`` naming the file and the rule. The bytes
/// are memory-mapped by default, so opening a large file costs only its header, and reading an F32
/// tensor on a little-endian host is one copy.
///
/// ```swift
/// let file = try SafeTensorsFile(contentsOf: url)
/// let weight = try file.floats("conv1.weight")       // [Float], any float or integer dtype
/// let shape = try file.entry("conv1.weight").shape   // [32, 1, 3, 3]
/// ```
public struct SafeTensorsFile: Sendable {
    /// Header lengths above this many bytes are rejected (the reference implementation's limit).
    public static let maximumHeaderByteCount = 100_000_000

    /// The file this was read from; `nil` when read from `Data`.
    public let url: URL?
    /// The header's `__metadata__` map; empty when the file has none.
    public let metadata: [String: String]
    /// Every tensor, in the order of their bytes in the data buffer (not the order of the JSON text).
    public let entries: [SafeTensorsEntry]

    private let bytes: Data
    private let dataStart: Int
    private let entryIndexByName: [String: Int]

    /// Reads and validates the safetensors file at `url`.
    /// - Parameters:
    ///   - url: A file URL.
    ///   - memoryMapped: Map the file into memory instead of reading it (the default). The file must then
    ///     not be truncated by another process while this value is alive.
    /// - Throws: ``SafeTensorsError`` with `file` set: ``SafeTensorsError/Kind/unreadableFile(reason:)`` if
    ///   the file cannot be read, otherwise the format rule the file breaks.
    public init(contentsOf url: URL, memoryMapped: Bool = true) throws {
        let contents: Data
        do {
            contents = try Data(contentsOf: url, options: memoryMapped ? [.alwaysMapped] : [])
        } catch {
            throw SafeTensorsError(.unreadableFile(reason: error.localizedDescription), file: url)
        }
        do {
            try self.init(bytes: contents, url: url)
        } catch let error as SafeTensorsError {
            throw error.attributed(to: url)
        }
    }

    /// Validates safetensors bytes held in memory.
    /// - Parameter data: The complete contents of a safetensors file.
    /// - Throws: ``SafeTensorsError`` (with `file` nil) naming the format rule the data breaks.
    public init(data: Data) throws {
        try self.init(bytes: data, url: nil)
    }

    private init(bytes: Data, url: URL?) throws {
        // Normalise slices so that offsets count from 0.
        let bytes = bytes.startIndex == 0 ? bytes : Data(bytes)
        let (header, dataStart) = try bytes.withUnsafeBytes { raw in
            guard raw.count >= 8 else { throw SafeTensorsError(.fileTooShort(byteCount: raw.count)) }
            let declared = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            guard declared <= UInt64(Self.maximumHeaderByteCount) else {
                throw SafeTensorsError(
                    .headerTooLarge(declaredByteCount: declared, limit: Self.maximumHeaderByteCount))
            }
            let headerByteCount = Int(declared)
            guard headerByteCount <= raw.count - 8 else {
                throw SafeTensorsError(
                    .headerBeyondFile(declaredByteCount: declared, availableByteCount: raw.count - 8))
            }
            let dataStart = 8 + headerByteCount
            let header = try SafeTensorsHeader(
                headerBytes: UnsafeRawBufferPointer(rebasing: raw[8..<dataStart]),
                dataByteCount: raw.count - dataStart)
            return (header, dataStart)
        }
        self.url = url
        self.bytes = bytes
        self.dataStart = dataStart
        self.metadata = header.metadata
        self.entries = header.entries
        self.entryIndexByName = Dictionary(
            header.entries.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The names of all tensors, in data-offset order.
    public var names: [String] { entries.map(\.name) }

    /// The number of bytes in the data buffer (the file after its header).
    public var dataByteCount: Int { bytes.count - dataStart }

    /// Whether the file has a tensor called `name`.
    public func contains(_ name: String) -> Bool { entryIndexByName[name] != nil }

    /// The description of the tensor called `name`.
    /// - Throws: ``SafeTensorsError/Kind/tensorNotFound(name:available:tensorCount:)`` listing a few names.
    public func entry(_ name: String) throws -> SafeTensorsEntry {
        guard let index = entryIndexByName[name] else {
            let suggestions = Array(
                entries.lazy.map(\.name).filter { $0.hasPrefix(name) || name.hasPrefix($0) }.prefix(4))
            let available = suggestions.isEmpty ? Array(entries.prefix(6).map(\.name)) : suggestions
            throw SafeTensorsError(
                .tensorNotFound(name: name, available: available, tensorCount: entries.count), file: url)
        }
        return entries[index]
    }

    /// Calls `body` with the raw little-endian bytes of the tensor called `name` (valid only during the call).
    /// - Throws: ``SafeTensorsError/Kind/tensorNotFound(name:available:tensorCount:)``, or what `body` throws.
    public func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let range = try entry(name).byteRange
        return try bytes.withUnsafeBytes { raw in
            try body(
                UnsafeRawBufferPointer(rebasing: raw[(dataStart + range.lowerBound)..<(dataStart + range.upperBound)]))
        }
    }

    /// The values of the tensor called `name` as `Float`s, in row-major order.
    ///
    /// F32 is copied as is; F16 and BF16 are decoded exactly; F64 is rounded to nearest (to infinity beyond
    /// `Float`'s range); integers are rounded to nearest; BOOL gives 0 or 1.
    /// - Throws: ``SafeTensorsError/Kind/tensorNotFound(name:available:tensorCount:)``.
    public func floats(_ name: String) throws -> [Float] {
        let dtype = try entry(name).dtype
        return try withRawBytes(name) { SafeTensorsElementDecoding.floats($0, dtype: dtype) }
    }

    /// The values of the integer or BOOL tensor called `name`, widened to `Int64`.
    /// - Throws: ``SafeTensorsError/Kind/tensorNotFound(name:available:tensorCount:)``;
    ///   ``SafeTensorsError/Kind/dtypeNotConvertible(tensor:dtype:requested:)`` for floating-point dtypes;
    ///   ``SafeTensorsError/Kind/valueOutOfRange(tensor:index:value:requested:)`` for a U64 above `Int64.max`.
    public func int64s(_ name: String) throws -> [Int64] {
        try integers(name, as: Int64.self)
    }

    /// The values of the integer or BOOL tensor called `name` as `Int32`, each checked to fit.
    /// - Throws: ``SafeTensorsError/Kind/tensorNotFound(name:available:tensorCount:)``;
    ///   ``SafeTensorsError/Kind/dtypeNotConvertible(tensor:dtype:requested:)`` for floating-point dtypes;
    ///   ``SafeTensorsError/Kind/valueOutOfRange(tensor:index:value:requested:)`` for an element outside
    ///   `Int32`'s range.
    public func int32s(_ name: String) throws -> [Int32] {
        try integers(name, as: Int32.self)
    }

    private func integers<Target: FixedWidthInteger & BitwiseCopyable>(_ name: String, as target: Target.Type) throws
        -> [Target]
    {
        let dtype = try entry(name).dtype
        do {
            return try withRawBytes(name) {
                try SafeTensorsElementDecoding.integers($0, dtype: dtype, as: target, tensor: name)
            }
        } catch let error as SafeTensorsError {
            throw error.attributed(to: url)
        }
    }
}
