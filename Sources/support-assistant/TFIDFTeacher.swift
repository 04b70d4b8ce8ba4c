import Foundation
import Lepton

/// The fitted TF-IDF baseline read as a function of the Transformer's token ids, so that it can score exactly the
/// inputs the Transformer trains on (after word dropout) and serve as a distillation teacher.
///
/// Both models see the same pieces (words and, with subwords, their character trigrams), so each token id is one
/// TF-IDF term; padding, the unknown token (a dropped or unseen piece) and tokens without a term contribute nothing,
/// as a piece missing from the text would. The scores are the baseline's: TF-IDF weights of the counted ids
/// (sublinear or raw term frequency times idf, normalised as the fitted transform does), times the logistic
/// regression's coefficients, plus its intercepts, softmax over the intents.
struct TFIDFTeacher {
    /// For each token id, its TF-IDF column, or -1.
    let columns: [Int]
    /// For each token id, its inverse document frequency (0 without a column).
    let inverseFrequencies: [Double]
    /// Row-major `[tokenIDs × classCount]` coefficients of each token id's column, by intent index.
    let weights: [Double]
    /// The intercept of each intent (−∞ for intents the baseline never saw).
    let intercepts: [Double]
    let classCount: Int
    let sublinearTF: Bool
    let norm: TextNorm

    /// The teacher of `baseline`, whose terms must be pieces of `tokenizer`.
    init(baseline: TFIDFBaseline, tokenizer: WordTokenizer) {
        let features = baseline.features
        var termColumns: [String: Int] = [:]
        for (column, term) in features.vocabulary.terms.enumerated() { termColumns[term] = column }
        let pieces = ["", ""] + tokenizer.tokens
        columns = pieces.enumerated().map { id, piece in id < 2 ? -1 : termColumns[piece] ?? -1 }
        inverseFrequencies = columns.map { $0 < 0 ? 0 : features.inverseDocumentFrequencies[$0] }
        classCount = baseline.classCount
        var weights = [Double](repeating: 0, count: columns.count * classCount)
        var intercepts = [Double](repeating: -.infinity, count: classCount)
        let model = baseline.model
        for (row, label) in model.classes.enumerated() where Int(label) < classCount {
            intercepts[Int(label)] = model.intercepts.isEmpty ? 0 : model.intercepts[row]
            for (id, column) in columns.enumerated() where column >= 0 {
                weights[id * classCount + Int(label)] = model.coefficients[row][column]
            }
        }
        self.weights = weights
        self.intercepts = intercepts
        sublinearTF = features.sublinearTF
        norm = features.norm
    }

    /// Class probabilities `[batch, classCount]` of padded ids `[batch, time]`, the teacher's scores divided by
    /// `temperature` before the softmax (1: the baseline's own probabilities; above 1: softer).
    func probabilities(ids: Tensor, temperature: Float = 1) -> Tensor {
        let time = ids.shape[ids.rank - 1]
        let rows = ids.shape[0]
        let values = ids.scalars
        var result = [Float](repeating: 0, count: rows * classCount)
        for row in 0..<rows {
            var counts: [Int: Double] = [:]
            for index in (row * time)..<((row + 1) * time) {
                let id = Int(values[index])
                if id >= 0, id < columns.count, columns[id] >= 0 { counts[id, default: 0] += 1 }
            }
            var features = counts.map { id, count in
                (id: id, value: (sublinearTF ? 1 + log(count) : count) * inverseFrequencies[id])
            }
            let length: Double
            switch norm {
            case .l2: length = features.reduce(0) { $0 + $1.value * $1.value }.squareRoot()
            case .l1: length = features.reduce(0) { $0 + abs($1.value) }
            case .none: length = 1
            }
            if length > 0 { features = features.map { ($0.id, $0.value / length) } }
            var scores = intercepts
            for (id, value) in features {
                for label in 0..<classCount { scores[label] += value * weights[id * classCount + label] }
            }
            let largest = (scores.max() ?? 0) / Double(temperature)
            var exponentials = scores.map { Foundation.exp($0 / Double(temperature) - largest) }
            let sum = exponentials.reduce(0, +)
            exponentials = exponentials.map { $0 / sum }
            for label in 0..<classCount { result[row * classCount + label] = Float(exponentials[label]) }
        }
        return Tensor(result, shape: [rows, classCount])
    }
}
