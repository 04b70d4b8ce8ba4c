/// A JSON value read from a safetensors header.
///
/// Objects keep every member in the order written, duplicates included: the header decoder must reject
/// duplicate tensor names, which a dictionary-based parser such as `JSONSerialization` would silently
/// drop. Numbers keep their literal text so that integers of any size are judged exactly.
enum SafeTensorsJSON: Sendable {
    case object([Member])
    case array([SafeTensorsJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// One `"key": value` pair of an object.
    struct Member: Sendable {
        let key: String
        let value: SafeTensorsJSON
    }

    /// A short phrase naming this value for error messages ("an array", "the string \"F32\"").
    var summary: String {
        switch self {
        case .object: "an object"
        case .array(let elements):
            elements.count <= 4 && elements.allSatisfy(\.isScalar)
                ? "[" + elements.map(\.literalText).joined(separator: ", ") + "]"
                : "an array of \(elements.count) values"
        case .string(let text): "the string \"\(text.count > 40 ? text.prefix(40) + "..." : text)\""
        case .number(let literal): "the number \(literal.count > 40 ? literal.prefix(40) + "..." : literal)"
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .object, .array: false
        case .string, .number, .bool, .null: true
        }
    }

    /// The value as JSON-like text, for scalars in messages.
    private var literalText: String {
        switch self {
        case .string(let text): "\"\(text.prefix(40))\""
        case .number(let literal): String(literal.prefix(40))
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        case .object: "{...}"
        case .array: "[...]"
        }
    }
}

/// A strict RFC 8259 JSON parser over raw bytes that the caller has already checked to be valid UTF-8.
struct SafeTensorsJSONParser {
    /// Why and where (byte offset in the parsed buffer) the text stopped being JSON.
    struct SyntaxError: Error {
        let reason: String
        let byteOffset: Int
    }

    /// Deeper nesting is rejected, so that hostile headers cannot exhaust the stack.
    static let maximumNestingDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private var depth = 0

    private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Parses `bytes` as one JSON value, allowing only whitespace around it.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(SyntaxError) -> SafeTensorsJSON {
        var parser = SafeTensorsJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if let byte = parser.peek() {
            throw parser.failure("unexpected \(describe(byte)) after the end of the JSON value")
        }
        return value
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private func failure(_ reason: String, at offset: Int? = nil) -> SyntaxError {
        SyntaxError(reason: reason, byteOffset: offset ?? position)
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x" + String(byte, radix: 16)
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func parseValue() throws(SyntaxError) -> SafeTensorsJSON {
        guard let byte = peek() else { throw failure("unexpected end of the header, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected \(Self.describe(byte)), expected a value")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(SyntaxError) {
        let start = position
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
            (0..<count).allSatisfy({ bytes[start + $0] == word.utf8Start[$0] })
        else { throw failure("unexpected \(Self.describe(bytes[start])), expected a value", at: start) }
        position += count
    }

    private mutating func enterContainer() throws(SyntaxError) {
        depth += 1
        if depth > Self.maximumNestingDepth {
            throw failure("nesting deeper than \(Self.maximumNestingDepth) levels")
        }
        position += 1  // the opening bracket
        skipWhitespace()
    }

    /// Consumes a ',' (returning true) or the closing byte (returning false).
    private mutating func continueContainer(closing: UInt8) throws(SyntaxError) -> Bool {
        skipWhitespace()
        guard let byte = peek() else {
            throw failure("unexpected end of the header, expected ',' or '\(Character(Unicode.Scalar(closing)))'")
        }
        position += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing { return false }
        throw failure(
            "unexpected \(Self.describe(byte)), expected ',' or '\(Character(Unicode.Scalar(closing)))'",
            at: position - 1)
    }

    private mutating func parseObject() throws(SyntaxError) -> SafeTensorsJSON {
        try enterContainer()
        defer { depth -= 1 }
        var members: [SafeTensorsJSON.Member] = []
        if peek() == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        repeat {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw failure(
                    peek().map { "unexpected \(Self.describe($0)), expected a string key" } ?? "unexpected end")
            }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after the key \"\(key)\"") }
            position += 1
            skipWhitespace()
            members.append(SafeTensorsJSON.Member(key: key, value: try parseValue()))
        } while try continueContainer(closing: UInt8(ascii: "}"))
        return .object(members)
    }

    private mutating func parseArray() throws(SyntaxError) -> SafeTensorsJSON {
        try enterContainer()
        defer { depth -= 1 }
        var elements: [SafeTensorsJSON] = []
        if peek() == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        repeat {
            skipWhitespace()
            elements.append(try parseValue())
        } while try continueContainer(closing: UInt8(ascii: "]"))
        return .array(elements)
    }

    private mutating func parseNumber() throws(SyntaxError) -> String {
        let start = position
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
        } else {
            try skipDigits()
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            try skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            try skipDigits()
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    /// Skips one or more decimal digits.
    private mutating func skipDigits() throws(SyntaxError) {
        let start = position
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        if position == start { throw failure("malformed number: expected a digit") }
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        let opening = position
        position += 1
        var decoded: [UInt8] = []
        var runStart = position
        while true {
            guard let byte = peek() else { throw failure("unterminated string", at: opening) }
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeRawBufferPointer(rebasing: bytes[runStart..<position])
                position += 1
                if decoded.isEmpty { return String(decoding: run, as: UTF8.self) }
                decoded.append(contentsOf: run)
                return String(decoding: decoded, as: UTF8.self)
            }
            if byte < 0x20 { throw failure("unescaped control character \(Self.describe(byte)) in a string") }
            if byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            decoded.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<position]))
            try appendEscape(to: &decoded)
            runStart = position
        }
    }

    /// Decodes the escape sequence at `position` (a backslash) into UTF-8.
    private mutating func appendEscape(to decoded: inout [UInt8]) throws(SyntaxError) {
        let start = position
        position += 1
        guard let letter = peek() else { throw failure("unterminated string") }
        position += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(letter)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = try parseUnicodeEscape(escapeStart: start)
            decoded.append(contentsOf: String(scalar).utf8)
        default: throw failure("invalid escape sequence '\\\(Character(Unicode.Scalar(letter)))'", at: start)
        }
    }

    /// Parses the hex digits after `\u`, joining a surrogate pair into one scalar.
    private mutating func parseUnicodeEscape(escapeStart: Int) throws(SyntaxError) -> Unicode.Scalar {
        let first = try parseHexQuad()
        if (0xD800...0xDBFF).contains(first) {
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            else { throw failure("high surrogate \\u\(String(first, radix: 16)) without a low one", at: escapeStart) }
            position += 2
            let second = try parseHexQuad()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw failure("high surrogate followed by \\u\(String(second, radix: 16))", at: escapeStart)
            }
            let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw failure("invalid surrogate pair", at: escapeStart) }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else {
            throw failure("lone low surrogate \\u\(String(first, radix: 16))", at: escapeStart)
        }
        return scalar
    }

    private mutating func parseHexQuad() throws(SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = Self.hexDigitValue(byte) else {
                throw failure("expected four hexadecimal digits after \\u")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private static func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
