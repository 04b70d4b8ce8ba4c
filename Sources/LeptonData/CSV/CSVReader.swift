import Foundation

/// A streaming RFC 4180 reader: reads a file in chunks and yields one record at a time, so files larger
/// than memory can be processed.
///
/// ```swift
/// let reader = try CSVReader(url: url)
/// print(reader.header ?? [])
/// while let record = try reader.next() { print(record.row, record.fields) }
/// ```
/// Every record must have as many fields as the header (or the first record when there is none). The
/// input must be UTF-8; a leading byte-order mark is skipped. Problems throw ``CSVError`` with the row,
/// line and column.
public final class CSVReader {
    /// The dialect being read.
    public let format: CSVFormat
    /// The file path, or the name given for in-memory input; used in errors.
    public let source: String
    /// The column names, when ``CSVFormat/hasHeader`` is set (empty for an empty file).
    public private(set) var header: [String]?

    private let file: FileHandle?
    private let chunkSize: Int
    /// The buffer, allocated by hand so that reading it needs no retain and no exclusivity check; valid bytes
    /// are `storage[consumed..<filled]`.
    private var storage: UnsafeMutableBufferPointer<UInt8>
    private var consumed = 0
    private var filled = 0
    private var isEndOfInput: Bool
    /// File offset of `storage[0]`.
    private var bufferFileOffset = 0
    private let parser: CSVRecordParser
    private var nextLine = 1
    /// Record number of the current record (0 before the first).
    private(set) var currentRow = 0
    /// Starting line of the current record.
    private(set) var currentLine = 0
    private var expectedFieldCount: Int?

    /// Opens `url` for streaming.
    /// - Parameters:
    ///   - url: the CSV file.
    ///   - format: the dialect.
    ///   - chunkSize: bytes read at a time (records longer than this are handled by reading more).
    /// - Throws: ``CSVError`` if the file cannot be opened or its header is malformed.
    public init(url: URL, format: CSVFormat = .csv, chunkSize: Int = 1 << 20) throws {
        try format.validate(source: url.path)
        self.format = format
        source = url.path
        do {
            file = try FileHandle(forReadingFrom: url)
        } catch {
            throw CSVError(file: url.path, problem: .unreadable(reason: error.localizedDescription))
        }
        self.chunkSize = max(chunkSize, 1)
        storage = UnsafeMutableBufferPointer(start: nil, count: 0)
        isEndOfInput = false
        parser = CSVRecordParser(delimiter: format.delimiterByte, skipsBlankLines: format.skipsBlankLines)
        try start()
    }

    /// Reads CSV text held in memory.
    /// - Parameters:
    ///   - data: the UTF-8 bytes.
    ///   - name: the name used in errors.
    ///   - format: the dialect.
    /// - Throws: ``CSVError`` if the header is malformed.
    public init(data: Data, name: String = "<memory>", format: CSVFormat = .csv) throws {
        try format.validate(source: name)
        self.format = format
        source = name
        file = nil
        chunkSize = 0
        storage = .allocate(capacity: data.count)
        filled = data.copyBytes(to: storage)
        isEndOfInput = true
        parser = CSVRecordParser(delimiter: format.delimiterByte, skipsBlankLines: format.skipsBlankLines)
        try start()
    }

    /// Reads CSV text from a string.
    /// - Parameters:
    ///   - string: the CSV text.
    ///   - name: the name used in errors.
    ///   - format: the dialect.
    /// - Throws: ``CSVError`` if the header is malformed.
    public convenience init(string: String, name: String = "<memory>", format: CSVFormat = .csv) throws {
        try self.init(data: Data(string.utf8), name: name, format: format)
    }

    deinit {
        try? file?.close()
        storage.deallocate()
    }

