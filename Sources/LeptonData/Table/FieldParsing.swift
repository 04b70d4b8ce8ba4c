/// Parsing of CSV field bytes into numbers, booleans and missing markers, without creating strings.
enum FieldParsing {
    /// Exactly representable powers of ten (Clinger's fast path).
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// `bytes` without leading and trailing spaces and tabs.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// The number in `raw` (surrounding spaces allowed), or `nil` if it is not a number.
    ///
    /// Accepts `[+-]digits[.digits][(e|E)[+-]digits]` with digits on at least one side of the point, and
    /// `inf`, `infinity`, `nan` in any case. Correctly rounded: simple decimals take Clinger's exact fast
    /// path, anything else goes through the standard library's conversion.
    static func number(_ raw: UnsafeBufferPointer<UInt8>) -> Double? {
        let bytes = trimmed(raw)
        let count = bytes.count
        guard count > 0 else { return nil }
        var index = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative || bytes[0] == UInt8(ascii: "+") { index = 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var sawDigit = false
        var isExact = true
        while index < count, case let digit = bytes[index] &- 0x30, digit < 10 {
            if significantDigits < 19 {
                mantissa = mantissa * 10 + UInt64(digit)
                if mantissa != 0 { significantDigits += 1 }
            } else {
                exponent += 1
                if digit != 0 { isExact = false }
            }
            sawDigit = true
            index += 1
        }
        if index < count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < count, case let digit = bytes[index] &- 0x30, digit < 10 {
                if significantDigits < 19 {
                    mantissa = mantissa * 10 + UInt64(digit)
                    if mantissa != 0 { significantDigits += 1 }
                    exponent -= 1
                } else if digit != 0 {
                    isExact = false
                }
                sawDigit = true
                index += 1
            }
        }
        guard sawDigit else { return special(bytes, from: index, negative: negative) }
        if index < count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            var exponentNegative = false
            if index < count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            var sawExponentDigit = false
            while index < count, case let digit = bytes[index] &- 0x30, digit < 10 {
                if written < 100_000 { written = written * 10 + Int(digit) }
                sawExponentDigit = true
                index += 1
            }
            guard sawExponentDigit else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard index == count else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if isExact && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
            return negative ? -value : value
        }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// `inf`, `infinity` or `nan` (any case) after an optional sign, or `nil`.
    private static func special(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, negative: Bool) -> Double? {
        let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self).lowercased()
        switch word {
        case "inf", "infinity": return negative ? -.infinity : .infinity
        case "nan": return .nan
        default: return nil
        }
    }

    /// The boolean in `raw` (surrounding spaces allowed, any case), or `nil`.
    /// - Parameter lenient: `false` accepts only `true`/`false` (used for inference); `true` also accepts
    ///   `yes`/`no`, `t`/`f`, `y`/`n` and `1`/`0` (used when a column is declared boolean).
    static func boolean(_ raw: UnsafeBufferPointer<UInt8>, lenient: Bool) -> Bool? {
        let bytes = trimmed(raw)
        guard !bytes.isEmpty, bytes.count <= 5 else { return nil }
        // Pack the lower-cased bytes into an integer and compare with the packed spellings.
        var packed: UInt64 = 0
        for byte in bytes { packed = packed << 8 | UInt64(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
        switch packed {
        case packedTrue: return true
        case packedFalse: return false
        case packedYes, packedT, packedY, packedOne: return lenient ? true : nil
        case packedNo, packedF, packedN, packedZero: return lenient ? false : nil
        default: return nil
        }
    }

    private static func pack(_ word: StaticString) -> UInt64 {
        var packed: UInt64 = 0
        for index in 0..<word.utf8CodeUnitCount { packed = packed << 8 | UInt64(word.utf8Start[index]) }
        return packed
    }

    private static let packedTrue = pack("true")
    private static let packedFalse = pack("false")
    private static let packedYes = pack("yes")
    private static let packedNo = pack("no")
    private static let packedT = pack("t")
    private static let packedF = pack("f")
    private static let packedY = pack("y")
    private static let packedN = pack("n")
    private static let packedOne = pack("1")
    private static let packedZero = pack("0")
}

/// Recognises the fields that mean "missing" (compared after trimming spaces and tabs, case-sensitively).
struct MissingTokenMatcher: Sendable {
    private let tokens: [[UInt8]]
    private let longest: Int
    /// Per length 0...8, the tokens of that length packed into integers (see `pack`).
    private let packedByLength: [[UInt64]]

    /// Whether the empty field is a token.
    private let matchesEmpty: Bool
    /// The first bytes of the non-empty tokens, as a 256-bit set (bit `b % 64` of word `b / 64`): a field starting
    /// with any other byte is not a token, which settles most numbers without packing them.
    private let firstBytes: (UInt64, UInt64, UInt64, UInt64)

    init(_ tokens: Set<String>) {
        self.tokens = tokens.map { Array($0.utf8) }
        longest = self.tokens.map(\.count).max() ?? 0
        matchesEmpty = tokens.contains("")
        var words: [UInt64] = [0, 0, 0, 0]
        for token in self.tokens where !token.isEmpty { words[Int(token[0] >> 6)] |= 1 << UInt64(token[0] & 63) }
        firstBytes = (words[0], words[1], words[2], words[3])
        var packed = [[UInt64]](repeating: [], count: 9)
        for token in self.tokens where token.count <= 8 {
            packed[token.count].append(token.withUnsafeBufferPointer { Self.pack($0) })
        }
        packedByLength = packed
    }

    /// Up to eight bytes as one integer, the first byte lowest.
    private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var packed: UInt64 = 0
        for (index, byte) in bytes.enumerated() { packed |= UInt64(byte) << UInt64(8 * index) }
        return packed
    }

    /// Whether `raw` is one of the tokens.
    func matches(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        let bytes = FieldParsing.trimmed(raw)
        guard let first = bytes.first else { return matchesEmpty }
        let word: UInt64
        switch first >> 6 {
        case 0: word = firstBytes.0
        case 1: word = firstBytes.1
        case 2: word = firstBytes.2
        default: word = firstBytes.3
        }
        guard word & (1 << UInt64(first & 63)) != 0, bytes.count <= longest else { return false }
        if bytes.count <= 8 {
            let candidates = packedByLength[bytes.count]
            if candidates.isEmpty { return false }
            let packed = Self.pack(bytes)
            return candidates.contains(packed)
        }
        return tokens.contains { token in token.count == bytes.count && token.elementsEqual(bytes) }
    }
}

/// Parses numbers with an optional thousands separator (pandas' `thousands=`): the separator's bytes are removed
/// before parsing, so `"1,234.5"` reads as 1234.5 with `,`.
struct NumberReader: Sendable {
    /// The separator byte, or `nil` for none.
    let separator: UInt8?

    /// The number in `field`, or `nil` if it is not one.
    func number(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let separator, field.contains(separator) else { return FieldParsing.number(field) }
        let digits = field.filter { $0 != separator }
        return digits.withUnsafeBufferPointer { FieldParsing.number($0) }
    }
}
