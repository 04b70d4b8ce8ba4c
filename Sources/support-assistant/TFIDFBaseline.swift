import Lepton

/// The baseline: TF-IDF (fitted on the training utterances) + multinomial logistic regression. Its terms are words
/// and word pairs, or — with the Transformer's subword pieces — words and their character trigrams.
struct TFIDFBaseline {
    let preprocess: @Sendable (String) -> String
    let features: FittedTFIDF
    let model: LogisticRegression
    let classCount: Int

    init(training split: IntentSplit, vocabulary: WordTokenizer) throws {
        let subwords = vocabulary.subwordTrigrams
        preprocess = { subwords ? vocabulary.pieces($0).joined(separator: " ") : $0 }
        let transform = TFIDF(
            column: "text", tokenizer: Tokenizer(lowercase: true, ngrams: subwords ? 1...1 : 1...2, minimumLength: 1),
            sublinearTF: true)
        let texts = split.texts.map(preprocess)
        features = try transform.fit(on: Self.table(texts))
        var model = LogisticRegression(c: 10, maxIterations: 300)
        try model.fit(try Self.matrix(features, texts), .labels(split.labels))
        self.model = model
        classCount = Int(split.labels.max() ?? 0) + 1
    }

    /// The number of TF-IDF columns.
    var termCount: Int { features.vocabulary.terms.count }

    /// Class probabilities of each text, one row of ``classCount`` values per text (class index order).
    func probabilities(_ texts: [String]) throws -> [[Float]] {
        let scores = try model.predictProbabilities(try Self.matrix(features, texts.map(preprocess)))
        let values = scores.scalars
        let columns = model.classes.count
        return texts.indices.map { row in
            var probabilities = [Float](repeating: 0, count: classCount)
            for (column, label) in model.classes.enumerated() where Int(label) < classCount {
                probabilities[Int(label)] = values[row * columns + column]
            }
            return probabilities
        }
    }

    private static func table(_ texts: [String]) throws -> Table {
        try Table(columns: [Column(name: "text", data: .text(texts))])
    }

    private static func matrix(_ features: FittedTFIDF, _ texts: [String]) throws -> DoubleMatrix {
        let table = try features.apply(to: table(texts))
        let names = features.outputColumns
        var values = [Double](repeating: 0, count: texts.count * names.count)
        for (column, name) in names.enumerated() {
            for (row, value) in try table.numbers(name).enumerated() { values[row * names.count + column] = value ?? 0 }
        }
        return try DoubleMatrix(rows: texts.count, columns: names.count, values: values)
    }
}
