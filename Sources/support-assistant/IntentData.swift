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
