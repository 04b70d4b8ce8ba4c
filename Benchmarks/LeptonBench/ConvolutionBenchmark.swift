import LeptonKernels

/// `lepton-bench conv`: the reference CNN's first layer (28×28×1 → 26×26×32, 3×3, valid, relu), forward and
/// both backward passes, per batch size and thread count, in samples per second.
func runConvolutionBenchmark(_ arguments: BenchmarkArguments) throws {
    let batches = try arguments.integers("batches", default: [32, 128])
    let threadCounts = try arguments.integers("threads", default: [1, 2])
    let seconds = try arguments.double("seconds", default: 1.5)
    for batch in batches {
        let geometry = Conv2DGeometry(
            batch: batch, height: 28, width: 28, inChannels: 1, outChannels: 32, kernelHeight: 3, kernelWidth: 3)
        var generator = BenchmarkRandom(seed: 7)
        let input = (0..<geometry.inputCount).map { _ in generator.nextFloat() }
        let weights = (0..<geometry.weightCount).map { _ in generator.nextFloat() * 0.3 }
        let bias = (0..<geometry.outChannels).map { _ in generator.nextFloat() * 0.1 }
        let outputGradient = (0..<geometry.outputCount).map { _ in generator.nextFloat() }
        var output = [Float](repeating: 0, count: geometry.outputCount)
        var inputGradient = [Float](repeating: 0, count: geometry.inputCount)
        var weightGradient = [Float](repeating: 0, count: geometry.weightCount)
        var biasGradient = [Float](repeating: 0, count: geometry.outChannels)
        let shape = [batch, 28, 28, 1, 32]
        let extra: [String: Any] = ["kernel": "3x3", "padding": "valid", "layout": "NHWC/HWIO"]
        for threads in threadCounts {
            let pool = ThreadPool(threadCount: threads)
            let forward = Measurement.sample(targetSeconds: seconds) {
                output.withUnsafeMutableBufferPointer {
                    Convolution.forward(
                        input: input, weights: weights, bias: bias, output: $0.baseAddress!, geometry: geometry,
                        activation: .relu, pool: pool)
                }
            }
            Measurement.report(
                task: "conv2d_forward", shape: shape, threads: threads, samples: forward, work: Double(batch),
                units: "samples/s", extra: extra.merging(["activation": "relu"]) { $1 })
            let backwardInput = Measurement.sample(targetSeconds: seconds) {
                inputGradient.withUnsafeMutableBufferPointer {
                    Convolution.backwardInput(
                        outputGradient: outputGradient, weights: weights, inputGradient: $0.baseAddress!,
                        geometry: geometry, pool: pool)
                }
            }
            Measurement.report(
                task: "conv2d_backward_input", shape: shape, threads: threads, samples: backwardInput,
                work: Double(batch), units: "samples/s", extra: extra)
            let backwardWeights = Measurement.sample(targetSeconds: seconds) {
                weightGradient.withUnsafeMutableBufferPointer { weightBuffer in
                    biasGradient.withUnsafeMutableBufferPointer { biasBuffer in
                        Convolution.backwardWeights(
                            input: input, outputGradient: outputGradient, weightGradient: weightBuffer.baseAddress!,
                            biasGradient: biasBuffer.baseAddress!, geometry: geometry, pool: pool)
                    }
                }
            }
            Measurement.report(
                task: "conv2d_backward_weights", shape: shape, threads: threads, samples: backwardWeights,
                work: Double(batch), units: "samples/s", extra: extra.merging(["bias": true]) { $1 })
        }
    }
}
