/// A table-driven decoder for one canonical Huffman code of DEFLATE (RFC 1951 §3.2.2).
///
/// The next `primaryBits` input bits (least significant first, as DEFLATE stores codes bit-reversed)
/// index `entries`. Codes longer than `primaryBits` go through a link entry to a second-level table
/// that follows the primary one. Each entry is a packed `UInt32`:
///
/// | bits  | meaning |
/// |-------|---------|
/// | 0-4   | how many input bits the entry consumes |
/// | 5-7   | ``Kind`` |
/// | 8-12  | extra bits after the code (length and distance symbols) or the sub-table's index bits (links) |
/// | 16-31 | literal byte, length or distance base, or the sub-table's offset (links) |
struct HuffmanTable: Sendable {
    /// What an entry decodes to.
    enum Kind: UInt32 {
        case literal = 0
        case length = 1
        case endOfBlock = 2
        case distance = 3
        case link = 4
        case invalid = 5
    }

    /// Why a list of code lengths is not a usable prefix code.
    struct BuildFailure: Error {
        let reason: String
    }

    /// Primary table followed by the second-level tables.
    private(set) var entries: [UInt32]
    /// Number of input bits that index the primary table.
    let primaryBits: Int

    static let maximumCodeLength = 15
    static let kindShift: UInt32 = 5
    static let kindMask: UInt32 = 0x7 << kindShift
    static let invalidEntry: UInt32 = Kind.invalid.rawValue << kindShift

    /// Packs the part of an entry that does not depend on the code length.
    static func symbol(_ kind: Kind, value: Int = 0, extraBits: Int = 0) -> UInt32 {
        (UInt32(value) << 16) | (UInt32(extraBits) << 8) | (kind.rawValue << kindShift)
    }

    /// Builds the decoding table for the code whose symbol `i` has code length `lengths[i]` (0 = unused).
    ///
    /// - Parameters:
    ///   - lengths: one code length (0...15) per symbol.
    ///   - symbols: the entry template of each symbol (see ``symbol(_:value:extraBits:)``).
    ///   - primaryBits: the preferred primary index width; smaller if no code is that long.
    ///   - allowsIncomplete: whether a code with unused bit patterns is accepted. RFC 1951 needs this for a
    ///     single one-bit code (a block with one distance); as in zlib, it is allowed only for that case
    ///     and for codes with no symbols at all. Unused patterns decode to `.invalid`.
    /// - Throws: ``BuildFailure`` for an over-subscribed code, or an incomplete one when not allowed.
    init(lengths: [UInt8], symbols: [UInt32], primaryBits requestedBits: Int, allowsIncomplete: Bool)
        throws(BuildFailure)
    {
        var counts = [Int](repeating: 0, count: HuffmanTable.maximumCodeLength + 1)
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        let longest = counts.lastIndex { $0 > 0 } ?? 0
        guard longest > 0 else {
            primaryBits = 1
            entries = [HuffmanTable.invalidEntry, HuffmanTable.invalidEntry]
            return
        }
        var unusedPatterns = 1
        for length in 1...HuffmanTable.maximumCodeLength {
            unusedPatterns = (unusedPatterns << 1) - counts[length]
            if unusedPatterns < 0 { throw BuildFailure(reason: "over-subscribed code") }
        }
        if unusedPatterns > 0 && !(allowsIncomplete && longest == 1) {
            throw BuildFailure(reason: "incomplete code")
        }
        primaryBits = min(requestedBits, longest)
        entries = [UInt32](repeating: HuffmanTable.invalidEntry, count: 1 << primaryBits)
        fillEntries(lengths: lengths, symbols: symbols, counts: counts, longest: longest)
    }

    /// Assigns canonical codes in (length, symbol) order and writes every table slot each code covers.
    private mutating func fillEntries(lengths: [UInt8], symbols: [UInt32], counts: [Int], longest: Int) {
        var firstIndexOfLength = [Int](repeating: 0, count: HuffmanTable.maximumCodeLength + 2)
        for length in 1...HuffmanTable.maximumCodeLength {
            firstIndexOfLength[length + 1] = firstIndexOfLength[length] + counts[length]
        }
        var sorted = [Int](repeating: 0, count: firstIndexOfLength[HuffmanTable.maximumCodeLength + 1])
        for (symbol, length) in lengths.enumerated() where length > 0 {
            sorted[firstIndexOfLength[Int(length)]] = symbol
            firstIndexOfLength[Int(length)] += 1
        }
        var remaining = counts
        let primarySize = 1 << primaryBits
        var code = 0
        var currentPrefix = -1
        var subTableStart = 0
        var subTableBits = 0
        for (position, symbol) in sorted.enumerated() {
            let length = Int(lengths[symbol])
            let reversed = HuffmanTable.reverse(code, bitCount: length)
            if length <= primaryBits {
                let entry = symbols[symbol] | UInt32(length)
                for slot in stride(from: reversed, to: primarySize, by: 1 << length) { entries[slot] = entry }
            } else {
                let prefix = reversed & (primarySize - 1)
                if prefix != currentPrefix {
                    subTableBits = HuffmanTable.subTableBits(
                        firstLength: length, primaryBits: primaryBits, longest: longest, remaining: remaining)
                    subTableStart = entries.count
                    entries.append(contentsOf: repeatElement(HuffmanTable.invalidEntry, count: 1 << subTableBits))
                    entries[prefix] =
                        HuffmanTable.symbol(.link, value: subTableStart, extraBits: subTableBits) | UInt32(primaryBits)
                    currentPrefix = prefix
                }
                let entry = symbols[symbol] | UInt32(length - primaryBits)
                let first = reversed >> primaryBits
                for slot in stride(from: first, to: 1 << subTableBits, by: 1 << (length - primaryBits)) {
                    entries[subTableStart + slot] = entry
                }
            }
            remaining[length] -= 1
            code += 1
            if position + 1 < sorted.count { code <<= Int(lengths[sorted[position + 1]]) - length }
        }
    }

    /// The index width of a second-level table that must hold the codes from the current one on, the
    /// way zlib sizes them: grow until the codes of the remaining lengths fill the sub-tree.
    private static func subTableBits(firstLength: Int, primaryBits: Int, longest: Int, remaining: [Int]) -> Int {
        var bits = firstLength - primaryBits
        var freeSlots = 1 << bits
        while bits + primaryBits < longest {
            freeSlots -= remaining[bits + primaryBits]
            if freeSlots <= 0 { break }
            bits += 1
            freeSlots <<= 1
        }
        return bits
    }

    /// `code` with its lowest `bitCount` bits in reverse order.
    private static func reverse(_ code: Int, bitCount: Int) -> Int {
        var reversed = 0
        var rest = code
        for _ in 0..<bitCount {
            reversed = (reversed << 1) | (rest & 1)
            rest >>= 1
        }
        return reversed
    }
}
