import LeptonData

/// The input of a text model: raw strings, turned into token ids by the tokenizer stored in the bundle, then
/// truncated or padded to the model's length.
///
/// The model takes `[maximumLength]` ids, padded with the tokenizer's ``TextTokenizer/paddingID``; a model that
/// starts with a `PaddingMask` of that id masks the padding out, so an answer does not depend on it.
///
/// In the manifest: `{"kind": "text", "maximumLength": 64, "tokenizer": {"kind": "words", …}}`.
public struct TextSchema: Codable, Sendable, Equatable {
    /// The longest sequence a bundle may declare.
    public static let maximumSupportedLength = 1 << 20

    /// How texts become ids.
    public var tokenizer: TextTokenizer
    /// The model's sequence length: longer texts keep their first `maximumLength` tokens, shorter ones are padded.
    public var maximumLength: Int

    /// A text input.
    /// - Parameters:
    ///   - tokenizer: How texts become ids.
    ///   - maximumLength: The model's sequence length.
    public init(tokenizer: TextTokenizer, maximumLength: Int) {
        self.tokenizer = tokenizer
        self.maximumLength = maximumLength
    }

    private enum CodingKeys: String, CodingKey {
        case tokenizer
        case maximumLength
    }

    /// Reads a stored text input, refusing a length outside `1...maximumSupportedLength`.
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` naming the problem.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maximumLength = try container.decode(Int.self, forKey: .maximumLength)
        guard (1...Self.maximumSupportedLength).contains(maximumLength) else {
            throw DecodingError.dataCorruptedError(
                forKey: .maximumLength, in: container,
                debugDescription: "\(maximumLength) is outside 1...\(Self.maximumSupportedLength)")
        }
        tokenizer = try container.decode(TextTokenizer.self, forKey: .tokenizer)
    }

    /// Writes the tokenizer and the length.
    /// - Parameter encoder: The encoder.
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(maximumLength, forKey: .maximumLength)
        try container.encode(tokenizer, forKey: .tokenizer)
    }

    /// The ids of `text`, truncated to ``maximumLength`` and padded to it with the padding id.
    /// - Parameter text: Any text.
    /// - Returns: ``maximumLength`` ids as floats (the input of an `Embedding`).
    /// - Throws: ``PredictionError/invalidText(reason:)`` when the tokenizer refuses the text or it has no tokens.
    public func paddedIDs(_ text: String) throws(PredictionError) -> [Float] {
        let ids = try tokenizer.encode(text)
        guard !ids.isEmpty else { throw .invalidText(reason: "the text has no tokens the tokenizer keeps") }
        var padded = [Float](repeating: Float(tokenizer.paddingID), count: maximumLength)
        for (position, id) in ids.prefix(maximumLength).enumerated() { padded[position] = Float(id) }
        return padded
    }
}

/// The tokenizer a text model's bundle stores: words (with their vocabulary) or characters.
public enum TextTokenizer: Codable, Sendable, Equatable {
    /// Words, optionally with their character trigrams; padding id 0, unknown id 1.
    case words(WordTokenizer)
    /// Unicode scalars; the padding id is the one after the last character id (`CharacterTokenizer.vocabularySize`),
    /// so the model's `Embedding` needs one row more than the tokenizer has ids.
    case characters(CharacterTokenizer)

    /// The id sequences are padded with.
    public var paddingID: Int32 {
        switch self {
        case .words: return WordTokenizer.paddingID
        case .characters(let tokenizer): return Int32(tokenizer.vocabularySize)
        }
    }

    /// The number of ids the model must know: the tokenizer's ids and the padding id.
    public var idCount: Int {
        switch self {
        case .words(let tokenizer): return tokenizer.vocabularySize
        case .characters(let tokenizer): return tokenizer.vocabularySize + 1
        }
    }

    /// `words` or `characters`.
    public var kind: String {
        switch self {
        case .words: return "words"
        case .characters: return "characters"
        }
    }

    /// A text the tokenizer knows, for warm-up calls.
    var sampleText: String {
        switch self {
        case .words(let tokenizer): return tokenizer.tokens.first ?? "hello"
        case .characters(let tokenizer): return tokenizer.characters.first ?? "a"
        }
    }

    /// The ids of `text`.
    /// - Parameter text: Any text.
    /// - Returns: The ids, in order.
    /// - Throws: ``PredictionError/invalidText(reason:)`` when a character tokenizer refuses an unknown character.
    public func encode(_ text: String) throws(PredictionError) -> [Int32] {
        switch self {
        case .words(let tokenizer): return tokenizer.encode(text)
        case .characters(let tokenizer):
            do {
                return try tokenizer.encode(text)
            } catch {
                throw .invalidText(reason: error.description)
            }
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind
    }

    /// Reads `{"kind": "words", …}` or `{"kind": "characters", …}`; each tokenizer validates its own fields.
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` for an unknown kind or an invalid tokenizer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "words": self = .words(try WordTokenizer(from: decoder))
        case "characters":
            let tokenizer = try CharacterTokenizer(from: decoder)
            guard tokenizer.vocabularySize < WordTokenizer.maximumTokenCount else {
                throw DecodingError.dataCorruptedError(
                    forKey: .kind, in: container,
                    debugDescription: "\(tokenizer.vocabularySize) characters; at most "
                        + "\(WordTokenizer.maximumTokenCount - 1) are allowed")
            }
            self = .characters(tokenizer)
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown tokenizer kind '\(other)' (expected words or characters)")
        }
    }

    /// Writes the kind and the tokenizer's fields.
    /// - Parameter encoder: The encoder.
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .words(let tokenizer): try tokenizer.encode(to: encoder)
        case .characters(let tokenizer): try tokenizer.encode(to: encoder)
        }
    }
}
