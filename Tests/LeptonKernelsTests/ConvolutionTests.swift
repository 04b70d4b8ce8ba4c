import Testing

@testable import LeptonKernels

private struct ConvCase: CustomStringConvertible {
    var batch = 1
    var height = 5
    var width = 6
    var inChannels = 1
    var outChannels = 1
    var kernel = (3, 3)
    var stride = (1, 1)
    var dilation = (1, 1)
    var padding = Conv2DGeometry.Padding.valid

    var geometry: Conv2DGeometry {
        Conv2DGeometry(
            batch: batch, height: height, width: width, inChannels: inChannels, outChannels: outChannels,
            kernelHeight: kernel.0, kernelWidth: kernel.1, strideHeight: stride.0, strideWidth: stride.1,
            dilationHeight: dilation.0, dilationWidth: dilation.1, padding: padding)
    }

    var description: String {
        "batch \(batch) \(height)x\(width)x\(inChannels)->\(outChannels) kernel \(kernel) stride \(stride) "
            + "dilation \(dilation) \(padding)"
    }
}

/// Every combination of the awkward settings, kept small enough for a debug build.
private let cases: [ConvCase] = {
    var result: [ConvCase] = []
    let paddings: [Conv2DGeometry.Padding] = [.valid, .same, .explicit(top: 1, bottom: 0, left: 2, right: 1)]
    let channels = [(1, 1), (3, 5), (8, 16)]
    for padding in paddings {
        for stride in [(1, 1), (2, 2), (1, 2)] {
            for dilation in [(1, 1), (2, 2)] {
                for (index, (inChannels, outChannels)) in channels.enumerated() {
                    result.append(
                        ConvCase(
                            batch: index == 1 ? 3 : 1, height: 7, width: 6 + index, inChannels: inChannels,
                            outChannels: outChannels, kernel: index == 2 ? (2, 3) : (3, 3), stride: stride,
                            dilation: dilation, padding: padding))
                }
            }
        }
    }
    // Pointwise (the no-im2col path), a pointwise with stride, and a kernel as large as the input.
    result.append(ConvCase(batch: 3, height: 4, width: 5, inChannels: 7, outChannels: 9, kernel: (1, 1)))
    result.append(
        ConvCase(batch: 2, height: 5, width: 5, inChannels: 3, outChannels: 4, kernel: (1, 1), stride: (2, 2)))
    result.append(ConvCase(batch: 2, height: 3, width: 4, inChannels: 2, outChannels: 3, kernel: (3, 4)))
    return result
}()

private struct ConvData {
    let input: [Float]
    let weights: [Float]
    let bias: [Float]
    let outputGradient: [Float]

    init(_ g: Conv2DGeometry, seed: UInt64) {
        var random = TestRandom(seed: seed)
        input = random.floats(g.inputCount)
        weights = random.floats(g.weightCount)
        bias = random.floats(g.outChannels)
        outputGradient = random.floats(g.outputCount)
    }
}

private func runForward(
    _ g: Conv2DGeometry, _ data: ConvData, bias: Bool, relu: Bool, pool: ThreadPool = ThreadPool(threadCount: 1)
) -> [Float] {
    var output = [Float](repeating: .nan, count: g.outputCount)
    data.bias.withUnsafeBufferPointer { biasBuffer in
        output.withUnsafeMutableBufferPointer {
            Convolution.forward(
                input: data.input, weights: data.weights, bias: bias ? biasBuffer.baseAddress : nil,
                output: $0.baseAddress!, geometry: g, activation: relu ? .relu : .identity, pool: pool)
        }
    }
    return output
}

private func runBackwardInput(
    _ g: Conv2DGeometry, _ data: ConvData, start: [Float], accumulate: Bool,
    pool: ThreadPool = ThreadPool(threadCount: 1)
) -> [Float] {
    var gradient = start
    gradient.withUnsafeMutableBufferPointer {
        Convolution.backwardInput(
            outputGradient: data.outputGradient, weights: data.weights, inputGradient: $0.baseAddress!, geometry: g,
            accumulate: accumulate, pool: pool)
    }
    return gradient
}

