import Foundation
import Lepton
import LeptonExampleSupport

/// The command line of `mnist-cnn`.
struct ExampleOptions {
    var dataDirectory: URL
    var epochs = 10
    var batchSize = 32
    var threads = ComputeThreads.available
    var seed: UInt64 = 0
    var curveFile = URL(fileURLWithPath: "mnist-training.svg")
    var augmentPixels = 0

    /// A problem with the command line.
    typealias Problem = ExampleProblem

    static let usage = """
        usage: mnist-cnn [--data DIR] [--epochs N] [--batch-size N] [--threads N] [--seed N] [--curve FILE.svg]
                         [--augment PIXELS]
          --data DIR      folder with train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-… files
                          (default: the 5k MNIST subset embedded in the package)
          --augment PIXELS  train from a DataLoader that shifts each image by up to PIXELS pixels (random crop
                          of the zero-padded image), a fresh shift per image and epoch
        """

    static func parse(_ arguments: ArraySlice<String>) throws -> ExampleOptions {
        guard let embedded = Bundle.module.url(forResource: "mnist_5k", withExtension: nil) else {
            throw Problem(description: "the embedded MNIST subset is missing from the package resources")
        }
        var options = ExampleOptions(dataDirectory: embedded)
        var scanner = OptionScanner(arguments, usage: usage)
        while let option = try scanner.next() {
            func integer() throws -> Int { try option.positiveInteger() }
            switch option.flag {
            case "--data": options.dataDirectory = option.fileURL
            case "--epochs": options.epochs = try integer()
            case "--batch-size": options.batchSize = try integer()
            case "--threads": options.threads = try integer()
            case "--seed": options.seed = UInt64(try integer())
            case "--curve": options.curveFile = option.fileURL
            case "--augment": options.augmentPixels = try integer()
            default: throw option.unknown()
            }
        }
        return options
    }
}
