import Foundation
import Lepton

/// The utterances of one split with their intent indices.
struct IntentSplit {
    var texts: [String] = []
    var labels: [Int32] = []
}

/// The intent data set: train, validation and test utterances and the sorted intent names.
struct IntentData {
    var intents: [String]
    var train: IntentSplit
    var validation: IntentSplit
    var test: IntentSplit

    /// The name of the class a support desk cannot answer.
    static let outOfScope = "out_of_scope"

    /// Reads a CSV with a header naming at least `text`, `intent` and `split` (`train`, `validation`, `test`).
    static func load(_ url: URL) throws -> IntentData {
        let (header, records): ([String]?, [CSVRecord])
        do { (header, records) = try CSVReader.read(contentsOf: url) } catch {
            throw AssistantOptions.Problem(description: "cannot read \(url.path): \(error)")
        }
        guard let header else { throw AssistantOptions.Problem(description: "\(url.path) has no header") }
        func index(_ name: String) throws -> Int {
            guard let position = header.firstIndex(of: name) else {
                throw AssistantOptions.Problem(
                    description: "\(url.path): no '\(name)' column (the header is \(header.joined(separator: ",")))")
            }
            return position
        }
        let (textColumn, intentColumn, splitColumn) = (try index("text"), try index("intent"), try index("split"))
        let intents = Set(records.map { $0[intentColumn] }).sorted()
        guard intents.count >= 2, intents.contains(outOfScope) else {
            throw AssistantOptions.Problem(
                description: "\(url.path): needs at least two intents, one of them '\(outOfScope)'; found \(intents)")
        }
        var classOf: [String: Int32] = [:]
        for (position, intent) in intents.enumerated() { classOf[intent] = Int32(position) }
        var data = IntentData(intents: intents, train: .init(), validation: .init(), test: .init())
        for record in records {
            let label = classOf[record[intentColumn]]!
            switch record[splitColumn] {
            case "train":
                data.train.texts.append(record[textColumn])
                data.train.labels.append(label)
            case "validation":
                data.validation.texts.append(record[textColumn])
                data.validation.labels.append(label)
            case "test":
                data.test.texts.append(record[textColumn])
                data.test.labels.append(label)
            default:
                throw AssistantOptions.Problem(
                    description:
                        "\(url.path) line \(record.line): split '\(record[splitColumn])' is not train, validation or test"
                )
            }
        }
        for (name, split) in [("train", data.train), ("validation", data.validation), ("test", data.test)]
        where split.texts.isEmpty {
            throw AssistantOptions.Problem(description: "\(url.path): the \(name) split is empty")
        }
        return data
    }

    /// The class index of ``outOfScope``.
    var outOfScopeClass: Int32 { Int32(intents.firstIndex(of: Self.outOfScope)!) }
}

/// Token ids learnt on the training utterances: 0 is padding, 1 an unknown token, then tokens by falling frequency.
///
/// With ``subwords`` each word becomes the word itself followed by the character trigrams of `0word0` (`0` marks
/// the word's ends), as fastText does, so that an unseen word (`unlock`) still shares pieces with seen ones
/// (`locked`).
struct WordVocabulary {
    static let padding: Int32 = 0
    static let unknown: Int32 = 1
    let tokenizer = Tokenizer(lowercase: true, minimumLength: 1)
    let subwords: Bool
    private(set) var ids: [String: Int32] = [:]

    init(training texts: [String], subwords: Bool) {
        self.subwords = subwords
        var counts: [String: Int] = [:]
        for text in texts { for piece in pieces(text) { counts[piece, default: 0] += 1 } }
        let ranked = counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        for (position, entry) in ranked.enumerated() { ids[entry.key] = Int32(position + 2) }
    }

    /// The number of ids, padding and unknown included.
    var size: Int { ids.count + 2 }

    /// The tokens of `text`: its words, each followed by its trigrams when ``subwords`` is on.
    func pieces(_ text: String) -> [String] {
        tokenizer.words(text).flatMap { word -> [String] in
            guard subwords else { return [word] }
            let marked = Array("0" + word + "0")
            return [word] + (0..<Swift.max(marked.count - 2, 0)).map { String(marked[$0..<($0 + 3)]) }
        }
    }

    /// The token ids of `text`; an utterance without words is one unknown token.
    func encode(_ text: String) -> [Int32] {
        let tokens = pieces(text).map { ids[$0] ?? Self.unknown }
        return tokens.isEmpty ? [Self.unknown] : tokens
    }
}
