import Testing

@testable import LeptonKernels

/// One random case: geometry, data and the options of the direct loop.
private struct Int8Case {
    let geometry: Conv2DGeometry
    let input: [Float]
    let filter: [Float]
    let bias: [Float]?
    let relu: Bool
    let pooled: Bool
    let inputScale: Float?
}

extension Int8Case {
    init(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let stride = random.int(in: 1..<3)
        geometry = Conv2DGeometry(
            batch: random.int(in: 1..<4), height: random.int(in: 1..<12), width: random.int(in: 1..<12),
            inChannels: [1, 2, 3, 5, 7, 16][random.int(in: 0..<6)],
            outChannels: [1, 5, 16, 17, 32, 33, 40][random.int(in: 0..<7)],
            kernelHeight: random.int(in: 1..<4), kernelWidth: random.int(in: 1..<5), strideHeight: stride,
            strideWidth: random.int(in: 1..<3),
            padding: .explicit(
                top: random.int(in: 0..<3), bottom: random.int(in: 0..<2), left: random.int(in: 0..<3),
                right: random.int(in: 0..<2)))
        input = random.floats(geometry.inputCount, in: -2...3)
        filter = random.floats(geometry.weightCount)
        bias = random.int(in: 0..<4) == 0 ? nil : random.floats(geometry.outChannels)
        relu = random.int(in: 0..<2) == 0
        pooled = random.int(in: 0..<2) == 0
        // A calibrated scale below max |x| / 127 makes the large inputs saturate at ±127.
        inputScale = random.int(in: 0..<2) == 0 ? nil : 2.5 / 127
    }
}

/// The int8 codes and scales of the weights by the rule of `PackedInt8Weights`: per output channel,
/// `scale = max |w| / 127`, `code = round(w · 127 / max |w|)`.
private func quantizedFilter(_ g: Conv2DGeometry, _ filter: [Float]) -> (codes: [Int], scales: [Float]) {
    let channels = g.outChannels
    var largest = [Float](repeating: 0, count: channels)
    for (index, value) in filter.enumerated() { largest[index % channels] = max(largest[index % channels], abs(value)) }
    let codes = filter.enumerated().map { index, value -> Int in
        let top = largest[index % channels]
        return top > 0 ? Int((value * (127 / top)).rounded()) : 0
    }
    return (codes, largest.map { $0 / 127 })
}

/// The int8 codes of one image and their scale: `round-to-even(x · (1 / scale))` clamped to ±127.
private func quantizedImage(_ image: ArraySlice<Float>, scale fixed: Float?) -> (codes: [Int], scale: Float) {
    let largest = image.map(abs).max() ?? 0
    let scale = fixed ?? (largest > 0 ? largest / 127 : 1)
    let inverse = 1 / scale
    return (image.map { Int(max(-127, min(127, ($0 * inverse).rounded(.toNearestOrEven)))) }, scale)
}

/// The reference: exact integer sums over the taps inside the image, the dequantisation
/// `Float(sum) · (input scale · channel scale) + bias`, ReLU, then 2×2 max pooling of the results.
private func reference(_ c: Int8Case) -> [Float] {
    let g = c.geometry
    let (weights, channelScales) = quantizedFilter(g, c.filter)
    let imageSize = g.height * g.width * g.inChannels
    var result: [Float] = []
    for image in 0..<g.batch {
        let (x, scale) = quantizedImage(c.input[(image * imageSize)..<((image + 1) * imageSize)], scale: c.inputScale)
        var plane = [Float](repeating: 0, count: g.outHeight * g.outWidth * g.outChannels)
        for row in 0..<g.outHeight {
            for column in 0..<g.outWidth {
                for channel in 0..<g.outChannels {
                    var sum = 0
                    for i in 0..<g.kernelHeight {
                        for j in 0..<g.kernelWidth {
                            let y = row * g.strideHeight + i - g.padTop
                            let z = column * g.strideWidth + j - g.padLeft
                            guard y >= 0 && y < g.height && z >= 0 && z < g.width else { continue }
                            for k in 0..<g.inChannels {
                                let w = weights[((i * g.kernelWidth + j) * g.inChannels + k) * g.outChannels + channel]
                                sum += x[(y * g.width + z) * g.inChannels + k] * w
                            }
                        }
                    }
                    var value = Float(sum) * (scale * channelScales[channel]) + (c.bias?[channel] ?? 0)
                    if c.relu { value = max(value, 0) }
                    plane[(row * g.outWidth + column) * g.outChannels + channel] = value
                }
            }
        }
        guard c.pooled else {
            result += plane
            continue
        }
        for row in 0..<(g.outHeight / 2) {
            for column in 0..<(g.outWidth / 2) {
                for channel in 0..<g.outChannels {
                    var value = -Float.infinity
                    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        value = max(
                            value,
                            plane[((2 * row + dy) * g.outWidth + 2 * column + dx) * g.outChannels + channel])
                    }
                    result.append(value)
                }
            }
        }
    }
    return result
}

