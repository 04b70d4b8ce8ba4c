import Foundation
import LeptonDeploy
import LeptonKernels

/// `lepton bench`: latency and throughput by batch size and under concurrent single requests (dynamic batcher
/// versus one at a time), float32 and int8, with int8's accuracy change.
enum BenchCommand {
    static func run(_ arguments: [String], console: CommandConsole) async throws -> Int32 {
        let parsed = try CommandArguments(
            arguments,
            options: ["seconds", "batch-sizes", "concurrency", "mnist", "max-batch", "max-delay-ms", "threads"],
            flags: ["no-int8", "dynamic-int8", "no-concurrency", "json"])
        let path = try parsed.requirePositional(["model.lepton"])[0]
        let seconds = try parsed.positiveNumber("seconds", default: 1)
        let batchSizes = try parsed.integerList("batch-sizes", default: [1, 8, 32, 256])
        let levels = parsed.flag("no-concurrency") ? [] : try parsed.integerList("concurrency", default: [1, 8, 64])
        let maxBatch = try parsed.positiveInteger("max-batch", default: 64)
        let maxDelay = try parsed.positiveNumber("max-delay-ms", default: 1)
        if parsed.option("threads") != nil {
            ThreadPool.shared.threadCount = try parsed.positiveInteger("threads", default: 1)
        }
        let jsonOnly = parsed.flag("json")

        let bundle = try ModelBundle(contentsOf: URL(fileURLWithPath: path))
        let task = bundle.manifest.name
        var predictors = [try Predictor(bundle: bundle, quantization: .none, warmUpCalls: 5)]
        if !parsed.flag("no-int8") {
            predictors.append(
                try Predictor(
                    model: bundle.model, pipeline: bundle.pipeline, schema: bundle.schema, name: bundle.manifest.name,
                    version: bundle.version, quantization: .int8,
                    calibration: parsed.flag("dynamic-int8") ? nil : bundle.manifest.calibration, warmUpCalls: 5))
        }
        let workload =
            try parsed.option("mnist").map { directory in
                do {
                    return try BenchWorkload.mnist(directory: URL(fileURLWithPath: directory), schema: bundle.schema)
                } catch {
                    throw PredictionInputFile.FileError(
                        description:
                            "--mnist \(directory): cannot read the MNIST test set there (t10k-images-idx3-ubyte "
                            + "and t10k-labels-idx1-ubyte, optionally .gz): \(error)")
                }
            }
            ?? BenchWorkload.synthetic(schema: bundle.schema, reference: bundle.manifest.reference)
        if !jsonOnly {
            console.print("lepton bench \(URL(fileURLWithPath: path).lastPathComponent): \(task) \(bundle.version)")
            console.print("inputs: \(workload.description)")
            console.print("threads: \(ThreadPool.shared.threadCount), load average: \(loadAverage())")
            if let int8 = predictors.dropFirst().first {
                console.print(
                    "int8: "
                        + (int8.calibration.map {
                            "static scales calibrated (\($0.method)) on \($0.sampleCount) samples"
                        } ?? "dynamic scales (per row, per image for convolutions)"))
            }
            let measurementCount = predictors.count * (batchSizes.count + 3 * levels.count)
            console.print("about \(Int(seconds * Double(measurementCount))) s of measurements…")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func emit(_ value: some Encodable) throws {
            console.print(String(decoding: try encoder.encode(value), as: UTF8.self))
        }

        var results: [BenchResult] = []
        for predictor in predictors {
            for batchSize in batchSizes {
                let result = BenchMeasurements.batches(
                    predictor, workload.requests, batchSize: batchSize, seconds: seconds, task: task)
                try emit(result)
                results.append(result)
                if let inputs = workload.inputs {
                    let tensor = BenchMeasurements.tensorBatches(
                        predictor, inputs, batchSize: batchSize, seconds: seconds, task: task)
                    try emit(tensor)
                    results.append(tensor)
                }
            }
        }
        let configuration = DynamicBatcherConfiguration(
            maxBatchSize: maxBatch, maxQueueDelay: .microseconds(Int(maxDelay * 1000)), queueCapacity: 1 << 16,
            maxBatchesInFlight: max(1, ThreadPool.shared.threadCount))
        for predictor in predictors {
            for level in levels {
                for mode in [BenchMeasurements.ServingMode.direct, .oneAtATime, .batcher] {
                    let result = try await BenchMeasurements.concurrent(
                        predictor, workload.requests, concurrency: level, seconds: seconds, mode: mode,
                        batcher: configuration, task: task)
                    try emit(result)
                    results.append(result)
                }
            }
        }
        var accuracy: AccuracyResult?
        if predictors.count == 2 {
            accuracy = try BenchMeasurements.accuracy(
                float: predictors[0], int8: predictors[1], workload: workload, task: task)
            try emit(accuracy!)
        }
        if !jsonOnly {
            for line in BenchReport.lines(results: results, accuracy: accuracy, maxBatch: maxBatch) {
                console.print(line)
            }
        }
        return LeptonCommandLine.exitSuccess
    }

    private static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// The readable summary of `lepton bench`.
enum BenchReport {
    static func lines(results: [BenchResult], accuracy: AccuracyResult?, maxBatch: Int) -> [String] {
        func ms(_ value: Double) -> String { String(format: "%.3f", value) }
        func rate(_ value: Double) -> String { String(format: "%.0f", value) }
        var lines = ["", "batch size sweep (one call per batch):"]
        var rows = [["precision", "call", "batch", "p50 ms", "p95 ms", "p99 ms", "predictions/s"]]
        for result in results where result.benchmark == "batch" {
            rows.append([
                result.precision + (result.int8Scales.map { " (\($0))" } ?? ""),
                result.mode == "tensor" ? "outputs(for:)" : "predict(batch:)", "\(result.batchSize ?? 0)",
                ms(result.p50Milliseconds), ms(result.p95Milliseconds), ms(result.p99Milliseconds),
                rate(result.throughput),
            ])
        }
        lines += BenchFormatting.table(rows).map { "  " + $0 }
        if results.contains(where: { $0.benchmark == "concurrency" }) {
            lines += ["", "concurrent single requests (latency per request; batcher max batch \(maxBatch)):"]
            rows = [["precision", "tasks", "mode", "p50 ms", "p95 ms", "p99 ms", "predictions/s"]]
            for result in results where result.benchmark == "concurrency" {
                rows.append([
                    result.precision, "\(result.concurrency ?? 0)", result.mode, ms(result.p50Milliseconds),
                    ms(result.p95Milliseconds), ms(result.p99Milliseconds), rate(result.throughput),
                ])
            }
            lines += BenchFormatting.table(rows).map { "  " + $0 }
        }
        lines.append("")
        for precision in ["float32", "int8"] {
            let concurrent = results.filter { $0.benchmark == "concurrency" && $0.precision == precision }
            for level in Set(concurrent.compactMap(\.concurrency)).sorted() {
                guard let single = concurrent.first(where: { $0.concurrency == level && $0.mode == "one-at-a-time" }),
                    let batched = concurrent.first(where: { $0.concurrency == level && $0.mode == "batcher" })
                else { continue }
                let direct = concurrent.first { $0.concurrency == level && $0.mode == "direct" }
                lines.append(
                    "\(precision), \(level) concurrent tasks: dynamic batching gives "
                        + String(format: "%.2f×", batched.throughput / single.throughput)
                        + " the throughput of one-at-a-time (one model worker)"
                        + (direct.map {
                            String(
                                format: ", %.2f× that of unbatched calls from every task",
                                batched.throughput / $0.throughput)
                        } ?? ""))
            }
        }
        let sweep = results.filter { $0.benchmark == "batch" }
        for float in sweep where float.precision == "float32" {
            guard
                let int8 = sweep.first(where: {
                    $0.precision == "int8" && $0.batchSize == float.batchSize && $0.mode == float.mode
                })
            else {
                continue
            }
            let ratio = int8.throughput / float.throughput
            let verdict = ratio >= 1 ? "faster" : "SLOWER"
            lines.append(
                "int8 (\(int8.int8Scales ?? "")) at batch \(float.batchSize ?? 0), "
                    + (float.mode == "tensor" ? "outputs(for:)" : "predict(batch:)") + ": "
                    + String(format: "%.2f×", ratio) + " the throughput of float32 (\(verdict))")
        }
        if let accuracy {
            var text =
                "int8 vs float32 on \(accuracy.samples) inputs: top class agrees on "
                + String(format: "%.2f%%", accuracy.agreement * 100)
                + String(format: ", largest output difference %.4f", accuracy.maxOutputDifference)
            if let float = accuracy.float32Accuracy, let int8 = accuracy.int8Accuracy {
                text += String(
                    format: "; accuracy %.2f%% (float32) → %.2f%% (int8), change %+.2f points", float * 100, int8 * 100,
                    (int8 - float) * 100)
            }
            lines.append(text)
        }
        return lines
    }
}
