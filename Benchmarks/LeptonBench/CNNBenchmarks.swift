import Foundation
import Lepton
import LeptonKernels

/// The reference CNN of the design (Keras' MNIST example), with a softmax output.
func referenceCNN(seed: UInt64) -> Sequential {
    Sequential(inputShape: [28, 28, 1], seed: seed) {
        Conv2D(filters: 32, kernelSize: 3, activation: .relu)
        MaxPool2D(poolSize: 2)
        Flatten()
        Dense(units: 64, activation: .relu)
        Dense(units: 10, activation: .softmax)
    }
}

/// 60,000 MNIST-shaped images of random bytes scaled to [0, 1] and random labels, as the baselines use.
func syntheticMNIST(count: Int, seed: UInt64) -> (Tensor, [Int32]) {
    var generator = RandomGenerator(seed: seed)
    let pixels = (0..<count * 784).map { _ in Float(generator.next() % 256) / 255 }
    let labels = (0..<count).map { _ in Int32(generator.next() % 10) }
    return (Tensor(pixels, shape: [count, 28, 28, 1]), labels)
}

/// `lepton-bench cnn-train`: samples per second of Adam training over epochs of 60,000 synthetic samples.
///
/// The protocol of `shared/baselines/bench_cnn_train.py`: 20 warm-up steps plus one ragged batch, then timed
/// epochs (shuffled, final partial batch included); throughput = samples / median epoch seconds.
func runCNNTrainingBenchmark(_ arguments: BenchmarkArguments) throws {
    let batchSizes = try arguments.integers("batch-size", default: [32, 128])
    let threadCounts = try arguments.integers("threads", default: [1, 2])
    let epochs = try arguments.integers("epochs", default: [3])[0]
    let samples = try arguments.integers("samples", default: [60_000])[0]
    let (images, labels) = syntheticMNIST(count: samples, seed: 0)
    for batchSize in batchSizes {
        for threads in threadCounts {
            ThreadPool.shared.threadCount = threads
            let trainer = Trainer(
                model: referenceCNN(seed: 0), optimizer: Adam(learningRate: 1e-3), loss: .sparseCategoricalCrossentropy)
            let warmUp = batchSize * 20 + samples % batchSize
            try trainer.fit(
                images[0..<warmUp], .labels(Array(labels[0..<warmUp])), epochs: 1, batchSize: batchSize, verbose: false)
            LoadMeter.start()
            let history = try trainer.fit(images, .labels(labels), epochs: epochs, batchSize: batchSize, verbose: false)
            LoadMeter.stop()
            let seconds = history.epochs.map(\.seconds)
            Measurement.report(
                task: "cnn_train", shape: [samples, 28, 28, 1], threads: threads, samples: seconds,
                work: Double(samples), units: "samples/s",
                extra: ["batch_size": batchSize, "final_loss": history["loss"].last ?? 0, "unit": "epoch"])
        }
    }
}

/// `lepton-bench cnn-infer`: batch-1 latency (median and p99 over 2,000 calls after 100 warm-up calls) and
/// batch-256 throughput (about 3 s of calls), of the reference CNN compiled with `InferenceModel`.
func runCNNInferenceBenchmark(_ arguments: BenchmarkArguments) throws {
    let threadCounts = try arguments.integers("threads", default: [1, 2])
    let calls = try arguments.integers("calls", default: [2_000])[0]
    let model = try InferenceModel(referenceCNN(seed: 0))
    let (images, _) = syntheticMNIST(count: 256, seed: 1)
    let single = images[0..<1]
    for threads in threadCounts {
        ThreadPool.shared.threadCount = threads
        for _ in 0..<100 { _ = model(single) }
        var latencies: [Double] = []
        latencies.reserveCapacity(calls)
        LoadMeter.start()
        for _ in 0..<calls {
            let begin = Measurement.now()
            _ = model(single)
            latencies.append(Measurement.now() - begin)
        }
        LoadMeter.stop()
        Measurement.report(
            task: "cnn_infer_latency", shape: [1, 28, 28, 1], threads: threads, samples: latencies, work: 1,
            units: "samples/s", extra: ["unit": "call"])
        let throughput = Measurement.sample(warmUp: 5, targetSeconds: 3, minimumRepeats: 20) { _ = model(images) }
        Measurement.report(
            task: "cnn_infer_throughput", shape: [256, 28, 28, 1], threads: threads, samples: throughput, work: 256,
            units: "samples/s", extra: ["unit": "call"])
    }
}
