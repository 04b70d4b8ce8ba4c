import Foundation
import Lepton
import LeptonKernels

/// One training step of a sequence layer without an optimizer: forward in training mode, mean squared error against a
/// fixed random target of the output's shape, backward (the step of `shared/baselines/bench_torch_misc.py`).
private func sequenceStep(
    task: String, layer: some Layer, input: Tensor, shape: [Int], threads: Int, extra: [String: Any]
) {
    ThreadPool.shared.threadCount = threads
    var generator = RandomGenerator(seed: 1)
    let probe = layer(input, context: .inference)
    let target = Tensor.normal(probe.shape, using: &generator)
    let samples = Measurement.sample(warmUp: 10, targetSeconds: 4, minimumRepeats: 30) {
        let output = layer(input, context: .training(generator: RandomGenerator(seed: 2)))
        let difference = output - target
        _ = (difference * difference).mean().backward()
    }
    Measurement.report(
        task: task, shape: shape, threads: threads, samples: samples, work: Double(shape[0]), units: "sequences/s",
        extra: extra.merging(["unit": "step", "includes": "forward+loss+backward"]) { first, _ in first })
}

/// `lepton-bench lstm`: an LSTM 32 → 128 (one layer, all time steps returned) on `[64, 50, 32]`, forward and
/// backward; throughput = 64 / median step seconds.
func runLSTMBenchmark(_ arguments: BenchmarkArguments) throws {
    let threadCounts = try arguments.integers("threads", default: [1, 2])
    var generator = RandomGenerator(seed: 0)
    let input = Tensor.normal([64, 50, 32], using: &generator)
    for threads in threadCounts {
        let lstm = LSTM(units: 128, returnSequences: true, inputSize: 32, seed: 0)
        sequenceStep(
            task: "lstm_fwd_bwd", layer: lstm, input: input, shape: [64, 50, 32], threads: threads,
            extra: ["input_size": 32, "hidden_size": 128, "num_layers": 1, "seq_len": 50, "batch_size": 64])
    }
}

/// `lepton-bench transformer-layer`: one post-norm TransformerEncoderLayer (d 128, 4 heads, ff 512, ReLU,
/// dropout 0.1, training mode) on `[32, 64, 128]`, forward and backward; throughput = 32 / median step seconds.
func runTransformerLayerBenchmark(_ arguments: BenchmarkArguments) throws {
    let threadCounts = try arguments.integers("threads", default: [1, 2])
    var generator = RandomGenerator(seed: 0)
    let input = Tensor.normal([32, 64, 128], using: &generator)
    for threads in threadCounts {
        let layer = TransformerEncoderLayer(heads: 4, feedForwardSize: 512, dropout: 0.1)
        var layerGenerator = RandomGenerator(seed: 0)
        layer.build(inputShape: [64, 128], generator: &layerGenerator)
        sequenceStep(
            task: "transformer_fwd_bwd", layer: layer, input: input, shape: [32, 64, 128], threads: threads,
            extra: ["d_model": 128, "nhead": 4, "dim_feedforward": 512, "dropout": 0.1, "seq_len": 64])
    }
}
