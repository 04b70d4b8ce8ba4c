import Foundation
import LeptonData
import LeptonDeploy
import LeptonSupport
import LeptonTensor

/// The requests `lepton bench` sends: MNIST test images (with labels, for accuracy), or synthetic requests that
/// pass the schema (values within its ranges, categories from its lists or the reference statistics).
struct BenchWorkload {
    /// Valid requests, cycled through by the measurements.
    let requests: [PredictionRequest]
    /// The same inputs as one tensor, for accuracy runs (tensor models only).
    let inputs: Tensor?
    /// The true class of each input, when known.
    let labels: [Int32]?
    /// Where the inputs came from.
    let description: String

    static func mnist(directory: URL, schema: ModelSchema) throws -> BenchWorkload {
        guard case .tensor(let tensor) = schema.input, tensor.shape == [28, 28, 1] else {
            throw PredictionInputFile.FileError(description: "--mnist needs a model with [28, 28, 1] inputs")
        }
        let test = try MNISTFiles(directory: directory).test
        let images = test.images
        let size = 28 * 28
        let scalars = images.scalars
        let requests = (0..<test.count).map { index in
            PredictionRequest.values(Array(scalars[(index * size)..<((index + 1) * size)]), shape: tensor.shape)
        }
        return BenchWorkload(
            requests: requests, inputs: images, labels: test.labels,
            description: "\(test.count) MNIST test images from \(directory.path)")
    }

    static func synthetic(schema: ModelSchema, reference: ReferenceStatistics?, count: Int = 512) -> BenchWorkload {
        var random = SplitMix64(seed: 0x5EED)
        switch schema.input {
        case .tensor(let tensor):
            let size = tensor.shape.reduce(1, *)
            let low = tensor.minimum ?? 0
            let high = tensor.maximum ?? max(low + 1, 1)
            let scalars = (0..<(count * size)).map { _ in Float(low + (high - low) * random.unitInterval()) }
            let requests = (0..<count).map { index in
                PredictionRequest.values(Array(scalars[(index * size)..<((index + 1) * size)]), shape: tensor.shape)
            }
            return BenchWorkload(
                requests: requests, inputs: Tensor(scalars, shape: Shape([count] + tensor.shape)), labels: nil,
                description: "\(count) synthetic inputs drawn uniformly from [\(low), \(high)]")
        case .tabular(let fields):
            // Numeric reference columns are stored as quantile sketches; draw from one pseudo-sample per column.
            var samples: [String: [Double]] = [:]
            for field in fields {
                if case .numeric(let column) = reference?.features[field.name] {
                    samples[field.name] = column.pseudoSample(limit: ReferenceStatistics.defaultSampleLimit)
                }
            }
            let requests = (0..<count).map { _ in
                PredictionRequest.record(
                    Dictionary(
                        uniqueKeysWithValues: fields.map {
                            ($0.name, value(for: $0, reference, samples[$0.name] ?? [], &random))
                        })
                )
            }
            return BenchWorkload(
                requests: requests, inputs: nil, labels: nil,
                description: "\(count) synthetic records (reference samples, schema ranges and categories)")
        case .text(let text):
            let words: [String]
            switch text.tokenizer {
            case .words(let tokenizer): words = Array(tokenizer.tokens.prefix(200))
            case .characters(let tokenizer): words = tokenizer.characters
            }
            let pool = words.isEmpty ? ["hello"] : words
            let separator = text.tokenizer.kind == "words" ? " " : ""
            let requests = (0..<count).map { _ in
                let length = 1 + Int(random.next() % UInt64(max(text.maximumLength, 1)))
                return PredictionRequest.text(
                    (0..<length).map { _ in pool[Int(random.next() % UInt64(pool.count))] }.joined(
                        separator: separator))
            }
            return BenchWorkload(
                requests: requests, inputs: nil, labels: nil,
                description: "\(count) synthetic texts of vocabulary tokens")
        }
    }

    private static func value(
        for field: FieldSchema, _ reference: ReferenceStatistics?, _ sample: [Double], _ random: inout SplitMix64
    ) -> FeatureValue {
        switch field.type {
        case .numeric:
            if !sample.isEmpty {
                return .number(sample[Int(random.next() % UInt64(sample.count))])
            }
            let low = field.minimum ?? (field.maximum.map { $0 - 1 } ?? 0)
            let high = field.maximum ?? low + 1
            return .number(low + (high - low) * random.unitInterval())
        case .categorical:
            if let categories = field.categories, !categories.isEmpty {
                return .string(categories[Int(random.next() % UInt64(categories.count))])
            }
            if case .categorical(let column) = reference?.features[field.name], !column.frequencies.isEmpty {
                let keys = column.frequencies.keys.sorted()
                return .string(keys[Int(random.next() % UInt64(keys.count))])
            }
            return .string("a")
        case .boolean: return .number(Double(random.next() % 2))
        case .text: return .string("sample text")
        }
    }
}
