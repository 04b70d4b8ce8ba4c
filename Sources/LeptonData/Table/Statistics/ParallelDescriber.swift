import Foundation
import LeptonKernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one-pass describe of a CSV file on several threads, with bounded memory.
///
/// The file is read in windows of a fixed size. Each window is cut into pieces at line feeds, and the pieces
/// are parsed on the kernels' ``ThreadPool`` at the same time, each into its own column statistics. A cut may
/// fall inside a quoted field that contains a line break, so a piece's start is only a guess; the pieces are
/// then accepted in file order: a piece counts only if the piece before it ended exactly where it starts (that
/// piece began at a true record start, so its records are the true records). Otherwise it is parsed again,
/// on the calling thread, from where the one before really ended. Records that run past the end of the window
/// are carried over to the next one. Errors are reported as the sequential reader reports them: the first in
/// the file, with its row, line and column.
enum ParallelDescriber {
    /// Everything a piece needs besides its bytes; shared read-only by the threads.
    struct Context {
        let source: String
        let header: [String]
        let format: CSVFormat
        let options: CSVReadOptions
        let limits: StreamingDescriber.Limits
        let missing: MissingTokenMatcher
        let numbers: NumberReader
        /// Whether the columns skip string statistics while numeric (see `StreamingColumnStatistics`).
        let defersStrings: Bool
    }

    /// An error found in a piece, with its place relative to the piece's start.
    struct PieceError {
        /// 1-based record number within the piece.
        var row: Int
        /// Line breaks in the piece before the record starts.
        var lineBreaksBefore: Int
        var column: Int?
        var problem: CSVError.Problem
        /// For an unterminated quote: line breaks between the record's start and the opening quote.
        var quoteLineBreaks: Int?
    }

    /// What parsing one piece found.
    struct PieceResult {
        /// Buffer offset just after the last record parsed (or where parsing stopped).
        var end: Int
        var rows = 0
        var lineBreaks = 0
        /// Whether parsing stopped because a record runs past the end of the buffer.
        var needsMoreInput = false
        var columns: [StreamingColumnStatistics]
        var error: PieceError?
    }

    /// Describes `url` with `pool`, reading `pieceBytes × pieces` bytes at a time.
    /// - Parameters:
    ///   - url: the CSV file; it must have a header row (the caller falls back to the sequential reader otherwise).
    ///   - options: dialect, missing tokens, type overrides.
    ///   - limits: per-column memory limits.
    ///   - pieceBytes: the bytes of one piece (at least 1).
    ///   - pool: the threads.
    /// - Throws: ``CSVError`` as ``StreamingDescriber/describe(reader:options:limits:)``.
    static func describe(
        csv url: URL, options: CSVReadOptions, limits: StreamingDescriber.Limits, pieceBytes: Int, pool: ThreadPool
    ) throws -> TableDescription {
        let (description, needsStringPass) = try describe(
            csv: url, options: options, limits: limits, pieceBytes: pieceBytes, pool: pool, defersStrings: true)
        guard needsStringPass else { return description }
        // A column was numeric for a while and then was not: read again, with string statistics throughout.
        return try describe(
            csv: url, options: options, limits: limits, pieceBytes: pieceBytes, pool: pool, defersStrings: false
        ).description
    }

