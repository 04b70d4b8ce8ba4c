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
/// After `.record`, field `i` is `fieldBytes[fieldStart(i)..<fieldEnds[i]]` and began at buffer offset
/// `fieldRawStarts[i]`. A quote inside an unquoted field is kept literally (as Python's csv module does);
/// text after a closing quote is an error. LF, CRLF and a lone CR all end a record.
struct CSVRecordParser {
    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    let delimiter: UInt8
    let skipsBlankLines: Bool
    /// The unquoted bytes of all fields of the last record, back to back.
    private(set) var fieldBytes: [UInt8] = []
    /// End of each field in `fieldBytes`.
    private(set) var fieldEnds: [Int] = []
    /// Buffer offset where each field (including its opening quote) began.
    private(set) var fieldRawStarts: [Int] = []

    /// Number of fields in the last record.
    var fieldCount: Int { fieldEnds.count }

    /// Start of field `index` in `fieldBytes`.
    func fieldStart(_ index: Int) -> Int { index == 0 ? 0 : fieldEnds[index - 1] }

    /// Parses the record that starts at `start` in `buffer`.
    /// - Parameter isEndOfInput: whether `buffer` holds the rest of the input (otherwise a record that reaches
    ///   the end of the buffer is incomplete).
    mutating func parse(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, isEndOfInput: Bool) -> CSVParseOutcome {
        let end = buffer.count
        fieldBytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        fieldRawStarts.removeAll(keepingCapacity: true)
        if start >= end { return isEndOfInput ? .endOfInput : .needsMoreInput }
        if skipsBlankLines, let blankEnd = Self.lineBreakEnd(buffer, at: start, isEndOfInput: isEndOfInput) {
            return blankEnd < 0 ? .needsMoreInput : .blankLine(end: blankEnd)
        }
        var position = start
        var lineBreaks = 0
        while true {
            fieldRawStarts.append(position)
            if position < end && buffer[position] == Self.quote {
                let quoteLineBreaks = lineBreaks
                switch scanQuotedField(buffer, from: position + 1, isEndOfInput: isEndOfInput, lineBreaks: &lineBreaks)
                {
                case .closedBefore(let next): position = next
                case .needsMoreInput: return .needsMoreInput
                case .unterminated:
                    return .unterminatedQuote(fieldIndex: fieldEnds.count, lineBreaksBefore: quoteLineBreaks)
                }
            } else {
                var scan = position
                while scan < end {
                    let byte = buffer[scan]
                    if byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn { break }
                    scan += 1
                }
                fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[position..<scan]))
                position = scan
            }
            fieldEnds.append(fieldBytes.count)
            // `position` is now just after the field: at a delimiter, a line break, or the end of the buffer.
            if position == end { return isEndOfInput ? .record(end: end, lineBreaks: lineBreaks) : .needsMoreInput }
            let byte = buffer[position]
            if byte == delimiter {
                position += 1
                continue
            }
            guard let recordEnd = Self.lineBreakEnd(buffer, at: position, isEndOfInput: isEndOfInput) else {
                return .textAfterClosingQuote(fieldIndex: fieldEnds.count - 1, offset: position)
            }
            return recordEnd < 0 ? .needsMoreInput : .record(end: recordEnd, lineBreaks: lineBreaks + 1)
        }
    }

    private enum QuotedScan {
        case closedBefore(Int)
        case needsMoreInput
        case unterminated
    }

    /// Copies the inside of a quoted field starting at `position` (just after the opening quote), turning
    /// `""` into `"`. On success returns the offset just after the closing quote.
    private mutating func scanQuotedField(
        _ buffer: UnsafeBufferPointer<UInt8>, from position: Int, isEndOfInput: Bool, lineBreaks: inout Int
    ) -> QuotedScan {
        let end = buffer.count
        var segmentStart = position
        var scan = position
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
            fieldBytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[segmentStart..<scan]))
            if scan + 1 == end && !isEndOfInput { return .needsMoreInput }
            if scan + 1 < end && buffer[scan + 1] == Self.quote {
                fieldBytes.append(Self.quote)
                scan += 2
                segmentStart = scan
                continue
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
