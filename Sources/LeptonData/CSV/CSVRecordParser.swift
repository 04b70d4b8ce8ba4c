/// What happened when the parser tried to read one record from a buffer.
enum CSVParseOutcome: Equatable {
    /// A record ended just before `end` (after its line break); it spans `lineBreaks` line breaks.
    case record(end: Int, lineBreaks: Int)
    /// An empty line was skipped; the next record starts at `end`.
    case blankLine(end: Int)
    /// The buffer ends inside the record: parse again from the same start with more bytes.
    case needsMoreInput
    /// There are no more records.
    case endOfInput
    /// Field `fieldIndex` opened a quote that the input never closes; `lineBreaksBefore` precede the quote.
    case unterminatedQuote(fieldIndex: Int, lineBreaksBefore: Int)
    /// Field `fieldIndex` has the byte at `offset` right after its closing quote.
    case textAfterClosingQuote(fieldIndex: Int, offset: Int)
}

/// The RFC 4180 state machine over bytes: splits one record into fields, unquoting them.
///
/// After `.record`, ``withField(_:in:_:)`` gives field `i`'s unquoted bytes: a slice of the parsed buffer, or, for
/// a quoted field with doubled quotes, of `fieldBytes` where the parser unescaped it; ``field(containing:)`` says
/// which field a buffer offset is in. A quote inside an unquoted field is kept literally (as Python's csv module
/// does); text after a closing quote is an error. LF, CRLF and a lone CR all end a record. A class, so that a
/// reader that holds one reaches its fields without copying it; one per reader or parsed piece, not shared.
final class CSVRecordParser {
    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    let delimiter: UInt8
    let skipsBlankLines: Bool
    /// The unescaped bytes of the last record's quoted fields that contain doubled quotes, back to back.
    private(set) var fieldBytes: [UInt8] = []
    /// Per field: its start (an offset into the buffer, or `~offset`, negative, into `fieldBytes`), its end (in the
    /// buffer or in `fieldBytes` as its start says), and the buffer offset where it began, opening quote included.
    private let offsets = CSVFieldOffsets()

    init(delimiter: UInt8, skipsBlankLines: Bool) {
        self.delimiter = delimiter
        self.skipsBlankLines = skipsBlankLines
    }

    /// Number of fields in the last record.
    var fieldCount: Int { offsets.count }

    /// The index of the field of the last record (or of the record being parsed when it failed) that holds buffer
    /// offset `offset`: the last field that began at or before it (0 if none).
    func field(containing offset: Int) -> Int {
        var index = offsets.rawCount - 1
        while index >= 0 && offsets.rawStart(index) > offset { index -= 1 }
        return max(index, 0)
    }