    private static func describe(
        csv url: URL, options: CSVReadOptions, limits: StreamingDescriber.Limits, pieceBytes: Int, pool: ThreadPool,
        defersStrings: Bool
    ) throws -> (description: TableDescription, needsStringPass: Bool) {
        let reader = try CSVReader(url: url, format: options.format)
        guard options.format.hasHeader, let header = reader.header, !header.isEmpty else {
            return (try StreamingDescriber.describe(reader: reader, options: options, limits: limits), false)
        }
        let context = Context(
            source: reader.source, header: header, format: options.format, options: options, limits: limits,
            missing: MissingTokenMatcher(options.missingTokens),
            numbers: try Table.numberReader(options, reader: reader), defersStrings: defersStrings)
        var columns = try StreamingDescriber.makeColumns(header, reader: reader, options: options, limits: limits)
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
            var results = [PieceResult?](repeating: nil, count: pieceCount)
            let windowOffset = bufferFileOffset
            let endOfInput = isEndOfInput
            results.withUnsafeMutableBufferPointer { slots in
                pool.parallelFor(pieceCount) { piece in
                    slots[piece] = parse(
                        bytes, from: bounds[piece], limit: bounds[piece + 1], isEndOfInput: endOfInput,
                        fileOffset: windowOffset, context: context)
                }
            }
            var position = 0
            for piece in 0..<pieceCount {
                var result = results[piece]!
                results[piece] = nil
                if position != bounds[piece] {
                    result = parse(
                        bytes, from: position, limit: bounds[piece + 1], isEndOfInput: endOfInput,
                        fileOffset: windowOffset, context: context)
                }
                if let problem = result.error {
                    let problemLine = line + problem.lineBreaksBefore
                    var reported = problem.problem
                    if let quoteLineBreaks = problem.quoteLineBreaks {
                        reported = .unterminatedQuote(openedAtLine: problemLine + quoteLineBreaks)
                    }
                    throw reader.error(row: row + problem.row, line: problemLine, column: problem.column, reported)
                }
                for index in columns.indices { columns[index].merge(result.columns[index]) }
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
        return (
            TableDescription(rowCount: rowCount, columns: columns.map { $0.describe(options: options) }),
            columns.contains { $0.needsStringPass }
        )
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

    /// Parses the records that start in `start..<limit` (the last may run on past `limit`) into fresh statistics.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int, isEndOfInput: Bool, fileOffset: Int,
        context: Context
    ) -> PieceResult {
        let parser = CSVRecordParser(
            delimiter: context.format.delimiterByte, skipsBlankLines: context.format.skipsBlankLines)
        var result = PieceResult(
            end: start,
            columns: context.header.map {
                StreamingColumnStatistics(
                    name: $0, declaredType: context.options.columnTypes[$0], limits: context.limits,
                    defersStrings: context.defersStrings)
            })
        let expected = context.header.count
        var position = start
        // The columns are updated through a buffer, outside any closure: no uniqueness check of an array and no
        // retain of captured state for every field.
        let columns = UnsafeMutableBufferPointer<StreamingColumnStatistics>.allocate(capacity: result.columns.count)
        _ = columns.initialize(from: result.columns)
        result.columns = []
        defer {
            columns.deinitialize()
            columns.deallocate()
        }
        let missing = context.missing
        let numbers = context.numbers
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
                var rejected: (column: Int, rejection: StreamingColumnStatistics.Rejection)?
                for index in 0..<expected {
                    let rejection = parser.withField(index, in: bytes) { field in
                        columns[index].add(field, missingTokens: missing, numbers: numbers)
                    }
                    if let rejection {
                        rejected = (index, rejection)
                        break
                    }
                }
                if let rejected {
                    let text = parser.withField(rejected.column, in: bytes) { String(decoding: $0, as: UTF8.self) }
                    let problem: CSVError.Problem
                    switch rejected.rejection {
                    case .notANumber: problem = .notANumber(text: text)
                    case .notABoolean: problem = .notABoolean(text: text)
                    }
                    result.error = PieceError(
                        row: recordRow, lineBreaksBefore: result.lineBreaks, column: rejected.column,
                        problem: problem)
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
                let found = bytes[offset..<min(offset + 8, bytes.count)].prefix { $0 != 10 && $0 != 13 }
                result.error = PieceError(
                    row: result.rows + 1, lineBreaksBefore: result.lineBreaks, column: fieldIndex,
                    problem: .textAfterClosingQuote(found: String(decoding: found, as: UTF8.self)))
                break records
            }
        }
        for index in columns.indices { columns[index].prepareForMerge() }
        result.columns = Array(columns)
        result.end = position
        return result
    }
}