private func run(_ c: Int8Case, kernel: Int8Kernel, threads: Int) -> [Float] {
    let convolution = Int8DirectConvolution(
        filter: c.filter, bias: c.bias, geometry: c.geometry, relu: c.relu, pooled: c.pooled)
    var output = [Float](repeating: .nan, count: c.geometry.batch * convolution.outputCount)
    c.input.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { output in
            convolution.run(
                input: input.baseAddress!, batch: c.geometry.batch, output: output.baseAddress!,
                inputScale: c.inputScale, kernel: kernel, pool: ThreadPool(threadCount: threads))
        }
    }
    return output
}

@Suite("Int8 direct convolution")
struct Int8DirectConvolutionTests {
    @Test(
        "equals the exact integer convolution on random shapes",
        arguments: Int8Kernel.available.filter { $0 != .portable })
    func equalsIntegerReference(kernel: Int8Kernel) {
        for seed in 1...60 {
            let c = Int8Case(seed: UInt64(seed))
            guard Int8DirectConvolution.applies(to: c.geometry, kernel: kernel) else { continue }
            let actual = run(c, kernel: kernel, threads: seed % 2 + 1)
            let expected = reference(c)
            #expect(actual == expected, "seed \(seed), geometry \(c.geometry), pooled \(c.pooled)")
        }
    }

    @Test(
        "is within the quantisation error of the float convolution",
        arguments: Int8Kernel.available.filter { $0 != .portable })
    func withinQuantisationErrorOfFloat(kernel: Int8Kernel) {
        for seed in 100...130 {
            var c = Int8Case(seed: UInt64(seed))
            c = Int8Case(
                geometry: c.geometry, input: c.input, filter: c.filter, bias: c.bias, relu: false, pooled: false,
                inputScale: nil)
            let g = c.geometry
            guard Int8DirectConvolution.applies(to: g, kernel: kernel) else { continue }
            let actual = run(c, kernel: kernel, threads: 1)
            let exact = ConvolutionReference.forward(g, input: c.input, weights: c.filter, bias: c.bias, relu: false)
            // Per output: Σ |x|·Δw + |w|·Δx + Δx·Δw over the taps, with Δ half a quantisation step.
            let channelScales = quantizedFilter(g, c.filter).scales
            let imageSize = g.height * g.width * g.inChannels
            let absoluteInput = c.input.map { Float(abs($0)) }
            let absoluteFilter = c.filter.map { Float(abs($0)) }
            let inputMagnitude = ConvolutionReference.forward(
                g, input: absoluteInput, weights: [Float](repeating: 1, count: c.filter.count), bias: nil, relu: false)
            let filterMagnitude = ConvolutionReference.forward(
                g, input: [Float](repeating: 1, count: c.input.count), weights: absoluteFilter, bias: nil, relu: false)
            let perImage = g.outHeight * g.outWidth * g.outChannels
            for index in 0..<actual.count {
                let image = index / perImage
                let slice = c.input[(image * imageSize)..<((image + 1) * imageSize)]
                let inputStep = Double((slice.map(abs).max() ?? 0) / 127)
                let channelStep = Double(channelScales[index % g.outChannels])
                let taps = Double(g.kernelHeight * g.kernelWidth * g.inChannels)
                let allowed =
                    inputMagnitude[index] * channelStep / 2 + filterMagnitude[index] * inputStep / 2
                    + taps * inputStep * channelStep / 4 + 1e-5 * (1 + abs(exact[index]))
                #expect(abs(Double(actual[index]) - exact[index]) <= allowed, "seed \(seed), output \(index)")
            }
        }
    }
}
