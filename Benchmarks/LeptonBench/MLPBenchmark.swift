import Foundation
import Lepton
import LeptonKernels

/// `lepton-bench mlp-train`: samples per second of SGD training of a 784-128-10 MLP (Dense-ReLU-Dense, logits,
/// sparse categorical cross-entropy from logits, SGD learning rate 0.01 without momentum, batch 128) over epochs of
/// 60,000 synthetic MNIST-shaped samples flattened to 784 features.
///
/// The protocol of `mlp` in `shared/baselines/bench_torch_misc.py`: 20 warm-up steps plus one ragged batch, then
/// timed epochs (shuffled, final partial batch included; 5 by default); throughput = samples / median epoch seconds.
func runMLPTrainingBenchmark(_ arguments: BenchmarkArguments) throws {
    let threadCounts = try arguments.integers("threads", default: [1, 2])
    let epochs = try arguments.integers("epochs", default: [5])[0]
    let samples = try arguments.integers("samples", default: [60_000])[0]
    let batchSize = try arguments.integers("batch-size", default: [128])[0]
    let (images, labels) = syntheticMNIST(count: samples, seed: 0)
    let inputs = images.reshaped(to: [samples, 784])
    for threads in threadCounts {
        ThreadPool.shared.threadCount = threads
        let model = Sequential(inputShape: [784], seed: 0) {
            Dense(units: 128, activation: .relu)
            Dense(units: 10)
        }
        let trainer = Trainer(
            model: model, optimizer: SGD(learningRate: 0.01),
            loss: .sparseCategoricalCrossentropy(fromLogits: true))
        let warmUp = batchSize * 20 + samples % batchSize
        try trainer.fit(
            inputs[0..<warmUp], .labels(Array(labels[0..<warmUp])), epochs: 1, batchSize: batchSize, verbose: false)
        LoadMeter.start()
        let history = try trainer.fit(inputs, .labels(labels), epochs: epochs, batchSize: batchSize, verbose: false)
        LoadMeter.stop()
        Measurement.report(
            task: "mlp_train", shape: [samples, 784], threads: threads, samples: history.epochs.map(\.seconds),
            work: Double(samples), units: "samples/s",
            extra: [
                "layers": "784-128-10", "batch_size": batchSize, "optimizer": "SGD(lr=0.01)",
                "loss": "cross_entropy", "final_loss": history["loss"].last ?? 0, "unit": "epoch",
            ])
    }
}