    /// Calls `body` with the unquoted bytes of field `index` of the last record; `buffer` must be the buffer it was
    /// parsed from, unchanged.
    func withField<Result>(
        _ index: Int, in buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) rethrows -> Result {
        let start = offsets.start(index)
        let end = offsets.end(index)
        if start >= 0 { return try body(UnsafeBufferPointer(rebasing: buffer[start..<end])) }
        return try fieldBytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[(~start)..<end])) }
    }

    /// Parses the record that starts at `start` in `buffer`.
    /// - Parameter isEndOfInput: whether `buffer` holds the rest of the input (otherwise a record that reaches
    ///   the end of the buffer is incomplete).
    func parse(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, isEndOfInput: Bool) -> CSVParseOutcome {
        let end = buffer.count
        if !fieldBytes.isEmpty { fieldBytes.removeAll(keepingCapacity: true) }
        offsets.removeAll()
        if start >= end { return isEndOfInput ? .endOfInput : .needsMoreInput }
        if skipsBlankLines, let blankEnd = Self.lineBreakEnd(buffer, at: start, isEndOfInput: isEndOfInput) {
            return blankEnd < 0 ? .needsMoreInput : .blankLine(end: blankEnd)
        }
        var position = start
        var lineBreaks = 0
        while true {
            offsets.appendRawStart(position)
            if position < end && buffer[position] == Self.quote {
                let quoteLineBreaks = lineBreaks
                switch scanQuotedField(buffer, from: position + 1, isEndOfInput: isEndOfInput, lineBreaks: &lineBreaks)
                {
                case .closedBefore(let next): position = next
                case .needsMoreInput: return .needsMoreInput
                case .unterminated:
                    return .unterminatedQuote(fieldIndex: offsets.count, lineBreaksBefore: quoteLineBreaks)
                }
            } else {
                let scan = Self.endOfUnquotedField(buffer, from: position, delimiter: delimiter)
                offsets.appendField(start: position, end: scan)
                position = scan
            }
            // `position` is now just after the field: at a delimiter, a line break, or the end of the buffer.
            if position == end { return isEndOfInput ? .record(end: end, lineBreaks: lineBreaks) : .needsMoreInput }
            let byte = buffer[position]
            if byte == delimiter {
                position += 1
                continue
            }
            guard let recordEnd = Self.lineBreakEnd(buffer, at: position, isEndOfInput: isEndOfInput) else {
                return .textAfterClosingQuote(fieldIndex: offsets.count - 1, offset: position)
            }
            return recordEnd < 0 ? .needsMoreInput : .record(end: recordEnd, lineBreaks: lineBreaks + 1)
        }
    }

    private enum QuotedScan {
        case closedBefore(Int)
        case needsMoreInput
        case unterminated
    }

    /// The offset of the first delimiter, CR or LF at or after `position` (the end of the buffer if none),
    /// looking at eight bytes at a time.
    private static func endOfUnquotedField(_ buffer: UnsafeBufferPointer<UInt8>, from position: Int, delimiter: UInt8)
        -> Int
    {
        let end = buffer.count
        var scan = position
        if let base = buffer.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            let delimiters = ones &* UInt64(delimiter)
            let lineFeeds = ones &* UInt64(lineFeed)
            let carriageReturns = ones &* UInt64(carriageReturn)
            while scan + 8 <= end {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + scan).loadUnaligned(as: UInt64.self))
                // A byte of `x` is zero exactly where the word has the byte looked for; the lowest flagged byte is
                // always a true match (borrows only create false flags above a true one).
                let a = word ^ delimiters
                let b = word ^ lineFeeds
                let c = word ^ carriageReturns
                let found =
                    ((a &- ones) & ~a | (b &- ones) & ~b | (c &- ones) & ~c) & highs
                if found != 0 { return scan + found.trailingZeroBitCount / 8 }
                scan += 8
            }
        }
        while scan < end {
            let byte = buffer[scan]
            if byte == delimiter || byte == lineFeed || byte == carriageReturn { break }
            scan += 1
        }
        return scan
    }

    /// Records the inside of a quoted field starting at `position` (just after the opening quote): as a slice of
    /// the buffer, or copied to `fieldBytes` with `""` turned into `"` if it has doubled quotes. On success returns
    /// the offset just after the closing quote.
    private func scanQuotedField(
        _ buffer: UnsafeBufferPointer<UInt8>, from position: Int, isEndOfInput: Bool, lineBreaks: inout Int
    ) -> QuotedScan {
        let end = buffer.count
        var segmentStart = position
        var scan = position
        /// Where this field's copy starts in `fieldBytes`, once a doubled quote forced a copy.
        var copyStart: Int?
        while true {
            while scan < end && buffer[scan] != Self.quote {
                let byte = buffer[scan]
                if byte == Self.lineFeed
                    || (byte == Self.carriageReturn && scan + 1 < end && buffer[scan + 1] != Self.lineFeed)
                {
                    lineBreaks += 1
                }
                scan += 1
            }
            if scan == end { return isEndOfInput ? .unterminated : .needsMoreInput }
            if scan + 1 == end && !isEndOfInput { return .needsMoreInput }
            if scan + 1 < end && buffer[scan + 1] == Self.quote {
                if copyStart == nil { copyStart = fieldBytes.count }
                fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[segmentStart..<scan]))
                fieldBytes.append(Self.quote)
                scan += 2
                segmentStart = scan
                continue
            }
            if let copyStart {
                fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[segmentStart..<scan]))
                offsets.appendField(start: ~copyStart, end: fieldBytes.count)
            } else {
                offsets.appendField(start: position, end: scan)
            }
            return .closedBefore(scan + 1)
        }
    }

    /// If a line break starts at `position`, the offset after it (CRLF counts as one); -1 if a CR is the last
    /// byte of an incomplete buffer; `nil` if the byte is not a line break.
    private static func lineBreakEnd(_ buffer: UnsafeBufferPointer<UInt8>, at position: Int, isEndOfInput: Bool) -> Int?
    {
        switch buffer[position] {
        case lineFeed: return position + 1
        case carriageReturn:
            if position + 1 < buffer.count { return buffer[position + 1] == lineFeed ? position + 2 : position + 1 }
            return isEndOfInput ? position + 1 : -1
        default: return nil
        }
    }
}
