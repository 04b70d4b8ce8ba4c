import ArgumentParser
import Foundation
import LeptonServe
import Logging

/// `lepton-serve`: serves a directory of `.lepton` bundles over the Open Inference Protocol (KServe v2 REST).
@main
struct LeptonServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lepton-serve",
        abstract: "Serve .lepton bundles over the Open Inference Protocol (KServe v2 REST).",
        discussion: """
            Try it in one command: `lepton-serve --write-examples /tmp/lepton-models` writes two example bundles \
            (credit, a tabular classifier; digits-cnn, a small CNN) and serves them on 127.0.0.1:8000.
            """)

    @Option(help: "The directory of .lepton bundles (NAME.lepton, or NAME/*.lepton for versions).")
    var modelRepository: String?

    @Option(help: "Write example bundles into this directory (and serve it when --model-repository is absent).")
    var writeExamples: String?

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port (0: any free port; the bound port is printed).")
    var port = 8000

    @Option(help: "The largest number of rows run in one model call.")
    var maxBatchSize = 32

    @Option(help: "How long the oldest waiting row may wait for a batch to fill, in milliseconds.")
    var maxQueueDelayMs = 2.0

    @Option(help: "Waiting rows per model and arm before requests get 429 with Retry-After.")
    var maxQueueSize = 1024

    @Option(help: "The request body limit in bytes (larger bodies get 413).")
    var maxBodyBytes = 8 << 20

    @Option(help: "The most rows one inference request may carry.")
    var maxRowsPerRequest = 1024

    @Option(help: "The deadline of requests that set none, in milliseconds (default: none).")
    var defaultTimeoutMs: Double?

    @Option(help: "How long readiness is false before the listener closes on SIGTERM, in milliseconds.")
    var drainDelayMs = 0.0

    @Option(help: "Persist each model's prediction log (for feedback) under this directory.")
    var predictionLogDirectory: String?

    @Option(help: "The most version-pinned batchers per model (least recently used evicted beyond it).")
    var maxPinnedBatchers = 16

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Flag(help: "Only write the examples and exit.")
    var writeExamplesOnly = false

    func validate() throws {
        guard modelRepository != nil || writeExamples != nil else {
            throw ValidationError("give --model-repository DIR (or --write-examples DIR to try the examples)")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level '\(logLevel)'") }
        guard maxQueueDelayMs >= 0, maxQueueDelayMs.isFinite else {
            throw ValidationError("--max-queue-delay-ms must be ≥ 0")
        }
        if let defaultTimeoutMs, !(defaultTimeoutMs > 0) {
            throw ValidationError("--default-timeout-ms must be positive")
        }
        guard drainDelayMs >= 0, drainDelayMs.isFinite else { throw ValidationError("--drain-delay-ms must be ≥ 0") }
    }

    func run() async throws {
        if let writeExamples {
            let files = try ExampleBundles.write(to: URL(fileURLWithPath: writeExamples))
            print("wrote \(files.map(\.path).joined(separator: ", "))")
            if writeExamplesOnly { return }
        }
        guard let directory = modelRepository ?? writeExamples else { return }
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var configuration = ServerConfiguration(
            modelRepository: URL(fileURLWithPath: directory), maxBatchSize: maxBatchSize,
            maxQueueDelay: .microseconds(Int64(maxQueueDelayMs * 1000)), maxQueueSize: maxQueueSize,
            defaultTimeout: defaultTimeoutMs.map { .microseconds(Int64($0 * 1000)) }, maxBodyBytes: maxBodyBytes,
            maxRowsPerRequest: maxRowsPerRequest,
            predictionLogDirectory: predictionLogDirectory.map { URL(fileURLWithPath: $0) },
            drainDelay: .microseconds(Int64(drainDelayMs * 1000)))
        configuration.maxPinnedBatchers = maxPinnedBatchers
        do {
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
        let server = InferenceServer(configuration: configuration)
        let host = self.host
        try await LeptonServeApp.run(server: server, host: host, port: port) { port in
            print("lepton-serve listening on http://\(host):\(port)")
            fflush(nil)  // flush every stream: the conformance script reads the port from stdout
        }
    }
}