private func runBackwardWeights(
    _ g: Conv2DGeometry, _ data: ConvData, start: [Float], biasStart: [Float], accumulate: Bool,
    pool: ThreadPool = ThreadPool(threadCount: 1)
) -> ([Float], [Float]) {
    var weightGradient = start
    var biasGradient = biasStart
    weightGradient.withUnsafeMutableBufferPointer { weightBuffer in
        biasGradient.withUnsafeMutableBufferPointer { biasBuffer in
            Convolution.backwardWeights(
                input: data.input, outputGradient: data.outputGradient, weightGradient: weightBuffer.baseAddress!,
                biasGradient: biasBuffer.baseAddress!, geometry: g, accumulate: accumulate, pool: pool)
        }
    }
    return (weightGradient, biasGradient)
}

@Suite("Convolution against a direct Double reference and finite differences")
struct ConvolutionTests {
    @Test("geometry resolves padding like TensorFlow")
    func geometry() {
        let same = Conv2DGeometry(
            batch: 1, height: 28, width: 27, inChannels: 1, outChannels: 1, kernelHeight: 3, kernelWidth: 4,
            strideHeight: 2, strideWidth: 3, padding: .same)
        // Heights: ceil(28/2) = 14, total = 13·2 + 3 - 28 = 1. Widths: ceil(27/3) = 9, total = 8·3 + 4 - 27 = 1.
        #expect((same.outHeight, same.outWidth) == (14, 9))
        #expect((same.padTop, same.padBottom, same.padLeft, same.padRight) == (0, 1, 0, 1))
        let dilated = Conv2DGeometry(
            batch: 2, height: 10, width: 10, inChannels: 3, outChannels: 4, kernelHeight: 3, kernelWidth: 3,
            dilationHeight: 2, dilationWidth: 2, padding: .same)
        #expect((dilated.padTop, dilated.padBottom, dilated.outHeight) == (2, 2, 10))
        let reference = Conv2DGeometry(
            batch: 32, height: 28, width: 28, inChannels: 1, outChannels: 32, kernelHeight: 3, kernelWidth: 3)
        #expect((reference.outHeight, reference.outWidth, reference.outputCount) == (26, 26, 32 * 26 * 26 * 32))
        #expect(reference.weightCount == 288 && reference.inputCount == 32 * 784)
    }

    @Test("forward with and without bias and relu")
    func forward() {
        var seed: UInt64 = 1
        for spec in cases {
            seed += 1
            let g = spec.geometry
            let data = ConvData(g, seed: seed)
            for (bias, relu) in [(false, false), (true, true)] {
                let expected = ConvolutionReference.forward(
                    g, input: data.input, weights: data.weights, bias: bias ? data.bias : nil, relu: relu)
                let actual = runForward(g, data, bias: bias, relu: relu)
                #expect(scaledError(actual, expected) <= 1e-5, "\(spec) bias \(bias) relu \(relu)")
            }
        }
    }

