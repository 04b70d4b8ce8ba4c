import Foundation
import Lepton
import LeptonKernels

/// `lepton-bench cnn-concurrent`: the same reference-CNN inference calls made by one caller, then split between
/// two callers running at the same time (two threads, as two request handlers of a server), alternating serial and
/// concurrent rounds in one process. Both share `ThreadPool.shared` at `--threads` threads; two callers must finish
/// no later than one caller doing all the calls (the pool shares its cores instead of both callers spin-waiting).
///
///   swift run -c release lepton-bench cnn-concurrent --calls 400 --batch 16 --rounds 5 --threads 2
func runConcurrentCallersBenchmark(_ arguments: BenchmarkArguments) throws {
    let calls = try arguments.integers("calls", default: [400])[0]
    let batch = try arguments.integers("batch", default: [16])[0]
    let rounds = try arguments.integers("rounds", default: [5])[0]
    let threads = try arguments.integers("threads", default: [2])[0]
    ThreadPool.shared.threadCount = threads
    let model = try InferenceModel(referenceCNN(seed: 0))
    let (images, _) = syntheticMNIST(count: batch, seed: 1)
    for _ in 0..<20 { _ = model(images) }

    var serial: [Double] = []
    var concurrent: [Double] = []
    for _ in 0..<rounds {
        let serialStart = Measurement.now()
        for _ in 0..<calls { _ = model(images) }
        serial.append(Measurement.now() - serialStart)

        let concurrentStart = Measurement.now()
        let finished = DispatchGroup()
        for caller in 0..<2 {
            finished.enter()
            let share = calls / 2 + (caller == 0 ? calls % 2 : 0)
            let thread = Thread {
                for _ in 0..<share { _ = model(images) }
                finished.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.wait()
        concurrent.append(Measurement.now() - concurrentStart)
    }
    Measurement.report(
        task: "cnn_infer_one_caller", shape: [batch, 28, 28, 1], threads: threads, samples: serial,
        work: Double(calls * batch), units: "samples/s", extra: ["calls": calls, "unit": "round"])
    Measurement.report(
        task: "cnn_infer_two_callers", shape: [batch, 28, 28, 1], threads: threads, samples: concurrent,
        work: Double(calls * batch), units: "samples/s",
        extra: [
            "calls": calls, "unit": "round",
            "ratio_to_one_caller": Measurement.percentile(concurrent, 0.5) / Measurement.percentile(serial, 0.5),
        ])
}
