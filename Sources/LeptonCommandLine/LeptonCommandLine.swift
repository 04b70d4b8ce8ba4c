import Foundation
import LeptonDeploy

/// The `lepton` command-line tool as library functions, so that tests run commands without spawning processes.
///
/// ```swift
/// let status = await LeptonCommandLine.run(["verify", "model.lepton"])    // prints "OK …" and returns 0
/// ```
public enum LeptonCommandLine {
    /// The command ran and found no problem.
    public static let exitSuccess: Int32 = 0
    /// The bundle or an input file is invalid or unreadable, or verification failed.
    public static let exitFailure: Int32 = 1
    /// The arguments are wrong; the usage text was printed.
    public static let exitUsage: Int32 = 2
    /// `predict` answered every row, but some rows were rejected (their lines carry the error).
    public static let exitRejectedRows: Int32 = 3

    /// The usage text.
    public static let usage = """
        usage: lepton <command> [arguments]

        commands:
          inspect <model.lepton> [--json]
              Show the architecture with per-layer shapes, the compiled steps, the schema, metrics, reference
              statistics, lineage and the checksum status. --json prints the manifest instead.
          verify <model.lepton>
              Recompute the checksum and validate manifest, architecture, weights, pipeline and schema, then run the
              model once. Prints "OK" and exits 0, or prints the problem and exits 1.
          predict <model.lepton> <input.csv|input.json> [--int8] [--batch-size N]
              One JSON line per input row: the prediction, or the error for that row. CSV: a header row naming the
              fields (tabular models) or one row of values per sample (tensor models). JSON: an array of records
              ({"field": value}) or of tensors (nested arrays, or {"shape": [...], "values": [...]}).
          bench <model.lepton> [--seconds S] [--batch-sizes 1,8,32,256] [--concurrency 1,8,64] [--no-int8]
                [--dynamic-int8] [--no-concurrency] [--mnist DIR] [--max-batch N] [--max-delay-ms MS] [--threads N]
                [--json]
              Latency percentiles and throughput at several batch sizes (through predict(batch:), and on stacked
              tensors through outputs(for:), the model alone), and under concurrent single requests through a
              DynamicBatcher (largest batch --max-batch, default 64; queue delay --max-delay-ms, default 1) versus
              one model call per request; float32 and int8, S seconds each (default 1). int8 uses the bundle's
              calibrated scales when it has them (--dynamic-int8: per-row scales instead). With --mnist DIR (the IDX
              files), also the test accuracy of both on every test image. --json prints only the JSON lines.
          mnist-bundle --data DIR --output <model.lepton> [--epochs N] [--seed S] [--version ID]
                [--calibration minmax|percentile:P|none] [--calibration-images N]
              Train the reference CNN on the MNIST IDX files in DIR (for example
              Sources/mnist-cnn/Resources/mnist_5k) and write it as a bundle, with int8 activation ranges calibrated
              on the first N training images (default 1000; method default minmax).
          help
              Show this text.

        exit status: 0 success, 1 invalid bundle or input, 2 wrong arguments, 3 some predict rows rejected
        """

    /// Runs one command.
    /// - Parameters:
    ///   - arguments: the arguments after the program name (`["verify", "model.lepton"]`).
    ///   - console: where to write (default: standard output and error).
    /// - Returns: the exit status.
    public static func run(_ arguments: [String], console: CommandConsole = .standard) async -> Int32 {
        guard let command = arguments.first else {
            console.printError(usage)
            return exitUsage
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch command {
            case "inspect": return try InspectCommand.run(rest, console: console)
            case "verify": return try VerifyCommand.run(rest, console: console)
            case "predict": return try PredictCommand.run(rest, console: console)
            case "bench": return try await BenchCommand.run(rest, console: console)
            case "mnist-bundle": return try MNISTBundleCommand.run(rest, console: console)
            case "help", "--help", "-h":
                console.print(usage)
                return exitSuccess
            default:
                throw CommandArguments.UsageError(message: "unknown command '\(command)'")
            }
        } catch let error as CommandArguments.UsageError {
            console.printError("lepton \(command): \(error.message)\n\n\(usage)")
            return exitUsage
        } catch {
            console.printError("lepton \(command): \(error)")
            return exitFailure
        }
    }
}
