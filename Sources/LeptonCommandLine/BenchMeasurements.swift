import Foundation
import LeptonDeploy
import LeptonKernels
import LeptonTensor

/// One measurement of `lepton bench`, printed as a JSON line (fields in the style of `Benchmarks/`: framework, task,
/// threads, median_seconds, throughput, units).
struct BenchResult: Encodable {
    var framework = "lepton"
    var benchmark: String
    var task: String
    var precision: String
    var mode: String
    var batchSize: Int?
    var concurrency: Int?
    var threads: Int
    var predictions: Int
    var seconds: Double
    var medianSeconds: Double
    var p50Milliseconds: Double
    var p95Milliseconds: Double
    var p99Milliseconds: Double
    var throughput: Double
    var units = "predictions/s"
    /// For int8: `static` (calibrated scales) or `dynamic` (per-row scales).
    var int8Scales: String?

    enum CodingKeys: String, CodingKey {
        case framework, benchmark, task, precision, mode, concurrency, threads, predictions, seconds, throughput, units
        case int8Scales = "int8_scales"
        case batchSize = "batch_size"
        case medianSeconds = "median_seconds"
        case p50Milliseconds = "p50_ms"
        case p95Milliseconds = "p95_ms"
        case p99Milliseconds = "p99_ms"
    }
}

/// The accuracy of float32 and int8 on the workload, and how often they agree.
struct AccuracyResult: Encodable {
    var framework = "lepton"
    var benchmark = "int8_accuracy"
    var task: String
    var samples: Int
    var float32Accuracy: Double?
    var int8Accuracy: Double?
    var agreement: Double
    var maxOutputDifference: Double

    enum CodingKeys: String, CodingKey {
        case framework, benchmark, task, samples, agreement
        case float32Accuracy = "float32_accuracy"
        case int8Accuracy = "int8_accuracy"
        case maxOutputDifference = "max_output_difference"
    }
}

