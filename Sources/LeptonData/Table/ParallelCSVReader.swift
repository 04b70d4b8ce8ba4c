import Foundation
import LeptonKernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one piece of a file parsed by ``ParallelCSVReader`` does with its records: a fresh sink per piece, used by
/// one thread at a time, handed back to the caller in file order.
protocol CSVPieceSink {
    /// Takes the record `parser` has just parsed from `bytes` (its UTF-8 is valid and it has the header's number of
    /// fields). `row` is the record's 1-based number within the piece and `lineBreaksBefore` the line breaks in the
    /// piece before it starts. Returns an error to stop the piece at this record.
    mutating func add(
        _ parser: CSVRecordParser, in bytes: UnsafeBufferPointer<UInt8>, row: Int, lineBreaksBefore: Int
    ) -> ParallelCSVReader.PieceError?

    /// Called once after the piece's last record, on the thread that parsed it.
    mutating func finish()
}

/// Reads a CSV file with a header on several threads, with bounded memory: the one home of the machinery that
/// both the parallel describe (`ParallelDescriber`) and the parallel `Table(csv:)` use.
///
/// The file is read in windows of a fixed size. Each window is cut into pieces at line feeds, and the pieces
/// are parsed on the kernels' ``ThreadPool`` at the same time, each into its own ``CSVPieceSink``. A cut may
/// fall inside a quoted field that contains a line break, so a piece's start is only a guess; the pieces are
/// then accepted in file order: a piece counts only if the piece before it ended exactly where it starts (that
/// piece began at a true record start, so its records are the true records). Otherwise it is parsed again,
/// on the calling thread, from where the one before really ended. Records that run past the end of the window
/// are carried over to the next one. Errors are reported as the sequential ``CSVReader`` reports them: the first
/// in the file, with its row, line and column.
enum ParallelCSVReader {
    /// An error found in a piece, with its place relative to the piece's start.
    struct PieceError {
        /// 1-based record number within the piece.
        var row: Int
        /// Line breaks in the piece before the record starts.
        var lineBreaksBefore: Int
        /// The 0-based column, when the problem is in one field.
        var column: Int?
        /// What is wrong.
        var problem: CSVError.Problem
        /// For an unterminated quote: line breaks between the record's start and the opening quote.
        var quoteLineBreaks: Int?

        /// The error of field `column` of the record `parser` has just parsed from `bytes`: `problem` of the
        /// field's text (`CSVError.Problem.notANumber`, say).
        init(
            row: Int, lineBreaksBefore: Int, field column: Int, parser: CSVRecordParser,
            bytes: UnsafeBufferPointer<UInt8>, problem: (String) -> CSVError.Problem
        ) {
            let text = parser.withField(column, in: bytes) { String(decoding: $0, as: UTF8.self) }
            self.init(row: row, lineBreaksBefore: lineBreaksBefore, column: column, problem: problem(text))
        }

        /// An error at a place within a piece.
        init(row: Int, lineBreaksBefore: Int, column: Int?, problem: CSVError.Problem, quoteLineBreaks: Int? = nil) {
            self.row = row
            self.lineBreaksBefore = lineBreaksBefore
            self.column = column
            self.problem = problem
            self.quoteLineBreaks = quoteLineBreaks
        }

        /// The error as the sequential reader reports it, for a piece whose first record follows record `row` of
        /// the file and starts on `line`.
        func csvError(reader: CSVReader, row pieceRow: Int, line pieceLine: Int) -> CSVError {
            let problemLine = pieceLine + lineBreaksBefore
            var reported = problem
            if let quoteLineBreaks { reported = .unterminatedQuote(openedAtLine: problemLine + quoteLineBreaks) }
            return reader.error(row: pieceRow + row, line: problemLine, column: column, reported)
        }
    }

    /// What parsing one piece found.
    struct PieceResult<Sink: CSVPieceSink> {
        /// Buffer offset just after the last record parsed (or where parsing stopped).
        var end: Int
        var rows = 0
        var lineBreaks = 0
        /// Whether parsing stopped because a record runs past the end of the buffer.
        var needsMoreInput = false
        var sink: Sink
        var error: PieceError?
    }

