extension Inflater {
    /// The longest match (258) plus the 8 bytes a word-wise copy may write past it.
    private static let outputSlack = 258 + 8

    /// Decodes one Huffman-coded block (fixed or dynamic) up to and including its end-of-block symbol.
    ///
    /// This is the hot loop: reader and writer state live in locals and are written back on exit.
    mutating func decodeHuffmanBlock(literals: HuffmanTable, distances: HuffmanTable) throws {
        try literals.entries.withUnsafeBufferPointer { literalEntries in
            try distances.entries.withUnsafeBufferPointer { distanceEntries in
                try decodeSymbols(
                    literalEntries: literalEntries.baseAddress!, literalBits: literals.primaryBits,
                    distanceEntries: distanceEntries.baseAddress!, distanceBits: distances.primaryBits)
            }
        }
    }

    private mutating func decodeSymbols(
        literalEntries: UnsafePointer<UInt32>, literalBits: Int, distanceEntries: UnsafePointer<UInt32>,
        distanceBits: Int
    ) throws {
        let literalMask = (UInt64(1) << UInt64(literalBits)) - 1
        let distanceMask = (UInt64(1) << UInt64(distanceBits)) - 1
        let kindMask = HuffmanTable.kindMask
        let literalKind = HuffmanTable.Kind.literal.rawValue << HuffmanTable.kindShift
        let lengthKind = HuffmanTable.Kind.length.rawValue << HuffmanTable.kindShift
        let endKind = HuffmanTable.Kind.endOfBlock.rawValue << HuffmanTable.kindShift
        let distanceKind = HuffmanTable.Kind.distance.rawValue << HuffmanTable.kindShift
        let linkKind = HuffmanTable.Kind.link.rawValue << HuffmanTable.kindShift

        var bits = bitBuffer
        var available = bitCount
        var out = output.base
        var count = output.count
        var capacity = output.capacity
        defer {
            bitBuffer = bits
            bitCount = available
            output.count = count
        }
        while true {
            if capacity - count < Inflater.outputSlack {
                output.count = count
                output.reserve(Inflater.outputSlack)
                out = output.base
                capacity = output.capacity
            }
            // Refill to at least 56 bits: enough for a length code, its extra bits, a distance code and its extra bits.
            if position + 8 <= inputCount {
                bits |=
                    input.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian &<< UInt64(available)
                position += (63 - available) >> 3
                available |= 56
            } else {
                bitBuffer = bits
                bitCount = available
                try refill()
                bits = bitBuffer
                available = bitCount
            }
            var entry = literalEntries[Int(bits & literalMask)]
            if entry & kindMask == linkKind {
                bits &>>= UInt64(literalBits)
                available -= literalBits
                let subMask = (UInt64(1) << UInt64((entry >> 8) & 0x1F)) - 1
                entry = literalEntries[Int(entry >> 16) + Int(bits & subMask)]
            }
            let codeLength = entry & 0x1F
            bits &>>= UInt64(codeLength)
            available -= Int(codeLength)
            let kind = entry & kindMask
            if kind == literalKind {
                out[count] = UInt8(truncatingIfNeeded: entry >> 16)
                count += 1
                continue
            }
            if kind == endKind { return }
            guard kind == lengthKind else {
                throw CompressionError.invalidHuffmanCode(offset: max(0, position - (available >> 3)))
            }
            let lengthExtra = UInt64((entry >> 8) & 0x1F)
            let length = Int(entry >> 16) + Int(bits & ((UInt64(1) << lengthExtra) - 1))
            bits &>>= lengthExtra
            available -= Int(lengthExtra)

            var distanceEntry = distanceEntries[Int(bits & distanceMask)]
            if distanceEntry & kindMask == linkKind {
                bits &>>= UInt64(distanceBits)
                available -= distanceBits
                let subMask = (UInt64(1) << UInt64((distanceEntry >> 8) & 0x1F)) - 1
                distanceEntry = distanceEntries[Int(distanceEntry >> 16) + Int(bits & subMask)]
            }
            let distanceCodeLength = distanceEntry & 0x1F
            bits &>>= UInt64(distanceCodeLength)
            available -= Int(distanceCodeLength)
            guard distanceEntry & kindMask == distanceKind else {
                throw CompressionError.invalidHuffmanCode(offset: max(0, position - (available >> 3)))
            }
            let distanceExtra = UInt64((distanceEntry >> 8) & 0x1F)
            let distance = Int(distanceEntry >> 16) + Int(bits & ((UInt64(1) << distanceExtra) - 1))
            bits &>>= distanceExtra
            available -= Int(distanceExtra)
            guard distance <= count - streamStart else {
                throw CompressionError.distanceTooFarBack(
                    offset: max(0, position - (available >> 3)), distance: distance, available: count - streamStart)
            }
            Inflater.copyMatch(into: out + count, distance: distance, length: length)
            count += length
        }
    }

    /// Copies `length` bytes from `distance` bytes back (the regions may overlap, repeating a pattern).
    /// May write up to 7 bytes past the match when `distance >= 8`; the caller keeps that much slack.
    @inline(__always)
    private static func copyMatch(into destination: UnsafeMutablePointer<UInt8>, distance: Int, length: Int) {
        let target = UnsafeMutableRawPointer(destination)
        let source = UnsafeRawPointer(destination - distance)
        if distance >= 8 {
            var offset = 0
            repeat {
                target.storeBytes(
                    of: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset,
                    as: UInt64.self)
                offset += 8
            } while offset < length
        } else if distance == 1 {
            destination.update(repeating: destination[-1], count: length)
        } else {
            for index in 0..<length { destination[index] = destination[index - distance] }
        }
    }
}