/// The timing loops of `lepton bench`.
enum BenchMeasurements {
    /// Nearest-rank percentile of ascending `sorted` (seconds).
    static func percentile(_ sorted: [Double], _ level: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((level * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static func result(
        benchmark: String, task: String, predictor: Predictor, mode: String, batchSize: Int?, concurrency: Int?,
        latencies: [Double], predictions: Int, seconds: Double
    ) -> BenchResult {
        let sorted = latencies.sorted()
        let int8 = predictor.quantization == .int8
        return BenchResult(
            benchmark: benchmark, task: task, precision: int8 ? "int8" : "float32", mode: mode,
            batchSize: batchSize, concurrency: concurrency, threads: ThreadPool.shared.threadCount,
            predictions: predictions, seconds: seconds, medianSeconds: percentile(sorted, 0.5),
            p50Milliseconds: percentile(sorted, 0.5) * 1000, p95Milliseconds: percentile(sorted, 0.95) * 1000,
            p99Milliseconds: percentile(sorted, 0.99) * 1000, throughput: Double(predictions) / seconds,
            int8Scales: int8 ? (predictor.calibration == nil ? "dynamic" : "static") : nil)
    }

    /// Calls `predict(batch:)` with batches of `batchSize` requests for about `seconds` (at least 5 calls).
    static func batches(
        _ predictor: Predictor, _ requests: [PredictionRequest], batchSize: Int, seconds: Double, task: String
    ) -> BenchResult {
        let (latencies, elapsed) = timedCalls(seconds: seconds) { call in
            let offset = call * batchSize % requests.count
            return (0..<batchSize).map { requests[(offset + $0) % requests.count] }
        } run: { batch in
            _ = predictor.predict(batch: batch)
        }
        return result(
            benchmark: "batch", task: task, predictor: predictor, mode: "direct", batchSize: batchSize,
            concurrency: nil, latencies: latencies, predictions: latencies.count * batchSize, seconds: elapsed)
    }

    /// Calls `outputs(for:)` (the model alone: no validation, no interpretation, as ONNX Runtime's `session.run`) on
    /// stacked batches of `batchSize` inputs for about `seconds` (at least 5 calls); mode `tensor`.
    static func tensorBatches(_ predictor: Predictor, _ inputs: Tensor, batchSize: Int, seconds: Double, task: String)
        -> BenchResult
    {
        // Up to eight distinct batches, made before timing (inputs repeated when there are fewer than a batch).
        var pool = inputs
        while pool.shape[0] < batchSize { pool = Tensor.concatenate([pool, inputs], axis: 0) }
        let count = pool.shape[0]
        var batches: [Tensor] = []
        for index in 0..<max(1, min(8, count / batchSize)) {
            batches.append(pool[(index * batchSize)..<((index + 1) * batchSize)])
        }
        let (latencies, elapsed) = timedCalls(seconds: seconds) { call in
            batches[call % batches.count]
        } run: {
            _ = predictor.outputs(for: $0)
        }
        return result(
            benchmark: "batch", task: task, predictor: predictor, mode: "tensor", batchSize: batchSize,
            concurrency: nil, latencies: latencies, predictions: latencies.count * batchSize, seconds: elapsed)
    }

    /// Calls `run` on `prepare(call)` (prepared outside the timed region) for about `seconds`, at least 5 times.
    /// - Returns: each call's seconds and the seconds of the whole loop.
    static func timedCalls<Input>(seconds: Double, prepare: (Int) -> Input, run: (Input) -> Void)
        -> (latencies: [Double], elapsed: Double)
    {
        var latencies: [Double] = []
        let clock = ContinuousClock()
        let start = clock.now
        while latencies.count < 5 || (clock.now - start).seconds < seconds {
            let input = prepare(latencies.count)
            let callStart = clock.now
            run(input)
            latencies.append((clock.now - callStart).seconds)
        }
        return (latencies, (clock.now - start).seconds)
    }

    /// How concurrent single requests reach the model.
    enum ServingMode: String {
        /// Every task calls the predictor itself (as many model calls at once as there are threads).
        case direct
        /// One model worker answers one request at a time (a batcher with batches of one).
        case oneAtATime = "one-at-a-time"
        /// One model worker answers dynamic batches.
        case batcher
    }

    /// `concurrency` tasks each submit single requests for about `seconds`, in one of the ``ServingMode``s.
    static func concurrent(
        _ predictor: Predictor, _ requests: [PredictionRequest], concurrency: Int, seconds: Double, mode: ServingMode,
        batcher configuration: DynamicBatcherConfiguration, task: String
    ) async throws -> BenchResult {
        var settings = configuration
        settings.maxBatchesInFlight = 1
        if mode == .oneAtATime { settings.maxBatchSize = 1 }
        let batcher = try DynamicBatcher<PredictionRequest, Prediction>(configuration: settings) { inputs in
            predictor.predict(batch: inputs).map { $0.mapError { $0 as any Error } }
        }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(seconds * 1000))
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var own: [Double] = []
                    var index = worker * 7919
                    while clock.now < deadline || own.isEmpty {
                        let request = requests[index % requests.count]
                        index += 1
                        let callStart = clock.now
                        if mode == .direct {
                            _ = try predictor.predict(request)
                            await Task.yield()
                        } else {
                            _ = try await batcher.submit(request)
                        }
                        own.append((clock.now - callStart).seconds)
                    }
                    return own
                }
            }
            var all: [Double] = []
            for try await own in group { all += own }
            return all
        }
        let elapsed = (clock.now - start).seconds
        return result(
            benchmark: "concurrency", task: task, predictor: predictor, mode: mode.rawValue,
            batchSize: nil, concurrency: concurrency, latencies: latencies, predictions: latencies.count,
            seconds: elapsed)
    }

    /// Accuracy of both precisions (when labels are known), their top-class agreement and largest output gap.
    static func accuracy(float: Predictor, int8: Predictor, workload: BenchWorkload, task: String) throws
        -> AccuracyResult
    {
        var floatOutputs: [[Float]] = []
        var int8Outputs: [[Float]] = []
        for start in stride(from: 0, to: workload.requests.count, by: 256) {
            let chunk = Array(workload.requests[start..<min(workload.requests.count, start + 256)])
            floatOutputs += try float.predict(batch: chunk).map { try $0.get().outputs }
            int8Outputs += try int8.predict(batch: chunk).map { try $0.get().outputs }
        }
        func top(_ outputs: [Float]) -> Int { outputs.indices.max { outputs[$0] < outputs[$1] } ?? 0 }
        let agreement = zip(floatOutputs, int8Outputs).filter { top($0) == top($1) }.count
        let gap =
            zip(floatOutputs, int8Outputs).map { pair in
                zip(pair.0, pair.1).map { Double(abs($0 - $1)) }.max() ?? 0
            }.max() ?? 0
        var result = AccuracyResult(
            task: task, samples: floatOutputs.count,
            agreement: Double(agreement) / Double(max(floatOutputs.count, 1)), maxOutputDifference: gap)
        if let labels = workload.labels {
            func accuracy(_ outputs: [[Float]]) -> Double {
                Double(zip(outputs, labels).filter { top($0) == Int($1) }.count) / Double(max(labels.count, 1))
            }
            result.float32Accuracy = accuracy(floatOutputs)
            result.int8Accuracy = accuracy(int8Outputs)
        }
        return result
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
