import Foundation

/// A safetensors file (or buffer) that could not be read or written, or a tensor request it cannot serve.
///
/// `kind` tells exactly which rule was broken; `description` says what was expected and what was found,
/// prefixed by the file's path when there is one.
public struct SafeTensorsError: Error, CustomStringConvertible, Hashable {
    /// The file being read or written; `nil` for in-memory data.
    public let file: URL?
    /// What went wrong.
    public let kind: Kind

    /// Creates an error of `kind` about `file` (`nil` for in-memory data).
    public init(_ kind: Kind, file: URL? = nil) {
        self.kind = kind
        self.file = file
    }

    /// The same error, attributed to `file`.
    func attributed(to file: URL?) -> SafeTensorsError { SafeTensorsError(kind, file: file) }

    /// A message naming the file (if any), the rule that was broken, and what was expected and found.
    public var description: String {
        let source = file.map { "safetensors file \($0.path)" } ?? "safetensors data"
        return "\(source): \(kind.message)"
    }

    /// Every way reading or writing safetensors can fail. Tensor names appear as `tensor`.
    public enum Kind: Sendable, Hashable {
        /// The file has fewer than the 8 bytes of the header-length prefix.
        case fileTooShort(byteCount: Int)
        /// The header length prefix exceeds ``SafeTensorsFile/maximumHeaderByteCount``.
        case headerTooLarge(declaredByteCount: UInt64, limit: Int)
        /// The header length prefix points past the end of the file.
        case headerBeyondFile(declaredByteCount: UInt64, availableByteCount: Int)
        /// The header is not valid UTF-8; `byteOffset` is counted from the start of the header.
        case headerNotUTF8(byteOffset: Int)
        /// The header is not valid JSON; `byteOffset` is counted from the start of the header.
        case invalidJSON(reason: String, byteOffset: Int)
        /// The header's JSON value is not an object.
        case headerNotObject(found: String)
        /// A tensor's value in the header is not an object.
        case entryNotObject(tensor: String, found: String)
        /// Two header keys name the same tensor.
        case duplicateTensorName(String)
        /// A tensor's description repeats a field.
        case duplicateField(tensor: String, field: String)
        /// A tensor's description lacks `dtype`, `shape` or `data_offsets`.
        case missingField(tensor: String, field: String)
        /// A tensor's field has the wrong JSON type.
        case wrongFieldType(tensor: String, field: String, expected: String, found: String)
        /// The dtype is not one the safetensors format defines.
        case unknownDType(tensor: String, dtype: String)
        /// The dtype is defined by the format but not read by Lepton (8-bit floats and smaller, complex).
        case unsupportedDType(tensor: String, dtype: String)
        /// A shape dimension is not a non-negative integer that fits in `Int`.
        case invalidShapeDimension(tensor: String, index: Int, found: String)
        /// The shape's element count (or its byte count) overflows `Int`.
        case shapeOverflow(tensor: String, shape: [Int])
        /// `data_offsets` is not an array of two non-negative integers that fit in `Int`.
        case invalidDataOffsets(tensor: String, found: String)
        /// `data_offsets` has its begin after its end.
        case reversedDataOffsets(tensor: String, begin: Int, end: Int)
        /// The byte range's length differs from element count × element size.
        case byteLengthMismatch(tensor: String, dtype: SafeTensorsDType, shape: [Int], expected: Int, found: Int)
        /// A tensor's bytes begin before the previous tensor's bytes end (tensors ordered by offset).
        case overlappingTensors(tensor: String, begin: Int, previous: String, previousEnd: Int)
        /// Bytes no tensor covers lie before a tensor (tensors ordered by offset).
        case gapBeforeTensor(tensor: String, begin: Int, expectedBegin: Int)
        /// A tensor's bytes end past the end of the data buffer.
        case dataOutOfBounds(tensor: String, end: Int, dataByteCount: Int)
        /// The data buffer has bytes after the last tensor.
        case uncoveredTrailingData(coveredByteCount: Int, dataByteCount: Int)
        /// `__metadata__` is not an object.
        case metadataNotObject(found: String)
        /// A `__metadata__` value is not a string.
        case metadataValueNotString(key: String, found: String)
        /// A `__metadata__` key appears twice.
        case duplicateMetadataKey(String)
        /// A tensor may not be called `__metadata__`.
        case reservedTensorName(String)
        /// No tensor has the requested name; `available` lists a few of the `tensorCount` that exist.
        case tensorNotFound(name: String, available: [String], tensorCount: Int)
        /// The tensor's dtype cannot be converted to the requested Swift type.
        case dtypeNotConvertible(tensor: String, dtype: SafeTensorsDType, requested: String)
        /// An element does not fit in the requested Swift type.
        case valueOutOfRange(tensor: String, index: Int, value: String, requested: String)
        /// A writer was given a number of values that does not match the shape.
        case elementCountMismatch(tensor: String, shape: [Int], expected: Int, found: Int)
        /// The file could not be opened or read.
        case unreadableFile(reason: String)
        /// Writing the file failed at `step` (create, write, fsync, rename).
        case writeFailed(step: String, reason: String)