    /// The buffered bytes, `storage[0..<filled]`.
    private var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage.baseAddress, count: filled) }

    /// Skips a byte-order mark and reads the header.
    private func start() throws {
        while filled - consumed < 3 && !isEndOfInput { try readMore() }
        if filled - consumed >= 3 && storage[consumed] == 0xEF && storage[consumed + 1] == 0xBB
            && storage[consumed + 2] == 0xBF
        {
            consumed += 3
        }
        guard format.hasHeader else { return }
        header = try advance() ? (0..<parser.fieldCount).map(currentField) : []
    }

    /// The next record, or `nil` at the end of the input.
    /// - Throws: ``CSVError`` for a ragged row, an unterminated quote, text after a closing quote, invalid
    ///   UTF-8, or a read failure.
    public func next() throws -> CSVRecord? {
        guard try advance() else { return nil }
        return CSVRecord(fields: (0..<parser.fieldCount).map(currentField), row: currentRow, line: currentLine)
    }

    /// Reads every remaining record.
    /// - Throws: ``CSVError`` as ``next()``.
    public func readAll() throws -> [CSVRecord] {
        var records: [CSVRecord] = []
        while let record = try next() { records.append(record) }
        return records
    }

    /// Reads a whole file: its header (when the format has one) and all records.
    /// - Parameters:
    ///   - url: the CSV file.
    ///   - format: the dialect.
    /// - Throws: ``CSVError``.
    public static func read(contentsOf url: URL, format: CSVFormat = .csv) throws -> (
        header: [String]?, records: [CSVRecord]
    ) {
        let reader = try CSVReader(url: url, format: format)
        return (reader.header, try reader.readAll())
    }

    // MARK: - Current record (used by the table builders to avoid creating strings)

    /// Where reading stands: the file offset of the first unconsumed byte, the line it is on, and the number of
    /// records read so far (the header included). Used to continue reading a file elsewhere.
    var position: (fileOffset: Int, line: Int, row: Int) { (bufferFileOffset + consumed, nextLine, currentRow) }

    /// Number of fields of the current record.
    var currentFieldCount: Int { parser.fieldCount }

    /// Field `index` of the current record as a string (the record's UTF-8 was validated).
    func currentField(_ index: Int) -> String {
        withCurrentField(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the unquoted bytes of field `index` of the current record.
    func withCurrentField<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows
        -> Result
    {
        try parser.withField(index, in: bytes, body)
    }

    /// Moves to the next record; `false` at the end of the input.
    func advance() throws -> Bool {
        while true {
            let outcome = parser.parse(bytes, from: consumed, isEndOfInput: isEndOfInput)
            switch outcome {
            case .needsMoreInput:
                try readMore()
            case .endOfInput:
                return false
            case .blankLine(let end):
                consumed = end
                nextLine += 1
            case .record(let end, let lineBreaks):
                currentRow += 1
                currentLine = nextLine
                try validateRecord(from: consumed, to: end)
                consumed = end
                nextLine += lineBreaks
                return true
            case .unterminatedQuote(let fieldIndex, let lineBreaksBefore):
                throw error(
                    row: currentRow + 1, line: nextLine, column: fieldIndex,
                    .unterminatedQuote(openedAtLine: nextLine + lineBreaksBefore))
            case .textAfterClosingQuote(let fieldIndex, let offset):
                // The error shows up to eight bytes after the quote: read them first if the buffer ends before.
                if offset + 8 > filled && !isEndOfInput {
                    try readMore()
                    continue
                }
                let found = bytes[offset..<min(offset + 8, filled)].prefix { $0 != 10 && $0 != 13 }
                throw error(
                    row: currentRow + 1, line: nextLine, column: fieldIndex,
                    .textAfterClosingQuote(found: String(decoding: found, as: UTF8.self)))
            }
        }
    }

    /// Checks the record's field count and UTF-8.
    private func validateRecord(from start: Int, to end: Int) throws {
        let invalidOffset = UTF8Validation.firstInvalidOffset(in: UnsafeBufferPointer(rebasing: bytes[start..<end]))
        if let invalidOffset {
            let column = parser.field(containing: start + invalidOffset)
            throw error(
                row: currentRow, line: currentLine, column: column,
                .invalidUTF8(byteOffset: bufferFileOffset + start + invalidOffset))
        }
        let found = parser.fieldCount
        let expected = expectedFieldCount ?? found
        expectedFieldCount = expected
        if found != expected {
            throw error(row: currentRow, line: currentLine, column: nil, .raggedRow(expected: expected, found: found))
        }
    }

    /// A ``CSVError`` for this input, naming the column from the header when there is one.
    func error(row: Int?, line: Int?, column: Int?, _ problem: CSVError.Problem) -> CSVError {
        let name = column.flatMap { index in header.flatMap { index < $0.count ? $0[index] : nil } }
        return CSVError(file: source, row: row, line: line, columnIndex: column, columnName: name, problem: problem)
    }

    /// Moves the unconsumed bytes to the front and appends the next chunk (at least as much as is already
    /// buffered, so a huge record is re-scanned only a logarithmic number of times).
    private func readMore() throws {
        guard let file, !isEndOfInput else {
            isEndOfInput = true
            return
        }
        if consumed > 0 {
            // `consumed > 0` means bytes were read, so there is storage; the regions may overlap.
            memmove(storage.baseAddress!, storage.baseAddress! + consumed, filled - consumed)
            bufferFileOffset += consumed
            filled -= consumed
            consumed = 0
        }
        let wanted = max(chunkSize, filled)
        let chunk: Data?
        do {
            chunk = try file.read(upToCount: wanted)
        } catch {
            throw self.error(row: nil, line: nil, column: nil, .unreadable(reason: error.localizedDescription))
        }
        guard let chunk, !chunk.isEmpty else {
            isEndOfInput = true
            return
        }
        let (needed, overflow) = filled.addingReportingOverflow(chunk.count)
        guard !overflow else {
            throw self.error(row: nil, line: nil, column: nil, .unreadable(reason: "a record is too long"))
        }
        if storage.count < needed {
            let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(needed, storage.count / 2 * 3))
            if let base = storage.baseAddress { larger.baseAddress!.update(from: base, count: filled) }
            storage.deallocate()
            storage = larger
        }
        filled += chunk.copyBytes(to: UnsafeMutableBufferPointer(rebasing: storage[filled..<needed]))
    }
}
