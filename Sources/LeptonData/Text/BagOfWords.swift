/// Options shared by ``BagOfWords`` and ``TFIDF``: how text is split and which terms are kept.
public struct VocabularyLimits: Sendable, Codable, Hashable {
    /// Terms in fewer training documents are dropped (default 1: keep all).
    public var minimumDocumentFrequency: Int
    /// Terms in more than this share of training documents are dropped (default 1: keep all).
    public var maximumDocumentShare: Double
    /// Keep at most this many terms, those with the largest total counts (default: no limit).
    public var maximumTerms: Int?

    /// Limits on the vocabulary.
    /// - Parameters:
    ///   - minimumDocumentFrequency: drop terms in fewer documents.
    ///   - maximumDocumentShare: drop terms in a larger share of documents.
    ///   - maximumTerms: keep at most this many terms.
    public init(minimumDocumentFrequency: Int = 1, maximumDocumentShare: Double = 1, maximumTerms: Int? = nil) {
        self.minimumDocumentFrequency = minimumDocumentFrequency
        self.maximumDocumentShare = maximumDocumentShare
        self.maximumTerms = maximumTerms
    }

    func learn(_ documents: [[String]]) -> Vocabulary {
        Vocabulary.learn(
            documents, minimumDocumentFrequency: minimumDocumentFrequency, maximumDocumentShare: maximumDocumentShare,
            maximumTerms: maximumTerms)
    }
}

/// Replaces a text column by term counts, one numeric column `<column>:<term>` per vocabulary term
/// (scikit-learn's `CountVectorizer`). Missing cells count as empty documents; unknown terms are ignored.
public struct BagOfWords: TableTransform {
    /// The text (or categorical) column.
    public var column: String
    /// How text is split into terms.
    public var tokenizer: Tokenizer
    /// Which terms are kept.
    public var limits: VocabularyLimits
    /// Whether to write 1 for present terms instead of counts.
    public var binary: Bool

    /// A bag-of-words encoder.
    /// - Parameters:
    ///   - column: the text column.
    ///   - tokenizer: the tokenizer (default: lowercase words of 2+ letters or digits).
    ///   - limits: vocabulary limits.
    ///   - binary: presence instead of counts.
    public init(
        column: String, tokenizer: Tokenizer = Tokenizer(), limits: VocabularyLimits = .init(), binary: Bool = false
    ) {
        self.column = column
        self.tokenizer = tokenizer
        self.limits = limits
        self.binary = binary
    }

    /// Learns the vocabulary.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError/unknownColumn(_:available:)``; ``TransformError/unsupportedColumnType(column:actual:supported:)``.
    ///   ``TransformError/emptyVocabulary(column:)`` when no term is learnt.
    public func fit(on table: Table) throws -> FittedBagOfWords {
        let documents = try TextColumn.documents(table, column, tokenizer: tokenizer)
        let vocabulary = limits.learn(documents)
        guard !vocabulary.terms.isEmpty else { throw TransformError.emptyVocabulary(column: column) }
        return FittedBagOfWords(column: column, tokenizer: tokenizer, vocabulary: vocabulary, binary: binary)
    }
}

/// A fitted ``BagOfWords``: the vocabulary.
public struct FittedBagOfWords: FittedTableTransform {
    /// The text column.
    public let column: String
    /// The tokenizer.
    public let tokenizer: Tokenizer
    /// The learnt terms.
    public let vocabulary: Vocabulary
    /// Presence instead of counts.
    public let binary: Bool

    /// `<column>:<term>` for each term.
    public var outputColumns: [String] { vocabulary.terms.map { column + ":" + $0 } }

    /// Replaces the text column by the term counts.
    /// - Parameter table: data with the text column.
    /// - Throws: ``TableError``; ``TransformError/unsupportedColumnType(column:actual:supported:)``.
    public func apply(to table: Table) throws -> Table {
        var rows = vocabulary.counts(try TextColumn.documents(table, column, tokenizer: tokenizer))
        if binary { rows = rows.map { $0.map { min($0, 1) } } }
        return try TextColumn.replacing(table, column, names: outputColumns, rows: rows)
    }
}
