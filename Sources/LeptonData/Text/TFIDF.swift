import Foundation

/// Replaces a text column by TF-IDF weights, one numeric column `<column>:<term>` per term (scikit-learn's
/// `TfidfVectorizer` with its defaults).
///
/// For a term t in a document d: `tf` is its count (or `1 + ln(count)` with ``sublinearTF``);
/// `idf(t) = ln((1 + n) / (1 + df(t))) + 1` with ``smoothIDF`` (the default; as if one extra document contained
/// every term) or `ln(n / df(t)) + 1` without, where n is the number of training documents and df(t) the number
/// containing t; the row of `tf · idf` is then normalised by ``norm`` (default l2).
public struct TFIDF: TableTransform {
    /// The text (or categorical) column.
    public var column: String
    /// How text is split into terms.
    public var tokenizer: Tokenizer
    /// Which terms are kept.
    public var limits: VocabularyLimits
    /// Add one to document counts (default `true`).
    public var smoothIDF: Bool
    /// Use `1 + ln(count)` as term frequency (default `false`).
    public var sublinearTF: Bool
    /// Row normalisation (default ``TextNorm/l2``).
    public var norm: TextNorm

    /// A TF-IDF encoder.
    /// - Parameters:
    ///   - column: the text column.
    ///   - tokenizer: the tokenizer.
    ///   - limits: vocabulary limits.
    ///   - smoothIDF: smooth the inverse document frequency.
    ///   - sublinearTF: logarithmic term frequency.
    ///   - norm: row normalisation.
    public init(
        column: String, tokenizer: Tokenizer = Tokenizer(), limits: VocabularyLimits = .init(), smoothIDF: Bool = true,
        sublinearTF: Bool = false, norm: TextNorm = .l2
    ) {
        self.column = column
        self.tokenizer = tokenizer
        self.limits = limits
        self.smoothIDF = smoothIDF
        self.sublinearTF = sublinearTF
        self.norm = norm
    }

    /// Learns the vocabulary and inverse document frequencies.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError/unknownColumn(_:available:)``; ``TransformError/unsupportedColumnType(column:actual:supported:)``.
    ///   ``TransformError/emptyVocabulary(column:)`` when no term is learnt.
    public func fit(on table: Table) throws -> FittedTFIDF {
        let vocabulary = limits.learn(try TextColumn.documents(table, column, tokenizer: tokenizer))
        guard !vocabulary.terms.isEmpty else { throw TransformError.emptyVocabulary(column: column) }
        let extra = smoothIDF ? 1.0 : 0.0
        let documents = Double(vocabulary.documentCount) + extra
        let weights = vocabulary.documentFrequencies.map { log(documents / (Double($0) + extra)) + 1 }
        return FittedTFIDF(
            column: column, tokenizer: tokenizer, vocabulary: vocabulary, inverseDocumentFrequencies: weights,
            sublinearTF: sublinearTF, norm: norm)
    }
}

/// A fitted ``TFIDF``: the vocabulary and inverse document frequencies.
public struct FittedTFIDF: FittedTableTransform {
    /// The text column.
    public let column: String
    /// The tokenizer.
    public let tokenizer: Tokenizer
    /// The learnt terms.
    public let vocabulary: Vocabulary
    /// The idf of each term.
    public let inverseDocumentFrequencies: [Double]
    /// Logarithmic term frequency.
    public let sublinearTF: Bool
    /// Row normalisation.
    public let norm: TextNorm

    /// `<column>:<term>` for each term.
    public var outputColumns: [String] { vocabulary.terms.map { column + ":" + $0 } }

    /// Replaces the text column by the TF-IDF weights.
    /// - Parameter table: data with the text column.
    /// - Throws: ``TableError``; ``TransformError/unsupportedColumnType(column:actual:supported:)``.
    public func apply(to table: Table) throws -> Table {
        let counts = vocabulary.counts(try TextColumn.documents(table, column, tokenizer: tokenizer))
        let rows = counts.map { row in
            var weighted = zip(row, inverseDocumentFrequencies).map { count, idf in
                (sublinearTF && count > 0 ? 1 + log(count) : count) * idf
            }
            norm.normalize(&weighted)
            return weighted
        }
        return try TextColumn.replacing(table, column, names: outputColumns, rows: rows)
    }
}
