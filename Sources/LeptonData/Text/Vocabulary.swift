/// The terms a text transform learnt, with their document frequencies in the training data.
public struct Vocabulary: Sendable, Codable, Equatable {
    /// The terms in column order (sorted by Unicode code points).
    public let terms: [String]
    /// For each term, the number of training documents containing it.
    public let documentFrequencies: [Int]
    /// The number of training documents.
    public let documentCount: Int

    /// Learns the vocabulary of `documents` under the limits (scikit-learn's `CountVectorizer` rules):
    /// terms in fewer than `minimumDocumentFrequency` documents or in more than `maximumDocumentShare` of them
    /// are dropped; then, if `maximumTerms` is set, only that many terms with the largest total counts are kept
    /// (ties to the earlier term in code-point order).
    static func learn(
        _ documents: [[String]], minimumDocumentFrequency: Int, maximumDocumentShare: Double, maximumTerms: Int?
    ) -> Vocabulary {
        var frequency: [String: Int] = [:]
        var total: [String: Int] = [:]
        for document in documents {
            for term in document { total[term, default: 0] += 1 }
            for term in Set(document) { frequency[term, default: 0] += 1 }
        }
        let maximumFrequency = maximumDocumentShare * Double(documents.count)
        var kept = frequency.keys.filter { term in
            frequency[term]! >= minimumDocumentFrequency && Double(frequency[term]!) <= maximumFrequency
        }
        kept.sort(by: codePointOrder)
        if let maximumTerms, kept.count > maximumTerms {
            let ranked = kept.indices.sorted {
                total[kept[$0]]! > total[kept[$1]]! || (total[kept[$0]]! == total[kept[$1]]! && $0 < $1)
            }
            kept = ranked.prefix(maximumTerms).sorted().map { kept[$0] }
        }
        return Vocabulary(terms: kept, documentFrequencies: kept.map { frequency[$0]! }, documentCount: documents.count)
    }

    /// Whether `left` sorts before `right` by Unicode code points (Python's string order).
    static func codePointOrder(_ left: String, _ right: String) -> Bool {
        left.unicodeScalars.lexicographicallyPrecedes(right.unicodeScalars)
    }

    /// The term counts of each document as a dense row over ``terms``.
    func counts(_ documents: [[String]]) -> [[Double]] {
        var indexOf: [String: Int] = [:]
        for (index, term) in terms.enumerated() { indexOf[term] = index }
        return documents.map { document in
            var row = [Double](repeating: 0, count: terms.count)
            for term in document { if let index = indexOf[term] { row[index] += 1 } }
            return row
        }
    }
}

/// Reading the documents of a text column: text or categorical cells, missing cells as empty documents.
enum TextColumn {
    /// The terms of every row of column `name`.
    static func documents(_ table: Table, _ name: String, tokenizer: Tokenizer) throws -> [[String]] {
        try tokenizer.validate()
        let column = try table.column(name)
        guard column.type == .text || column.type == .categorical else {
            throw TransformError.unsupportedColumnType(
                column: name, actual: column.type, supported: [.text, .categorical])
        }
        return try table.strings(name).map { $0.map(tokenizer.terms) ?? [] }
    }

    /// `table` with column `name` replaced by numeric columns `names` filled from `rows` (one array per row).
    static func replacing(_ table: Table, _ name: String, names: [String], rows: [[Double]]) throws -> Table {
        let columns = names.indices.map { feature in
            Column(name: names[feature], data: .numeric(rows.map { $0[feature] }))
        }
        return try table.replacing(name, with: columns)
    }
}
