/// A character-level tokenizer for language modelling: one id per distinct Unicode scalar of a training text,
/// in code-point order (as Python's `sorted(set(text))`, so ids agree with nanoGPT's character models), plus an
/// optional id for characters never seen.
///
/// Characters are Unicode scalars rather than Swift `Character`s (grapheme clusters), so `"\r\n"` is two tokens
/// and the ids of a text match those of a Python script iterating over the same string.
public struct CharacterTokenizer: Sendable, Codable, Equatable {
    /// What ``encode(_:)`` does with a character outside the vocabulary.
    public enum UnknownHandling: String, Sendable, Codable, Equatable {
        /// Throw ``TextDataError/unknownCharacter(_:position:)``.
        case error
        /// Map it to ``CharacterTokenizer/unknownID``, the last id.
        case replace
        /// Leave it out.
        case skip
    }

    /// The characters by id (one Unicode scalar each).
    public let characters: [String]
    /// The treatment of characters outside the vocabulary.
    public let unknownHandling: UnknownHandling
    /// The character ``decode(_:)`` writes for ``unknownID`` (U+FFFD, the replacement character).
    public static let unknownCharacter = "\u{FFFD}"

    private let codes: [UInt32]

    /// Builds the vocabulary of a text.
    ///
    /// - Parameters:
    ///   - text: The training text.
    ///   - unknownHandling: What encoding does with unseen characters (default `.replace`).
    /// - Throws: ``TextDataError/emptyText`` when `text` is empty.
    public init(fitting text: String, unknownHandling: UnknownHandling = .replace) throws(TextDataError) {
        var seen = Set<UInt32>()
        for scalar in text.unicodeScalars { seen.insert(scalar.value) }
        guard !seen.isEmpty else { throw TextDataError.emptyText }
        codes = seen.sorted()
        characters = codes.map { String(Unicode.Scalar($0).map(Character.init) ?? "\u{FFFD}") }
        self.unknownHandling = unknownHandling
    }

    private enum CodingKeys: String, CodingKey {
        case characters
        case unknownHandling
    }

    /// Reads a stored tokenizer, refusing entries that are not exactly one Unicode scalar or repeat.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        characters = try container.decode([String].self, forKey: .characters)
        unknownHandling = try container.decode(UnknownHandling.self, forKey: .unknownHandling)
        var codes: [UInt32] = []
        for (index, character) in characters.enumerated() {
            let scalars = Array(character.unicodeScalars)
            guard scalars.count == 1 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .characters, in: container,
                    debugDescription: "entry \(index) holds \(scalars.count) Unicode scalars, not 1")
            }
            codes.append(scalars[0].value)
        }
        guard !codes.isEmpty, Set(codes).count == codes.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .characters, in: container, debugDescription: "characters are empty or repeat")
        }
        self.codes = codes
    }

    /// Writes the characters and the unknown-character handling.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(characters, forKey: .characters)
        try container.encode(unknownHandling, forKey: .unknownHandling)
    }

    /// The number of ids: one per character, plus ``unknownID`` when unknown characters are replaced.
    public var vocabularySize: Int { characters.count + (unknownHandling == .replace ? 1 : 0) }

    /// The id of unseen characters under `.replace` (the last id), else `nil`.
    public var unknownID: Int32? { unknownHandling == .replace ? Int32(characters.count) : nil }

    /// The id of every character of `text`.
    ///
    /// - Parameter text: The text.
    /// - Returns: One id per Unicode scalar (fewer under `.skip`).
    /// - Throws: ``TextDataError/unknownCharacter(_:position:)`` for an unseen character under `.error`.
    public func encode(_ text: String) throws(TextDataError) -> [Int32] {
        var ascii = [Int32](repeating: -1, count: 128)
        var other: [UInt32: Int32] = [:]
        for (id, code) in codes.enumerated() {
            if code < 128 { ascii[Int(code)] = Int32(id) } else { other[code] = Int32(id) }
        }
        var ids: [Int32] = []
        ids.reserveCapacity(text.utf8.count)
        for (position, scalar) in text.unicodeScalars.enumerated() {
            let id = scalar.value < 128 ? ascii[Int(scalar.value)] : (other[scalar.value] ?? -1)
            if id >= 0 {
                ids.append(id)
                continue
            }
            switch unknownHandling {
            case .error: throw TextDataError.unknownCharacter(String(Character(scalar)), position: position)
            case .replace: ids.append(Int32(characters.count))
            case .skip: continue
            }
        }
        return ids
    }

    /// The text of a sequence of ids.
    ///
    /// - Parameter ids: Ids in `0..<vocabularySize`.
    /// - Returns: The characters, with ``unknownCharacter`` for ``unknownID``.
    /// - Throws: ``TextDataError/idOutOfRange(id:position:vocabularySize:)`` for an id outside the vocabulary.
    public func decode(_ ids: [Int32]) throws(TextDataError) -> String {
        var scalars = String.UnicodeScalarView()
        for (position, id) in ids.enumerated() {
            guard id >= 0, Int(id) < vocabularySize else {
                throw TextDataError.idOutOfRange(id: Int(id), position: position, vocabularySize: vocabularySize)
            }
            if Int(id) == characters.count {
                scalars.append("\u{FFFD}")
            } else if let scalar = Unicode.Scalar(codes[Int(id)]) {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
