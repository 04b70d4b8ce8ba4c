import Foundation
import Lepton

/// The command line of `mnist-cnn-distributed`.
struct DistributedOptions {
    var dataDirectory: URL
    var epochs = 1
    var steps = 0
    var batchSize = 32
    var threads = 1
    var seed: UInt64 = 0
    var useMPI = true
    var collectiveTimeout = 120.0
    var bucketBytes = GradientBuckets.defaultCapacityBytes

    /// A problem with the command line.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static let usage = """
        usage: mpirun -np N mnist-cnn-distributed [--data DIR] [--epochs N] [--steps N] [--batch-size N]
                                                  [--threads N] [--seed N] [--collective-timeout S]
                                                  [--bucket-bytes N] [--no-mpi]
          --batch-size N  the global batch, split evenly among the N ranks (default 32)
          --steps N       stop after N steps (default: run the epochs)
          --threads N     compute threads per process (default 1)
          --bucket-bytes N  gradient bucket capacity (default 25 MB; smaller buckets overlap more of the
                          all-reduce with backward)
          --no-mpi        train in this one process without MPI (the reference for a distributed run)
          --data DIR      MNIST IDX files (default: the 5k subset of the Lepton repository's mnist-cnn example)
        """

    /// The embedded MNIST subset of the root package's `mnist-cnn` example, found from this source file.
    static var embeddedData: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // mnist-cnn-distributed
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // LeptonMPI
            .deletingLastPathComponent()  // Integrations
            .deletingLastPathComponent()  // the repository
            .appendingPathComponent("Sources/mnist-cnn/Resources/mnist_5k")
    }

    static func parse(_ arguments: ArraySlice<String>) throws -> DistributedOptions {
        var options = DistributedOptions(dataDirectory: embeddedData)
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            if flag == "--help" || flag == "-h" {
                print(usage)
                exit(0)
            }
            if flag == "--no-mpi" {
                options.useMPI = false
                continue
            }
            guard let value = remaining.popFirst() else {
                throw Problem(description: "\(flag) needs a value\n\(usage)")
            }
            func integer() throws -> Int {
                guard let number = Int(value), number > 0 else {
                    throw Problem(description: "\(flag): '\(value)' is not a positive integer")
                }
                return number
            }
            switch flag {
            case "--data": options.dataDirectory = URL(fileURLWithPath: value)
            case "--epochs": options.epochs = try integer()
            case "--steps": options.steps = try integer()
            case "--batch-size": options.batchSize = try integer()
            case "--threads": options.threads = try integer()
            case "--bucket-bytes": options.bucketBytes = try integer()
            case "--seed": options.seed = UInt64(try integer())
            case "--collective-timeout":
                guard let seconds = Double(value), seconds > 0, seconds.isFinite else {
                    throw Problem(description: "--collective-timeout: '\(value)' is not a positive number of seconds")
                }
                options.collectiveTimeout = seconds
            default: throw Problem(description: "unknown option \(flag)\n\(usage)")
            }
        }
        return options
    }
}