    /// Reads the records of `url` after its header, handing each piece's sink to `accept` in file order.
    /// - Parameters:
    ///   - url: the CSV file; it must have a header row, which `reader` has read (and nothing more).
    ///   - reader: the file's reader, for its position after the header and its errors.
    ///   - columnCount: the header's number of fields; every record must have as many.
    ///   - pieceBytes: the bytes of one piece (at least 1); a window is twice the thread count of pieces.
    ///   - pool: the threads.
    ///   - makeSink: a fresh sink; called on the pool's threads at the same time, so it must only read state that
    ///     nothing writes meanwhile.
    ///   - accept: takes a piece's sink, the file row its first record follows and the line it starts on; called
    ///     on the calling thread, in file order, only for pieces without an error before their end.
    /// - Returns: the number of records read.
    /// - Throws: ``CSVError`` as ``CSVReader`` throws it (the first problem in the file), or what `accept` throws.
    static func read<Sink: CSVPieceSink>(
        _ url: URL, reader: CSVReader, columnCount: Int, pieceBytes: Int, pool: ThreadPool,
        makeSink: () -> Sink, accept: (Sink, _ row: Int, _ line: Int) throws -> Void
    ) throws -> Int {
        let format = reader.format
        let (startOffset, startLine, startRow) = reader.position
        let file: FileHandle
        do {
            file = try FileHandle(forReadingFrom: url)
            try file.seek(toOffset: UInt64(startOffset))
        } catch {
            throw reader.error(row: nil, line: nil, column: nil, .unreadable(reason: error.localizedDescription))
        }
        defer { try? file.close() }

        let pieceCount = max(1, pool.threadCount) * 2
        let pieceSize = max(pieceBytes, 1)
        var capacity = pieceSize.multipliedReportingOverflow(by: pieceCount).overflow ? Int.max : pieceSize * pieceCount
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        var filled = 0
        var bufferFileOffset = startOffset
        var isEndOfInput = false
        var row = startRow
        var line = startLine
        var rowCount = 0

        while true {
            // Fill the window.
            while filled < capacity && !isEndOfInput {
                let read = readBytes(file.fileDescriptor, buffer.baseAddress! + filled, capacity - filled)
                if read < 0 {
                    if errno == EINTR { continue }
                    throw reader.error(
                        row: nil, line: nil, column: nil, .unreadable(reason: String(cString: strerror(errno))))
                }
                if read == 0 { isEndOfInput = true } else { filled += read }
            }
            if filled == 0 { break }
            let bytes = UnsafeBufferPointer(
                start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: filled)
            let bounds = cuts(bytes, pieces: pieceCount)
            var results = [PieceResult<Sink>?](repeating: nil, count: pieceCount)
            let windowOffset = bufferFileOffset
            let endOfInput = isEndOfInput
            func parsePiece(from start: Int, limit: Int) -> PieceResult<Sink> {
                parse(
                    bytes, from: start, limit: limit, isEndOfInput: endOfInput, fileOffset: windowOffset,
                    format: format, columnCount: columnCount, sink: makeSink())
            }
            results.withUnsafeMutableBufferPointer { slots in
                pool.parallelFor(pieceCount) { piece in
                    slots[piece] = parsePiece(from: bounds[piece], limit: bounds[piece + 1])
                }
            }
            var position = 0
            for piece in 0..<pieceCount {
                var result = results[piece]!
                results[piece] = nil
                if position != bounds[piece] { result = parsePiece(from: position, limit: bounds[piece + 1]) }
                if let problem = result.error { throw problem.csvError(reader: reader, row: row, line: line) }
                try accept(result.sink, row, line)
                row += result.rows
                rowCount += result.rows
                line += result.lineBreaks
                position = result.end
                if result.needsMoreInput { break }
            }
            if isEndOfInput && position == filled { break }
            // Keep the unparsed tail (an incomplete record) and read more after it; grow the window if a single
            // record fills it.
            let tail = filled - position
            if position > 0 {
                buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + position, byteCount: tail)
            } else if tail == capacity {
                let (doubled, overflow) = capacity.multipliedReportingOverflow(by: 2)
                guard !overflow else {
                    throw reader.error(row: nil, line: nil, column: nil, .unreadable(reason: "a record is too long"))
                }
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: doubled, alignment: 64)
                larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: filled)
                buffer.deallocate()
                buffer = larger
                capacity = doubled
            } else if isEndOfInput {
                break
            }
            bufferFileOffset += position
            filled = tail
        }
        return rowCount
    }

    /// `read(2)`: up to `count` bytes into `destination`; 0 at the end of the file, -1 on error.
    private static func readBytes(_ descriptor: Int32, _ destination: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.read(descriptor, destination, count)
        #else
            Darwin.read(descriptor, destination, count)
        #endif
    }

    /// The piece starts: 0, then for each nominal cut the offset after the first line feed at or after it (the end
    /// of the buffer if there is none), then the end of the buffer.
    static func cuts(_ bytes: UnsafeBufferPointer<UInt8>, pieces: Int) -> [Int] {
        var bounds = [0]
        let size = bytes.count / pieces
        for piece in 1..<max(pieces, 1) {
            let nominal = max(piece * size, bounds[piece - 1])
            var cut = bytes.count
            if nominal < bytes.count, let base = bytes.baseAddress,
                let found = memchr(base + nominal, 0x0A, bytes.count - nominal)
            {
                cut = UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
            }
            bounds.append(cut)
        }
        bounds.append(bytes.count)
        return bounds
    }

    /// Parses the records that start in `start..<limit` (the last may run on past `limit`) into `sink`.
    static func parse<Sink: CSVPieceSink>(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int, isEndOfInput: Bool, fileOffset: Int,
        format: CSVFormat, columnCount expected: Int, sink: Sink
    ) -> PieceResult<Sink> {
        let parser = CSVRecordParser(delimiter: format.delimiterByte, skipsBlankLines: format.skipsBlankLines)
        var result = PieceResult(end: start, sink: sink)
        var position = start
        records: while position < limit {
            let outcome = parser.parse(bytes, from: position, isEndOfInput: isEndOfInput)
            switch outcome {
            case .needsMoreInput:
                result.needsMoreInput = true
                break records
            case .endOfInput:
                break records
            case .blankLine(let end):
                position = end
                result.lineBreaks += 1
            case .record(let end, let lineBreaks):
                let recordRow = result.rows + 1
                if let invalid = UTF8Validation.firstInvalidOffset(
                    in: UnsafeBufferPointer(rebasing: bytes[position..<end]))
                {
                    let column = parser.field(containing: position + invalid)
                    result.error = PieceError(
                        row: recordRow, lineBreaksBefore: result.lineBreaks, column: column,
                        problem: .invalidUTF8(byteOffset: fileOffset + position + invalid))
                    break records
                }
                if parser.fieldCount != expected {
                    result.error = PieceError(
                        row: recordRow, lineBreaksBefore: result.lineBreaks, column: nil,
                        problem: .raggedRow(expected: expected, found: parser.fieldCount))
                    break records
                }
                if let error = result.sink.add(parser, in: bytes, row: recordRow, lineBreaksBefore: result.lineBreaks) {
                    result.error = error
                    break records
                }
                result.rows = recordRow
                result.lineBreaks += lineBreaks
                position = end
            case .unterminatedQuote(let fieldIndex, let lineBreaksBefore):
                result.error = PieceError(
                    row: result.rows + 1, lineBreaksBefore: result.lineBreaks, column: fieldIndex,
                    problem: .unterminatedQuote(openedAtLine: 0), quoteLineBreaks: lineBreaksBefore)
                break records
            case .textAfterClosingQuote(let fieldIndex, let offset):
                // The error shows up to eight bytes after the quote: read them first if the window ends before.
                if offset + 8 > bytes.count && !isEndOfInput {
                    result.needsMoreInput = true
                    break records
                }
                let found = bytes[offset..<min(offset + 8, bytes.count)].prefix { $0 != 10 && $0 != 13 }
                result.error = PieceError(
                    row: result.rows + 1, lineBreaksBefore: result.lineBreaks, column: fieldIndex,
                    problem: .textAfterClosingQuote(found: String(decoding: found, as: UTF8.self)))
                break records
            }
        }
        result.sink.finish()
        result.end = position
        return result
    }
}

/// Per-column state of a reader (or of one piece of a file), in a buffer allocated by hand: updated once per field on
/// the hot path without the uniqueness check of an array or a retain of captured state. Used by one thread at a time.
final class ColumnBuffer<Element> {
    /// The columns' state; valid until ``take()``.
    let elements: UnsafeMutableBufferPointer<Element>
    private var isInitialized = true

    /// A buffer holding `initial`.
    init(_ initial: [Element]) {
        elements = .allocate(capacity: initial.count)
        _ = elements.initialize(from: initial)
    }

    deinit {
        if isInitialized { elements.deinitialize() }
        elements.deallocate()
    }

    /// Moves the elements out (the buffer must not be used afterwards).
    func take() -> [Element] {
        precondition(isInitialized, "ColumnBuffer: taken twice")
        isInitialized = false
        return [Element](unsafeUninitializedCapacity: elements.count) { moved, count in
            count = moved.moveInitialize(fromContentsOf: elements)
        }
    }
}
