import Foundation
import Testing

@testable import LeptonData

@Suite("Tokenizer, bag of words, TF-IDF and feature hashing against scikit-learn and a Python FNV-1a")
struct TextFeatureTests {
    private let train = TransformFixture.corpusTrain
    private let test = TransformFixture.corpusTest
    private let truth = TransformFixture.expected["text"]

    private var tokenizer: Tokenizer {
        Tokenizer(ngrams: 1...2, stopWords: Set(truth["stop_words"].strings))
    }

    @Test("tokens are lowercased runs of Unicode letters and digits; stop words go before n-grams")
    func tokenization() {
        let plain = Tokenizer(minimumLength: 1)
        #expect(plain.words("Émile's café-2024, naïve_über!") == ["émile", "s", "café", "2024", "naïve", "über"])
        #expect(Tokenizer().words("a bb I ccc") == ["bb", "ccc"])
        #expect(Tokenizer(lowercase: false).words("Hello WORLD") == ["Hello", "WORLD"])
        let bigrams = Tokenizer(ngrams: 1...2, stopWords: ["the"])
        #expect(bigrams.terms("the cat sat") == ["cat", "sat", "cat sat"])
        #expect(Tokenizer(ngrams: 2...3).terms("a1 b2 c3") == ["a1 b2", "b2 c3", "a1 b2 c3"])
        #expect(Tokenizer().terms("") == [])
    }

    @Test("bag-of-words vocabulary and counts match CountVectorizer with min_df and max_features")
    func bagOfWords() throws {
        let limits = VocabularyLimits(minimumDocumentFrequency: 2, maximumTerms: truth["max_terms"].int)
        let fitted = try BagOfWords(column: "text", tokenizer: tokenizer, limits: limits).fit(on: train)
        #expect(fitted.vocabulary.terms == truth["count_vocabulary"].strings)
        let names = fitted.outputColumns
        #expect(names.first == "text:" + fitted.vocabulary.terms[0])
        #expect(try rowsOf(fitted.apply(to: test), names) == truth["count_test"].matrix)
        let unlimited = try BagOfWords(column: "text", tokenizer: tokenizer, limits: .init(minimumDocumentFrequency: 2))
            .fit(on: train)
        #expect(unlimited.vocabulary.terms.count == truth["analyzer_vocabulary_size"].int)
        let binary = try BagOfWords(column: "text", tokenizer: tokenizer, limits: limits, binary: true).fit(on: train)
            .apply(to: test)
        #expect(try rowsOf(binary, names) == truth["count_test"].matrix.map { $0.map { min($0, 1) } })
    }

    @Test(
        "TF-IDF idf weights and normalised rows match TfidfVectorizer (smooth idf + l2, and raw idf + sublinear tf + l1)"
    )
    func tfidf() throws {
        let limits = VocabularyLimits(minimumDocumentFrequency: 2, maximumTerms: truth["max_terms"].int)
        let fitted = try TFIDF(column: "text", tokenizer: tokenizer, limits: limits).fit(on: train)
        #expect(fitted.vocabulary.terms == truth["tfidf_vocabulary"].strings)
        #expect(matricesClose([fitted.inverseDocumentFrequencies], [truth["tfidf_idf"].doubles], tolerance: 1e-13))
        #expect(
            matricesClose(
                try rowsOf(fitted.apply(to: test), fitted.outputColumns), truth["tfidf_test"].matrix, tolerance: 1e-12))
        let raw = try TFIDF(column: "text", smoothIDF: false, sublinearTF: true, norm: .l1).fit(on: train)
        #expect(raw.vocabulary.terms == truth["tfidf_raw_vocabulary"].strings)
        #expect(
            matricesClose(
                try rowsOf(raw.apply(to: test), raw.outputColumns), truth["tfidf_raw_test"].matrix, tolerance: 1e-12))
    }

    @Test("FNV-1a hashes and hashed, signed, l2-normalised rows match Python")
    func hashing() throws {
        for (word, hash) in TransformFixture.expected["hashing"]["fnv1a"].object {
            #expect(FNV1a.hash(word) == UInt64(hash.string)!, "\(word)")
        }
        let features = TransformFixture.expected["hashing"]["features"].int
        let fitted = try FeatureHashing(column: "text", features: features).fit(on: train)
        #expect(fitted.outputColumns.first == "text#0" && fitted.outputColumns.count == features)
        let hashed = try fitted.apply(to: test)
        #expect(
            matricesClose(
                try rowsOf(hashed, fitted.outputColumns), TransformFixture.expected["hashing"]["test"].matrix,
                tolerance: 1e-12))
    }

    @Test("text transforms reject numeric columns and treat missing cells as empty documents")
    func columnTypes() throws {
        let numbers = try Table(columns: [Column(name: "text", data: .numeric([1]))])
        #expect(
            throws: TransformError.unsupportedColumnType(
                column: "text", actual: .numeric, supported: [.text, .categorical])
        ) {
            try BagOfWords(column: "text").fit(on: numbers)
        }
        let withMissing = try Table(columns: [Column(name: "text", data: .text(["good loan", nil]))])
        let counts = try BagOfWords(column: "text").fit(on: withMissing).apply(to: withMissing)
        #expect(try rowsOf(counts, ["text:good", "text:loan"]) == [[1, 1], [0, 0]])
    }
}
