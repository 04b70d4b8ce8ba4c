import Foundation
import Lepton
import LeptonExampleSupport

/// The command line of `char-lm`; the defaults are nanoGPT's CPU configuration of its Shakespeare character model.
struct CharLMOptions {
    var dataFile: URL?
    var iterations = 2000
    var evalInterval = 250
    var evalWindows = 20
    var sampleLength = 200
    var seed: UInt64 = 1337
    var threads = ComputeThreads.available
    var size = TransformerSize(layers: 4, heads: 4, embedding: 128, maxima: (1 << 30, 1 << 30, 1 << 30))
    var blockSize = 64
    var batchSize = 12
    var dropout: Float = 0
    var learningRate: Float = 1e-3
    var minimumLearningRate: Float = 1e-4
    var warmupIterations = 100
    var weightDecay: Float = 0.1
    var gradientClip: Float = 1
    var temperature: Float = 0.8
    var topK = 200

    /// A problem with the command line.
    typealias Problem = ExampleProblem

    static let usage = """
        usage: char-lm [--data FILE] [--iterations N] [--eval-interval N] [--eval-windows N] [--sample-length N]
                       [--seed N] [--threads N] [--temperature T] [--top-k K] [--layers N] [--heads N]
                       [--embedding N] [--block-size N] [--batch-size N] [--dropout P] [--learning-rate LR]
          Trains a character-level decoder-only Transformer (nanoGPT's CPU configuration by default: 4 layers,
          4 heads, 128 embedding, block 64, batch 12, dropout 0, AdamW 1e-3 with 100 warm-up steps and cosine decay
          to 1e-4, weight decay 0.1, gradient clipping 1.0, 2000 iterations) on the first 90% of the text and
          reports the loss on the last 10%.
          --data FILE     UTF-8 text (default: a public-domain Shakespeare excerpt embedded in the package)
        """

    static func parse(_ arguments: ArraySlice<String>) throws -> CharLMOptions {
        var options = CharLMOptions()
        var scanner = OptionScanner(arguments, usage: usage)
        while let option = try scanner.next() {
            if try options.size.read(option) { continue }
            func integer(minimum: Int = 1) throws -> Int { try option.integer(in: minimum...(1 << 30)) }
            func real(_ range: ClosedRange<Float>) throws -> Float { try option.number(in: range) }
            switch option.flag {
            case "--data": options.dataFile = option.fileURL
            case "--iterations": options.iterations = try integer()
            case "--eval-interval": options.evalInterval = try integer()
            case "--eval-windows": options.evalWindows = try integer()
            case "--sample-length": options.sampleLength = try integer(minimum: 0)
            case "--seed": options.seed = UInt64(try integer(minimum: 0))
            case "--threads": options.threads = try integer()
            case "--temperature": options.temperature = try real(1e-3...100)
            case "--top-k": options.topK = try integer()
            case "--block-size": options.blockSize = try integer()
            case "--batch-size": options.batchSize = try integer()
            case "--dropout": options.dropout = try real(0...0.99)
            case "--learning-rate": options.learningRate = try real(1e-8...10)
            default: throw option.unknown()
            }
        }
        try options.size.check()
        options.minimumLearningRate = Swift.min(options.minimumLearningRate, options.learningRate)
        return options
    }

    /// The text to train on: `--data` or the embedded excerpt.
    func loadText() throws -> String {
        let url: URL
        if let dataFile {
            url = dataFile
        } else {
            guard
                let embedded = Bundle.module.url(
                    forResource: "shakespeare_excerpt", withExtension: "txt", subdirectory: "shakespeare")
            else {
                throw Problem(description: "the embedded Shakespeare excerpt is missing from the package resources")
            }
            url = embedded
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Problem(description: "cannot read \(url.path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Problem(description: "\(url.path) is not UTF-8 text")
        }
        return text
    }
}