    @Test("backward input and weights, overwriting and accumulating")
    func backward() {
        var seed: UInt64 = 1000
        for spec in cases {
            seed += 1
            let g = spec.geometry
            let data = ConvData(g, seed: seed)
            var random = TestRandom(seed: seed + 1)
            let inputStart = random.floats(g.inputCount)
            let weightStart = random.floats(g.weightCount)
            let biasStart = random.floats(g.outChannels)
            let inputTruth = ConvolutionReference.inputGradient(
                g, outputGradient: data.outputGradient, weights: data.weights)
            let weightTruth = ConvolutionReference.weightGradient(
                g, input: data.input, outputGradient: data.outputGradient)
            var biasTruth = [Double](repeating: 0, count: g.outChannels)
            for (index, value) in data.outputGradient.enumerated() { biasTruth[index % g.outChannels] += Double(value) }
            for accumulate in [false, true] {
                let inputGradient = runBackwardInput(g, data, start: inputStart, accumulate: accumulate)
                let (weightGradient, biasGradient) = runBackwardWeights(
                    g, data, start: weightStart, biasStart: biasStart, accumulate: accumulate)
                func plusStart(_ truth: [Double], _ start: [Float]) -> [Double] {
                    accumulate ? zip(truth, start).map { $0 + Double($1) } : truth
                }
                #expect(
                    scaledError(inputGradient, plusStart(inputTruth, inputStart)) <= 1e-5,
                    "dInput \(spec) \(accumulate)")
                #expect(
                    scaledError(weightGradient, plusStart(weightTruth, weightStart)) <= 1e-5, "dW \(spec) \(accumulate)"
                )
                #expect(
                    scaledError(biasGradient, plusStart(biasTruth, biasStart)) <= 1e-5, "dBias \(spec) \(accumulate)")
            }
        }
    }

    @Test("several im2col blocks per call, and threads splitting pixels and images")
    func blocksAndThreads() {
        // K = 3·3·64 = 576 gives 227 rows per block: 484 output rows need three blocks, cut mid-line.
        let wide = ConvCase(batch: 1, height: 24, width: 24, inChannels: 64, outChannels: 4, kernel: (3, 3))
        let split = ConvCase(
            batch: 3, height: 16, width: 16, inChannels: 3, outChannels: 16, kernel: (3, 3), padding: .same)
        for (index, spec) in [wide, split].enumerated() {
            let g = spec.geometry
            let data = ConvData(g, seed: 5000 + UInt64(index))
            let zeros = [Float](repeating: 0, count: g.weightCount)
            for threads in [1, 2, 3] {
                let pool = ThreadPool(threadCount: threads)
                let forward = runForward(g, data, bias: true, relu: false, pool: pool)
                let expected = ConvolutionReference.forward(
                    g, input: data.input, weights: data.weights, bias: data.bias, relu: false)
                #expect(scaledError(forward, expected) <= 1e-5, "forward \(spec) threads \(threads)")
                let inputGradient = runBackwardInput(
                    g, data, start: [Float](repeating: .nan, count: g.inputCount), accumulate: false, pool: pool)
                let inputTruth = ConvolutionReference.inputGradient(
                    g, outputGradient: data.outputGradient, weights: data.weights)
                #expect(scaledError(inputGradient, inputTruth) <= 1e-5, "dInput \(spec) threads \(threads)")
                let (weightGradient, _) = runBackwardWeights(
                    g, data, start: zeros, biasStart: [Float](repeating: 0, count: g.outChannels), accumulate: false,
                    pool: pool)
                let weightTruth = ConvolutionReference.weightGradient(
                    g, input: data.input, outputGradient: data.outputGradient)
                #expect(scaledError(weightGradient, weightTruth) <= 1e-5, "dW \(spec) threads \(threads)")
            }
        }
    }

    @Test("gradients match central finite differences of sum(output · upstream)")
    func finiteDifferences() {
        let specs = [
            ConvCase(batch: 2, height: 5, width: 4, inChannels: 2, outChannels: 3, stride: (2, 1), padding: .same),
            ConvCase(batch: 1, height: 6, width: 6, inChannels: 1, outChannels: 2, dilation: (2, 1)),
        ]
        for (index, spec) in specs.enumerated() {
            let g = spec.geometry
            let data = ConvData(g, seed: 7000 + UInt64(index))
            let upstream = data.outputGradient
            func loss(input: [Float], weights: [Float], bias: [Float]) -> Double {
                var output = [Float](repeating: 0, count: g.outputCount)
                output.withUnsafeMutableBufferPointer {
                    Convolution.forward(
                        input: input, weights: weights, bias: bias, output: $0.baseAddress!, geometry: g,
                        pool: ThreadPool(threadCount: 1))
                }
                return zip(output, upstream).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            let step: Float = 1e-2
            func estimate(_ values: [Float], _ index: Int, _ evaluate: ([Float]) -> Double) -> Double {
                var plus = values
                var minus = values
                plus[index] += step
                minus[index] -= step
                return (evaluate(plus) - evaluate(minus)) / Double(2 * step)
            }
            let inputGradient = runBackwardInput(
                g, data, start: [Float](repeating: 0, count: g.inputCount), accumulate: false)
            let (weightGradient, biasGradient) = runBackwardWeights(
                g, data, start: [Float](repeating: 0, count: g.weightCount),
                biasStart: [Float](repeating: 0, count: g.outChannels), accumulate: false)
            for i in 0..<g.inputCount {
                let fd = estimate(data.input, i) { loss(input: $0, weights: data.weights, bias: data.bias) }
                #expect(abs(Double(inputGradient[i]) - fd) <= 2e-3 + 1e-2 * abs(fd), "dInput[\(i)] \(spec)")
            }
            for i in 0..<g.weightCount {
                let fd = estimate(data.weights, i) { loss(input: data.input, weights: $0, bias: data.bias) }
                #expect(abs(Double(weightGradient[i]) - fd) <= 2e-3 + 1e-2 * abs(fd), "dW[\(i)] \(spec)")
            }
            for i in 0..<g.outChannels {
                let fd = estimate(data.bias, i) { loss(input: data.input, weights: data.weights, bias: $0) }
                #expect(abs(Double(biasGradient[i]) - fd) <= 2e-3 + 1e-2 * abs(fd), "dBias[\(i)] \(spec)")
            }
        }
    }
}
