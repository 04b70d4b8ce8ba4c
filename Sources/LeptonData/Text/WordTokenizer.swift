/// Token ids for words, learnt on training texts: id 0 is padding, id 1 an unknown token, then one id per kept
/// token by falling frequency (ties in code-point order).
///
/// Words come from a ``Tokenizer`` (its n-gram setting must be `1...1`). With ``subwordTrigrams`` each word becomes
/// the word itself followed by the character trigrams of `0word0` (`0` marks the word's ends), as fastText does,
/// so that an unseen word (`unlock`) still shares pieces with seen ones (`locked`). A text without any word
/// encodes as one unknown token, so that every text has at least one token.
///
/// ```swift
/// let tokenizer = try WordTokenizer(fitting: trainingTexts, subwordTrigrams: true)
/// let ids = tokenizer.encode("Where is my parcel?")        // [Int32], never empty
/// let data = try TextDataset(sequences: texts.map(tokenizer.encode), paddingID: WordTokenizer.paddingID)
/// ```
public struct WordTokenizer: Sendable, Codable, Equatable {
    /// The padding id.
    public static let paddingID: Int32 = 0
    /// The id of tokens outside the vocabulary.
    public static let unknownID: Int32 = 1
    /// The most tokens a vocabulary may hold (ids travel as `Float`s, exact up to 2²⁴).
    public static let maximumTokenCount = 1 << 24 - 2
    /// The most Unicode scalars one stored token may have.
    public static let maximumTokenLength = 1024

    /// How texts are split into words.
    public let tokenizer: Tokenizer
    /// Whether each word is followed by its character trigrams.
    public let subwordTrigrams: Bool
    /// The tokens by id, starting at id 2.
    public let tokens: [String]
    private let ids: [String: Int32]

    /// Learns the tokens of `texts`.
    ///
    /// - Parameters:
    ///   - texts: The training texts.
    ///   - tokenizer: The word splitting (default: lowercase, every run of letters and digits, no stop words).
    ///   - subwordTrigrams: Whether words are followed by their character trigrams.
    ///   - minimumCount: The fewest occurrences a token needs to be kept (default 1).
    ///   - maximumTokens: The most tokens kept, the most frequent first (`nil`: all).
    /// - Throws: ``TextDataError/invalidSetting(name:value:requirement:)`` for n-grams other than `1...1`, a
    ///   minimum count below 1, or a token limit outside `1...maximumTokenCount`.
    public init(
        fitting texts: [String], tokenizer: Tokenizer = Tokenizer(lowercase: true, minimumLength: 1),
        subwordTrigrams: Bool = false, minimumCount: Int = 1, maximumTokens: Int? = nil
    ) throws(TextDataError) {
        if let problem = Self.problem(with: tokenizer) { throw problem }
        guard minimumCount >= 1 else {
            throw .invalidSetting(name: "minimumCount", value: "\(minimumCount)", requirement: ">= 1")
        }
        let limit = maximumTokens ?? Self.maximumTokenCount
        guard (1...Self.maximumTokenCount).contains(limit) else {
            throw .invalidSetting(
                name: "maximumTokens", value: "\(limit)", requirement: "in 1...\(Self.maximumTokenCount)")
        }
        self.tokenizer = tokenizer
        self.subwordTrigrams = subwordTrigrams
        var counts: [String: Int] = [:]
        for text in texts {
            for piece in Self.pieces(text, tokenizer: tokenizer, subwordTrigrams: subwordTrigrams) {
                counts[piece, default: 0] += 1
            }
        }
        let ranked = counts.filter { $0.value >= minimumCount }.sorted {
            $0.value > $1.value || ($0.value == $1.value && Vocabulary.codePointOrder($0.key, $1.key))
        }
        tokens = ranked.prefix(limit).map(\.key)
        ids = Self.index(tokens)
    }

    private enum CodingKeys: String, CodingKey {
        case tokenizer
        case subwordTrigrams
        case tokens
    }

