/// Decodes one raw DEFLATE stream (RFC 1951) from a byte buffer into an ``OutputBuffer``.
///
/// Bits are read least significant first from a 64-bit buffer refilled eight bytes at a time. Past the end
/// of the input the refill supplies zero bytes and counts them in `overrunBytes`; consuming any of them
/// means the input was truncated, which is checked after every block and whenever the overrun grows.
struct Inflater {
    let input: UnsafeRawPointer
    let inputCount: Int
    /// Next input byte to load into `bitBuffer`.
    var position: Int
    var bitBuffer: UInt64 = 0
    /// Valid bits in `bitBuffer` (the bits above may hold a copy of the next input byte).
    var bitCount = 0
    /// Zero bytes supplied after the end of the input.
    var overrunBytes = 0
    let output: OutputBuffer
    /// Where this stream's output starts: back-references may not reach before it.
    let streamStart: Int

    /// An inflater for the stream that starts at byte `start` of `input`; output is appended to `output`.
    init(input: UnsafeRawBufferPointer, start: Int, output: OutputBuffer) {
        self.input = input.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        inputCount = input.count
        position = start
        self.output = output
        streamStart = output.count
    }

    /// The input offset of the byte holding the next unread bit (an approximation for error messages).
    var approximateOffset: Int { max(0, position - (bitCount >> 3)) }

    /// Decodes blocks until the one marked final; returns the offset of the first byte after the stream.
    mutating func inflateStream() throws -> Int {
        var isFinal = false
        while !isFinal {
            try refill()
            isFinal = (bitBuffer & 1) != 0
            let blockType = Int((bitBuffer >> 1) & 3)
            consume(3)
            do {
                switch blockType {
                case 0: try copyStoredBlock()
                case 1:
                    try decodeHuffmanBlock(
                        literals: DeflateAlphabet.fixedLiteralLengthTable,
                        distances: DeflateAlphabet.fixedDistanceTable)
                case 2:
                    let (literals, distances) = try readDynamicTables()
                    try decodeHuffmanBlock(literals: literals, distances: distances)
                default: throw CompressionError.invalidBlockType(offset: approximateOffset)
                }
            } catch {
                // Zeros read past the end of a cut-off stream decode to nonsense; the cause is the truncation.
                try checkNotTruncated("deflate block")
                throw error
            }
            try checkNotTruncated("deflate block")
        }
        return position - (bitCount - overrunBytes * 8) / 8
    }

    /// Throws if any bit supplied after the end of the input has been consumed.
    func checkNotTruncated(_ context: String) throws {
        if bitCount < overrunBytes * 8 { throw CompressionError.truncatedInput(context: context) }
    }

    /// Drops `bits` consumed bits.
    mutating func consume(_ bits: Int) {
        bitBuffer &>>= UInt64(bits)
        bitCount -= bits
    }

    /// Ensures at least 56 valid bits (zeros past the end of input, counted in `overrunBytes`).
    mutating func refill() throws {
        if position + 8 <= inputCount {
            bitBuffer |=
                input.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian &<< UInt64(bitCount)
            position += (63 - bitCount) >> 3
            bitCount |= 56
            return
        }
        while bitCount <= 56 {
            if position < inputCount {
                bitBuffer |= UInt64(input.load(fromByteOffset: position, as: UInt8.self)) &<< UInt64(bitCount)
                position += 1
            } else {
                overrunBytes += 1
            }
            bitCount += 8
        }
        // A valid stream never needs more than a few bytes of look-ahead past its end.
        if overrunBytes > 16 { try checkNotTruncated("deflate stream") }
    }

    /// Block type 0: byte-aligned LEN, NLEN, then LEN raw bytes.
    private mutating func copyStoredBlock() throws {
        try checkNotTruncated("stored block header")
        let start = position - (bitCount - overrunBytes * 8) / 8
        bitBuffer = 0
        bitCount = 0
        overrunBytes = 0
        guard start + 4 <= inputCount else { throw CompressionError.truncatedInput(context: "stored block header") }
        let length = UInt16(littleEndian: input.loadUnaligned(fromByteOffset: start, as: UInt16.self))
        let complement = UInt16(littleEndian: input.loadUnaligned(fromByteOffset: start + 2, as: UInt16.self))
        guard length == ~complement else {
            throw CompressionError.invalidStoredBlockLength(offset: start, length: length, complement: complement)
        }
        guard start + 4 + Int(length) <= inputCount else {
            throw CompressionError.truncatedInput(context: "stored block data")
        }
        output.append(UnsafeRawBufferPointer(start: input + start + 4, count: Int(length)))
        position = start + 4 + Int(length)
    }

