import Foundation
import Lepton
import LeptonExampleSupport

/// The command line of `support-assistant`.
struct AssistantOptions {
    var dataFile: URL?
    var feedbackDirectory: URL?
    var bundleDirectory: URL?
    var maximumEpochs = 30
    var patience = 8
    var challengerEpochs = 3
    var seed: UInt64 = 7
    var threads = ComputeThreads.available
    var size = TransformerSize(layers: 1, heads: 4, embedding: 64, maxima: (16, 64, 4096))
    var batchSize = 64
    var maximumLength = 64
    var subwords = true
    var positions: PositionalEmbedding.Kind? = .learned
    var wordDropout: Float = 0.3
    var wholeWords = false
    var wordShuffle: Float = 0
    var dropout: Float = 0.2
    var learningRate: Float = 3e-3
    var weightDecay: Float = 0.05
    var labelSmoothing: Float = 0.1
    var distillation: Float = 0.5
    var temperature: Float = 1
    var splice: Float = 0.3
    var cosineSchedule = true
    var targetPrecision = 0.95

    /// A problem with the command line or the data.
    typealias Problem = ExampleProblem

    static let usage = """
        usage: support-assistant [--data FILE] [--feedback-log DIR] [--bundle-dir DIR] [--epochs N] [--patience N]
                                 [--challenger-epochs N] [--seed N]
                                 [--threads N] [--layers N] [--heads N] [--embedding N] [--batch-size N]
                                 [--max-length N] [--dropout P] [--word-dropout P] [--drop words|tokens] [--shuffle P]
                                 [--subwords on|off]
                                 [--positions learned|sinusoidal|none]
                                 [--learning-rate LR] [--weight-decay W] [--label-smoothing P]
                                 [--distill W] [--temperature T] [--splice P]
                                 [--schedule cosine|constant] [--target-precision P]
          Trains a TF-IDF + logistic regression baseline and a small Transformer encoder intent classifier distilled
          from it (early stopping on validation accuracy), keeps the better on validation, chooses the hand-off
          threshold on validation, and reports both on the test split (phrasings never seen in training).
          --data FILE          CSV with columns text,intent,split (default: the embedded support-intents set)
          --subwords on|off    tokens are words plus their character trigrams (on, default) or words only
          --word-dropout P     share of training words (or tokens) replaced by the unknown token each step (0.3)
          --drop words|tokens  word dropout drops single tokens (default) or whole words with their trigrams
          --shuffle P          share of training messages whose words are put in a random order each step (0)
          --challenger-epochs N epochs of fine-tuning the champion on training + feedback messages (3)
          --label-smoothing P  share of the target probability spread over all intents (0.1)
          --distill W          share of each training target taken from the TF-IDF baseline's probabilities of the
                               same input after word dropout (distillation; 0.5)
          --temperature T      the baseline's scores are divided by T before its softmax when distilling (1)
          --splice P           share of training messages replaced each step by the first half of their words and the
                               second half of another message's, labelled by the baseline alone (0.3)
          --schedule S         cosine: warm-up over the first epoch, then cosine decay to 5% (default); constant
          --feedback-log DIR   persist the served messages and their feedback there (default: in memory)
          --bundle-dir DIR     write the champion and challenger bundles there (default: a temporary directory)
          --target-precision P lowest confidence threshold whose answered validation accuracy is >= P (0.95)
        """

    static func parse(_ arguments: ArraySlice<String>) throws -> AssistantOptions {
        var options = AssistantOptions()
        var scanner = OptionScanner(arguments, usage: usage)
        while let option = try scanner.next() {
            if try options.size.read(option) { continue }
            func integer(minimum: Int = 1, maximum: Int = 1 << 20) throws -> Int {
                try option.integer(in: minimum...maximum)
            }
            func real(_ range: ClosedRange<Float>) throws -> Float { try option.number(in: range) }
            let value = option.text
            switch option.flag {
            case "--data": options.dataFile = option.fileURL
            case "--feedback-log": options.feedbackDirectory = option.fileURL
            case "--bundle-dir": options.bundleDirectory = option.fileURL
            case "--epochs": options.maximumEpochs = try integer(maximum: 10_000)
            case "--patience": options.patience = try integer(maximum: 10_000)
            case "--challenger-epochs": options.challengerEpochs = try integer(maximum: 10_000)
            case "--seed": options.seed = UInt64(try integer(minimum: 0, maximum: 1 << 30))
            case "--threads": options.threads = try integer(maximum: 1024)
            case "--batch-size": options.batchSize = try integer(maximum: 1 << 16)
            case "--max-length": options.maximumLength = try integer(maximum: 4096)
            case "--dropout": options.dropout = try real(0...0.9)
            case "--word-dropout": options.wordDropout = try real(0...0.9)
            case "--shuffle": options.wordShuffle = try real(0...1)
            case "--drop":
                guard value == "words" || value == "tokens" else { throw option.invalid(expected: "words or tokens") }
                options.wholeWords = value == "words"
            case "--positions":
                guard value == "none" || PositionalEmbedding.Kind(rawValue: value) != nil else {
                    throw option.invalid(expected: "learned, sinusoidal or none")
                }
                options.positions = PositionalEmbedding.Kind(rawValue: value)
            case "--subwords":
                guard value == "on" || value == "off" else { throw option.invalid(expected: "on or off") }
                options.subwords = value == "on"
            case "--learning-rate": options.learningRate = try real(1e-8...10)
            case "--weight-decay": options.weightDecay = try real(0...10)
            case "--label-smoothing": options.labelSmoothing = try real(0...0.9)
            case "--distill": options.distillation = try real(0...1)
            case "--temperature": options.temperature = try real(0.01...100)
            case "--splice": options.splice = try real(0...1)
            case "--schedule":
                guard value == "cosine" || value == "constant" else {
                    throw option.invalid(expected: "cosine or constant")
                }
                options.cosineSchedule = value == "cosine"
            case "--target-precision": options.targetPrecision = Double(try real(0...1))
            default: throw option.unknown()
            }
        }
        try options.size.check()
        return options
    }

    /// The CSV to read: `--data` or the embedded data set.
    func dataURL() throws -> URL {
        if let dataFile { return dataFile }
        guard
            let embedded = Bundle.module.url(
                forResource: "intents", withExtension: "csv", subdirectory: "support-intents")
        else {
            throw Problem(description: "the embedded support-intents data set is missing from the package resources")
        }
        return embedded
    }
}