    /// Reads a stored tokenizer, refusing what would make it ambiguous or unbounded: n-grams other than `1...1`,
    /// more than ``maximumTokenCount`` tokens, an empty, overlong or repeated token.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` naming the problem.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tokenizer = try container.decode(Tokenizer.self, forKey: .tokenizer)
        if let problem = Self.problem(with: tokenizer) {
            throw DecodingError.dataCorruptedError(
                forKey: .tokenizer, in: container, debugDescription: problem.description)
        }
        subwordTrigrams = try container.decode(Bool.self, forKey: .subwordTrigrams)
        tokens = try container.decode([String].self, forKey: .tokens)
        guard tokens.count <= Self.maximumTokenCount else {
            throw DecodingError.dataCorruptedError(
                forKey: .tokens, in: container,
                debugDescription: "\(tokens.count) tokens; at most \(Self.maximumTokenCount) are allowed")
        }
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() {
            let length = token.unicodeScalars.count
            guard length >= 1, length <= Self.maximumTokenLength else {
                throw DecodingError.dataCorruptedError(
                    forKey: .tokens, in: container,
                    debugDescription:
                        "token \(index) has \(length) Unicode scalars; it must have 1...\(Self.maximumTokenLength)")
            }
            guard ids.updateValue(Int32(index + 2), forKey: token) == nil else {
                throw DecodingError.dataCorruptedError(
                    forKey: .tokens, in: container, debugDescription: "token \(index) ('\(token)') repeats")
            }
        }
        self.ids = ids
    }

    /// Writes the word splitting, the trigram setting and the tokens.
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tokenizer, forKey: .tokenizer)
        try container.encode(subwordTrigrams, forKey: .subwordTrigrams)
        try container.encode(tokens, forKey: .tokens)
    }

    /// Whether two tokenizers split and number texts alike.
    public static func == (left: WordTokenizer, right: WordTokenizer) -> Bool {
        left.tokenizer == right.tokenizer && left.subwordTrigrams == right.subwordTrigrams
            && left.tokens == right.tokens
    }

    /// The number of ids: padding, unknown and the tokens.
    public var vocabularySize: Int { tokens.count + 2 }

    /// The tokens of `text` before numbering: its words, each followed by its trigrams when ``subwordTrigrams`` is
    /// on.
    /// - Parameter text: Any text.
    public func pieces(_ text: String) -> [String] {
        Self.pieces(text, tokenizer: tokenizer, subwordTrigrams: subwordTrigrams)
    }

    /// The token ids of `text`, ``unknownID`` for tokens outside the vocabulary; a text without words is one
    /// unknown token.
    /// - Parameter text: Any text.
    /// - Returns: At least one id, each in `1..<vocabularySize`.
    public func encode(_ text: String) -> [Int32] {
        let encoded = pieces(text).map { ids[$0] ?? Self.unknownID }
        return encoded.isEmpty ? [Self.unknownID] : encoded
    }

    private static func pieces(_ text: String, tokenizer: Tokenizer, subwordTrigrams: Bool) -> [String] {
        tokenizer.words(text).flatMap { word -> [String] in
            guard subwordTrigrams else { return [word] }
            let marked = Array(("0" + word + "0").unicodeScalars)
            var pieces = [word]
            if marked.count >= 3 {
                for start in 0...(marked.count - 3) {
                    var trigram = String.UnicodeScalarView()
                    trigram.append(contentsOf: marked[start..<(start + 3)])
                    pieces.append(String(trigram))
                }
            }
            return pieces
        }
    }

    private static func problem(with tokenizer: Tokenizer) -> TextDataError? {
        guard tokenizer.ngrams == 1...1 else {
            return .invalidSetting(
                name: "tokenizer.ngrams", value: "\(tokenizer.ngrams)", requirement: "1...1 (single words)")
        }
        return nil
    }

    private static func index(_ tokens: [String]) -> [String: Int32] {
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() { ids[token] = Int32(index + 2) }
        return ids
    }
}
