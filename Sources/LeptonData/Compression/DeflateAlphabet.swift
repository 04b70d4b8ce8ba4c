/// The symbol alphabets of RFC 1951 §3.2.5 as ``HuffmanTable`` entry templates, and the fixed codes of §3.2.6.
enum DeflateAlphabet {
    /// Literal/length symbols 0...287: literals, end of block, lengths 3...258; 286 and 287 are invalid.
    static let literalLengthSymbols: [UInt32] = {
        let lengthBases = [
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
            227, 258,
        ]
        let lengthExtraBits = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        var symbols = (0..<256).map { HuffmanTable.symbol(.literal, value: $0) }
        symbols.append(HuffmanTable.symbol(.endOfBlock))
        for index in lengthBases.indices {
            symbols.append(HuffmanTable.symbol(.length, value: lengthBases[index], extraBits: lengthExtraBits[index]))
        }
        symbols.append(HuffmanTable.invalidEntry)
        symbols.append(HuffmanTable.invalidEntry)
        return symbols
    }()

    /// Distance symbols 0...31: distances 1...32768; 30 and 31 are invalid.
    static let distanceSymbols: [UInt32] = {
        var symbols: [UInt32] = []
        for code in 0..<30 {
            let extraBits = code < 4 ? 0 : code / 2 - 1
            let base = code < 4 ? code + 1 : (2 + code % 2) << extraBits + 1
            symbols.append(HuffmanTable.symbol(.distance, value: base, extraBits: extraBits))
        }
        symbols.append(HuffmanTable.invalidEntry)
        symbols.append(HuffmanTable.invalidEntry)
        return symbols
    }()

    /// Code-length symbols 0...18 of a dynamic block header, decoded as plain values.
    static let codeLengthSymbols: [UInt32] = (0..<19).map { HuffmanTable.symbol(.literal, value: $0) }

    /// The order in which a dynamic header lists the code lengths of the code-length alphabet.
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Primary index widths: wide enough that almost every code resolves in one lookup.
    static let literalLengthPrimaryBits = 10
    static let distancePrimaryBits = 8

    /// The fixed literal/length code of block type 1.
    static let fixedLiteralLengthTable: HuffmanTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        return fixedTable(lengths: lengths, symbols: literalLengthSymbols, primaryBits: literalLengthPrimaryBits)
    }()

    /// The fixed distance code of block type 1: 32 five-bit codes.
    static let fixedDistanceTable: HuffmanTable = {
        fixedTable(
            lengths: [UInt8](repeating: 5, count: 32), symbols: distanceSymbols, primaryBits: distancePrimaryBits)
    }()

    /// A table of the fixed code, which is complete by construction, so building it cannot fail.
    private static func fixedTable(lengths: [UInt8], symbols: [UInt32], primaryBits: Int) -> HuffmanTable {
        do {
            return try HuffmanTable(
                lengths: lengths, symbols: symbols, primaryBits: primaryBits, allowsIncomplete: false)
        } catch {
            preconditionFailure("DeflateAlphabet: the fixed Huffman code is invalid: \(error)")
        }
    }
}