        /// The explanation used by ``SafeTensorsError/description``.
        var message: String {
            switch self {
            case .fileTooShort(let count):
                "expected at least 8 bytes (the header length), found \(count)"
            case .headerTooLarge(let declared, let limit):
                "header length \(declared) exceeds the limit of \(limit) bytes"
            case .headerBeyondFile(let declared, let available):
                "header length \(declared) exceeds the \(available) bytes that follow the length prefix"
            case .headerNotUTF8(let offset):
                "header is not valid UTF-8 (first bad byte at header offset \(offset))"
            case .invalidJSON(let reason, let offset):
                "header is not valid JSON at header offset \(offset): \(reason)"
            case .headerNotObject(let found):
                "expected the header to be a JSON object, found \(found)"
            case .entryNotObject(let tensor, let found):
                "expected tensor '\(tensor)' to be described by a JSON object, found \(found)"
            case .duplicateTensorName(let name):
                "tensor name '\(name)' appears more than once in the header"
            case .duplicateField(let tensor, let field):
                "field '\(field)' appears more than once in tensor '\(tensor)'"
            case .missingField(let tensor, let field):
                "tensor '\(tensor)' has no '\(field)' field"
            case .wrongFieldType(let tensor, let field, let expected, let found):
                "expected '\(field)' of tensor '\(tensor)' to be \(expected), found \(found)"
            case .unknownDType(let tensor, let dtype):
                "tensor '\(tensor)' has dtype '\(dtype)', which the safetensors format does not define"
            case .unsupportedDType(let tensor, let dtype):
                "tensor '\(tensor)' has dtype '\(dtype)', which Lepton does not read (supported: "
                    + SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ") + ")"
            case .invalidShapeDimension(let tensor, let index, let found):
                "expected shape dimension \(index) of tensor '\(tensor)' to be a non-negative integer, found \(found)"
            case .shapeOverflow(let tensor, let shape):
                "the size of tensor '\(tensor)' with shape \(shape) overflows a 64-bit integer"
            case .invalidDataOffsets(let tensor, let found):
                "expected 'data_offsets' of tensor '\(tensor)' to be [begin, end] (non-negative integers), found \(found)"
            case .reversedDataOffsets(let tensor, let begin, let end):
                "tensor '\(tensor)' has data_offsets [\(begin), \(end)]: begin is after end"
            case .byteLengthMismatch(let tensor, let dtype, let shape, let expected, let found):
                "tensor '\(tensor)' (\(dtype.rawValue), shape \(shape)) needs \(expected) bytes, "
                    + "its data_offsets cover \(found)"
            case .overlappingTensors(let tensor, let begin, let previous, let previousEnd):
                "tensor '\(tensor)' begins at byte \(begin), before tensor '\(previous)' ends at byte \(previousEnd)"
            case .gapBeforeTensor(let tensor, let begin, let expectedBegin):
                "expected tensor '\(tensor)' to begin at byte \(expectedBegin) (right after the previous tensor), "
                    + "found \(begin): the bytes in between belong to no tensor"
            case .dataOutOfBounds(let tensor, let end, let count):
                "tensor '\(tensor)' ends at byte \(end), past the end of the \(count)-byte data buffer"
            case .uncoveredTrailingData(let covered, let count):
                "expected the tensors to cover the whole \(count)-byte data buffer, they cover \(covered) bytes"
            case .metadataNotObject(let found):
                "expected '__metadata__' to be an object of strings, found \(found)"
            case .metadataValueNotString(let key, let found):
                "expected '__metadata__' value '\(key)' to be a string, found \(found)"
            case .duplicateMetadataKey(let key):
                "'__metadata__' key '\(key)' appears more than once"
            case .reservedTensorName(let name):
                "'\(name)' is reserved for the metadata and cannot name a tensor"
            case .tensorNotFound(let name, let available, let count):
                "no tensor named '\(name)'; the file has \(count) tensors"
                    + (available.isEmpty ? "" : ", such as " + available.map { "'\($0)'" }.joined(separator: ", "))
            case .dtypeNotConvertible(let tensor, let dtype, let requested):
                "tensor '\(tensor)' has dtype \(dtype.rawValue), which cannot be read as \(requested)"
            case .valueOutOfRange(let tensor, let index, let value, let requested):
                "element \(index) of tensor '\(tensor)' is \(value), which does not fit in \(requested)"
            case .elementCountMismatch(let tensor, let shape, let expected, let found):
                "tensor '\(tensor)' with shape \(shape) needs \(expected) values, found \(found)"
            case .unreadableFile(let reason):
                "cannot read the file: \(reason)"
            case .writeFailed(let step, let reason):
                "writing failed (\(step)): \(reason)"
            }
        }
    }
}
