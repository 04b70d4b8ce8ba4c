import Testing

@testable import LeptonKernels

@Suite("Convolution fused with max pooling")
struct ConvolutionPooledTests {
    @Test("equals a convolution followed by pooling", arguments: [1, 2])
    func matchesSeparatePasses(threads: Int) {
        var random = TestRandom(seed: 17)
        let geometry = Conv2DGeometry(
            batch: 5, height: 11, width: 9, inChannels: 3, outChannels: 16, kernelHeight: 3, kernelWidth: 3,
            padding: .same)
        let poolGeometry = Pool2DGeometry(
            batch: 5, height: geometry.outHeight, width: geometry.outWidth, channels: 16, windowHeight: 2,
            windowWidth: 2, strideHeight: 2, strideWidth: 2)
        let input = random.floats(geometry.inputCount)
        let weights = random.floats(geometry.weightCount)
        let bias = random.floats(16)
        var convolved = [Float](repeating: 0, count: geometry.outputCount)
        var expected = [Float](repeating: 0, count: poolGeometry.outputCount)
        var actual = [Float](repeating: .nan, count: poolGeometry.outputCount)
        let pool = ThreadPool(threadCount: threads)
        convolved.withUnsafeMutableBufferPointer { out in
            Convolution.forward(
                input: input, weights: weights, bias: bias, output: out.baseAddress!, geometry: geometry,
                activation: .relu, pool: pool)
        }
        expected.withUnsafeMutableBufferPointer { out in
            Pooling.maxForward(
                input: convolved, output: out.baseAddress!, argmax: nil, geometry: poolGeometry, pool: pool)
        }
        actual.withUnsafeMutableBufferPointer { out in
            Convolution.forwardMaxPooled(
                input: input, weights: weights, bias: bias, output: out.baseAddress!, geometry: geometry,
                activation: .relu, poolGeometry: poolGeometry, pool: pool)
        }
        #expect(maxAbsDifference(actual, expected) == 0)
    }
}
