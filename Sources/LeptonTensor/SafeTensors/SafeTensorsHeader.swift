/// The validated contents of a safetensors header: its metadata and its tensors, in data-offset order.
struct SafeTensorsHeader: Sendable {
    /// The reserved top-level key that holds the string-to-string metadata.
    static let metadataKey = "__metadata__"

    /// The `__metadata__` map (empty when absent or null).
    let metadata: [String: String]
    /// Every tensor, sorted by byte range; together they tile the data buffer exactly.
    let entries: [SafeTensorsEntry]

    /// Parses `headerBytes` and checks every rule of the format against a data buffer of `dataByteCount` bytes.
    /// - Throws: ``SafeTensorsError`` (without a file) naming the first rule broken.
    init(headerBytes: UnsafeRawBufferPointer, dataByteCount: Int) throws {
        if let offset = Self.firstInvalidUTF8Offset(in: headerBytes) {
            throw SafeTensorsError(.headerNotUTF8(byteOffset: offset))
        }
        let json: SafeTensorsJSON
        do {
            json = try SafeTensorsJSONParser.parse(headerBytes)
        } catch {
            throw SafeTensorsError(.invalidJSON(reason: error.reason, byteOffset: error.byteOffset))
        }
        guard case .object(let members) = json else { throw SafeTensorsError(.headerNotObject(found: json.summary)) }

        var metadata: [String: String] = [:]
        var entries: [SafeTensorsEntry] = []
        var seenKeys = Set<String>()
        for member in members {
            guard seenKeys.insert(member.key).inserted else {
                throw SafeTensorsError(.duplicateTensorName(member.key))
            }
            if member.key == Self.metadataKey {
                metadata = try Self.decodeMetadata(member.value)
            } else {
                entries.append(try Self.decodeEntry(name: member.key, member.value))
            }
        }
        self.metadata = metadata
        self.entries = try Self.checkTiling(entries, dataByteCount: dataByteCount)
    }

    /// The offset of the first byte that is not part of a valid UTF-8 sequence, or `nil` if all are.
    static func firstInvalidUTF8Offset(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    private static func decodeMetadata(_ value: SafeTensorsJSON) throws -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let members):
            var metadata: [String: String] = [:]
            for member in members {
                guard case .string(let text) = member.value else {
                    throw SafeTensorsError(.metadataValueNotString(key: member.key, found: member.value.summary))
                }
                guard metadata.updateValue(text, forKey: member.key) == nil else {
                    throw SafeTensorsError(.duplicateMetadataKey(member.key))
                }
            }
            return metadata
        default:
            throw SafeTensorsError(.metadataNotObject(found: value.summary))
        }
    }

    private static func decodeEntry(name: String, _ value: SafeTensorsJSON) throws -> SafeTensorsEntry {
        guard case .object(let members) = value else {
            throw SafeTensorsError(.entryNotObject(tensor: name, found: value.summary))
        }
        // Unknown fields are ignored, as the reference implementation does.
        let knownFields = ["dtype", "shape", "data_offsets"]
        var fields: [String: SafeTensorsJSON] = [:]
        for member in members where knownFields.contains(member.key) {
            guard fields.updateValue(member.value, forKey: member.key) == nil else {
                throw SafeTensorsError(.duplicateField(tensor: name, field: member.key))
            }
        }
        func field(_ key: String) throws -> SafeTensorsJSON {
            guard let value = fields[key] else { throw SafeTensorsError(.missingField(tensor: name, field: key)) }
            return value
        }

        let dtype = try decodeDType(tensor: name, try field("dtype"))
        let shape = try decodeShape(tensor: name, try field("shape"))
        let offsetsValue = try field("data_offsets")
        guard case .array(let offsets) = offsetsValue, offsets.count == 2,
            let begin = nonNegativeInteger(offsets[0]), let end = nonNegativeInteger(offsets[1])
        else { throw SafeTensorsError(.invalidDataOffsets(tensor: name, found: offsetsValue.summary)) }
        guard begin <= end else { throw SafeTensorsError(.reversedDataOffsets(tensor: name, begin: begin, end: end)) }

        var elementCount = 1
        for dimension in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw SafeTensorsError(.shapeOverflow(tensor: name, shape: shape)) }
            elementCount = product
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw SafeTensorsError(.shapeOverflow(tensor: name, shape: shape)) }
        guard end - begin == byteCount else {
            throw SafeTensorsError(
                .byteLengthMismatch(tensor: name, dtype: dtype, shape: shape, expected: byteCount, found: end - begin))
        }
        return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    private static func decodeDType(tensor: String, _ value: SafeTensorsJSON) throws -> SafeTensorsDType {
        guard case .string(let name) = value else {
            throw SafeTensorsError(
                .wrongFieldType(tensor: tensor, field: "dtype", expected: "a string", found: value.summary))
        }
        if let dtype = SafeTensorsDType(rawValue: name) { return dtype }
        if SafeTensorsDType.unsupportedNames.contains(name) {
            throw SafeTensorsError(.unsupportedDType(tensor: tensor, dtype: name))
        }
        throw SafeTensorsError(.unknownDType(tensor: tensor, dtype: name))
    }

    private static func decodeShape(tensor: String, _ value: SafeTensorsJSON) throws -> [Int] {
        guard case .array(let dimensions) = value else {
            throw SafeTensorsError(
                .wrongFieldType(tensor: tensor, field: "shape", expected: "an array of integers", found: value.summary))
        }
        return try dimensions.enumerated().map { index, dimension in
            guard let size = nonNegativeInteger(dimension) else {
                throw SafeTensorsError(.invalidShapeDimension(tensor: tensor, index: index, found: dimension.summary))
            }
            return size
        }
    }

    /// The value as an `Int` if it is a JSON integer literal (no sign, fraction or exponent) that fits.
    private static func nonNegativeInteger(_ value: SafeTensorsJSON) -> Int? {
        guard case .number(let literal) = value, literal.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        return Int(literal)
    }

    /// Sorts `entries` by byte range and checks that they tile `0..<dataByteCount` with no gap or overlap.
    /// The order of the tensors in the JSON text does not matter.
    private static func checkTiling(_ entries: [SafeTensorsEntry], dataByteCount: Int) throws -> [SafeTensorsEntry] {
        let sorted = entries.sorted {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name)
                < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name)
        }
        var coveredEnd = 0
        var previousName = ""
        for entry in sorted {
            let range = entry.byteRange
            if range.lowerBound < coveredEnd {
                throw SafeTensorsError(
                    .overlappingTensors(
                        tensor: entry.name, begin: range.lowerBound, previous: previousName, previousEnd: coveredEnd))
            }
            if range.lowerBound > coveredEnd {
                throw SafeTensorsError(
                    .gapBeforeTensor(tensor: entry.name, begin: range.lowerBound, expectedBegin: coveredEnd))
            }
            if range.upperBound > dataByteCount {
                throw SafeTensorsError(
                    .dataOutOfBounds(tensor: entry.name, end: range.upperBound, dataByteCount: dataByteCount))
            }
            coveredEnd = range.upperBound
            previousName = entry.name
        }
        guard coveredEnd == dataByteCount else {
            throw SafeTensorsError(.uncoveredTrailingData(coveredByteCount: coveredEnd, dataByteCount: dataByteCount))
        }
        return sorted
    }
}