    /// Reads a dynamic block header (RFC 1951 §3.2.7) and builds its two decoding tables.
    private mutating func readDynamicTables() throws -> (HuffmanTable, HuffmanTable) {
        try refill()
        let headerOffset = approximateOffset
        let literalCount = Int(bitBuffer & 0x1F) + 257
        let distanceCount = Int((bitBuffer >> 5) & 0x1F) + 1
        let codeLengthCount = Int((bitBuffer >> 10) & 0xF) + 4
        consume(14)
        guard literalCount <= 286, distanceCount <= 30 else {
            throw CompressionError.invalidHuffmanCodeLengths(
                offset: headerOffset,
                reason: "\(literalCount) literal/length and \(distanceCount) distance codes (at most 286 and 30)")
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount {
            try refill()
            codeLengthLengths[DeflateAlphabet.codeLengthOrder[index]] = UInt8(bitBuffer & 7)
            consume(3)
        }
        let codeLengthTable = try buildTable(
            codeLengthLengths, symbols: DeflateAlphabet.codeLengthSymbols, primaryBits: 7, allowsIncomplete: false,
            what: "code length code", offset: headerOffset)
        let lengths = try readCodeLengths(
            count: literalCount + distanceCount, table: codeLengthTable, headerOffset: headerOffset)
        guard lengths[256] != 0 else {
            throw CompressionError.invalidHuffmanCodeLengths(offset: headerOffset, reason: "no end-of-block code")
        }
        let literals = try buildTable(
            Array(lengths[0..<literalCount]), symbols: DeflateAlphabet.literalLengthSymbols,
            primaryBits: DeflateAlphabet.literalLengthPrimaryBits, allowsIncomplete: true,
            what: "literal/length code", offset: headerOffset)
        let distances = try buildTable(
            Array(lengths[literalCount...]), symbols: DeflateAlphabet.distanceSymbols,
            primaryBits: DeflateAlphabet.distancePrimaryBits, allowsIncomplete: true, what: "distance code",
            offset: headerOffset)
        return (literals, distances)
    }

    /// Decodes `count` code lengths with the code-length code, expanding the repeat symbols 16, 17 and 18.
    private mutating func readCodeLengths(count: Int, table: HuffmanTable, headerOffset: Int) throws -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: count)
        var index = 0
        let mask = UInt64(1 << table.primaryBits) - 1
        while index < count {
            try refill()
            let entry = table.entries[Int(bitBuffer & mask)]
            guard entry & HuffmanTable.kindMask == HuffmanTable.Kind.literal.rawValue << HuffmanTable.kindShift else {
                throw CompressionError.invalidHuffmanCode(offset: approximateOffset)
            }
            consume(Int(entry & 0x1F))
            let symbol = Int(entry >> 16)
            if symbol < 16 {
                lengths[index] = UInt8(symbol)
                index += 1
                continue
            }
            let (repeated, extraBits, base): (UInt8, Int, Int)
            switch symbol {
            case 16:
                guard index > 0 else {
                    throw CompressionError.invalidHuffmanCodeLengths(
                        offset: headerOffset, reason: "repeat code 16 with no previous length")
                }
                (repeated, extraBits, base) = (lengths[index - 1], 2, 3)
            case 17: (repeated, extraBits, base) = (0, 3, 3)
            default: (repeated, extraBits, base) = (0, 7, 11)
            }
            let runLength = base + Int(bitBuffer & ((1 << UInt64(extraBits)) - 1))
            consume(extraBits)
            guard index + runLength <= count else {
                throw CompressionError.invalidHuffmanCodeLengths(
                    offset: headerOffset, reason: "repeat runs past the \(count) code lengths")
            }
            for slot in index..<(index + runLength) { lengths[slot] = repeated }
            index += runLength
        }
        return lengths
    }

    /// ``HuffmanTable/init(lengths:symbols:primaryBits:allowsIncomplete:)`` with the failure named.
    private func buildTable(
        _ lengths: [UInt8], symbols: [UInt32], primaryBits: Int, allowsIncomplete: Bool, what: String, offset: Int
    ) throws -> HuffmanTable {
        do {
            return try HuffmanTable(
                lengths: lengths, symbols: symbols, primaryBits: primaryBits, allowsIncomplete: allowsIncomplete)
        } catch {
            throw CompressionError.invalidHuffmanCodeLengths(offset: offset, reason: "\(what): \(error.reason)")
        }
    }
}
