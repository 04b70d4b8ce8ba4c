import LeptonSupport

/// Splits text into terms: optional lowercasing, runs of Unicode letters and digits, stop words, n-grams.
///
/// A token is a maximal run of Unicode scalars whose general category is a letter (`L*`) or a number (`N*`)
/// — the same characters as Python's `[^\W_]` — of at least ``minimumLength`` scalars. Everything else
/// (spaces, punctuation, `_`, symbols, combining marks) separates tokens. Lowercasing happens first; stop words
/// are removed before n-grams are formed; an n-gram joins its tokens with one space (`"not good"`), as in
/// scikit-learn's `CountVectorizer(token_pattern=r"(?u)[^\W_]{2,}")` for the default minimum length 2.
public struct Tokenizer: Sendable, Codable, Hashable {
    /// Whether to lowercase the text first.
    public var lowercase: Bool
    /// The n-gram lengths to produce (`1...1` for single words, `1...2` for words and pairs).
    public var ngrams: ClosedRange<Int>
    /// Tokens to drop (compared after lowercasing), sorted.
    public var stopWords: [String]
    /// The fewest scalars a token must have (default 2, like scikit-learn's default pattern).
    public var minimumLength: Int

    /// A tokenizer.
    /// - Parameters:
    ///   - lowercase: lowercase first (default `true`).
    ///   - ngrams: n-gram lengths (default `1...1`).
    ///   - stopWords: tokens to drop (for example ``englishStopWords``).
    ///   - minimumLength: the shortest token kept (default 2).
    public init(
        lowercase: Bool = true, ngrams: ClosedRange<Int> = 1...1, stopWords: Set<String> = [], minimumLength: Int = 2
    ) {
        precondition(ngrams.lowerBound >= 1, "Tokenizer: n-gram lengths \(ngrams) must start at 1 or more")
        precondition(minimumLength >= 1, "Tokenizer: minimumLength \(minimumLength) must be >= 1")
        self.lowercase = lowercase
        self.ngrams = ngrams
        self.stopWords = stopWords.sorted()
        self.minimumLength = minimumLength
    }

    /// Checks the settings, which may have been changed through the `var` properties or decoded from a file.
    ///
    /// - Throws: ``TransformError/invalidSetting(name:value:requirement:)`` for n-gram lengths below 1 or a
    ///   minimum token length below 1.
    public func validate() throws {
        guard ngrams.lowerBound >= 1 else {
            throw TransformError.invalidSetting(
                name: "ngrams", value: "\(ngrams)", requirement: "must start at 1 or more")
        }
        guard minimumLength >= 1 else {
            throw TransformError.invalidSetting(
                name: "minimumLength", value: "\(minimumLength)", requirement: "must be >= 1")
        }
    }

    private enum CodingKeys: String, CodingKey { case lowercase, ngrams, stopWords, minimumLength }

    /// Decodes a tokenizer and checks its settings, so a crafted file cannot hand out an invalid one.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError.dataCorrupted` naming the invalid setting.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lowercase = try container.decode(Bool.self, forKey: .lowercase)
        ngrams = try container.decode(ClosedRange<Int>.self, forKey: .ngrams)
        stopWords = try container.decode([String].self, forKey: .stopWords)
        minimumLength = try container.decode(Int.self, forKey: .minimumLength)
        do {
            try validate()
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "Tokenizer: \(error)"))
        }
    }

    /// A short list of very common English words, for ``stopWords``.
    public static let englishStopWords: Set<String> = [
        "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by",
        "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "him", "his", "how",
        "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "she", "so", "than", "that",
        "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "too", "us", "was", "we",
        "were", "what", "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
    ]

    /// The single tokens of `text`, in order, stop words removed.
    /// - Parameter text: any text.
    public func words(_ text: String) -> [String] {
        let source = lowercase ? text.lowercased() : text
        let stop = Set(stopWords)
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func finish() {
            if current.count >= minimumLength {
                let word = String(current)
                if !stop.contains(word) { words.append(word) }
            }
            current = String.UnicodeScalarView()
        }
        for scalar in source.unicodeScalars {
            if Self.isWordScalar(scalar) { current.append(scalar) } else { finish() }
        }
        finish()
        return words
    }

    /// The terms of `text`: for each length in ``ngrams``, every run of that many consecutive words.
    /// - Parameter text: any text.
    public func terms(_ text: String) -> [String] {
        let words = words(text)
        var terms: [String] = []
        for length in ngrams where length <= words.count {
            for start in 0...(words.count - length) {
                terms.append(length == 1 ? words[start] : words[start..<(start + length)].joined(separator: " "))
            }
        }
        return terms
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }
}

/// A stable 64-bit FNV-1a hash of text (over its UTF-8 bytes): the same on every run and platform, unlike
/// Swift's seeded `Hashable`.
public enum FNV1a {
    /// The FNV-1a hash of `text`'s UTF-8 bytes (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
    /// - Parameter text: any text.
    public static func hash(_ text: String) -> UInt64 {
        FNV1a64.hash(text.utf8)
    }
}

/// How rows of text features are normalised.
public enum TextNorm: String, Sendable, Codable, Hashable {
    /// Divide each row by its Euclidean length (rows of zeros stay zero).
    case l2
    /// Divide each row by the sum of its absolute values.
    case l1
    /// Leave rows as they are.
    case none

    /// `row` normalised in place.
    func normalize(_ row: inout [Double]) {
        let length: Double
        switch self {
        case .none: return
        case .l2: length = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
        case .l1: length = row.reduce(0) { $0 + abs($1) }
        }
        guard length > 0 else { return }
        for index in row.indices { row[index] /= length }
    }
}
