@testable import LeptonKernels

/// Direct-loop convolution in Double, forward and both adjoints: the truth for the GEMM-based kernels.
enum ConvolutionReference {
    /// Calls `body(n, oh, ow, kh, kw, inputOffset)` for every output pixel and kernel tap that lands inside
    /// the image (`inputOffset` is the flat index of channel 0 of the input pixel).
    static func forEachTap(_ g: Conv2DGeometry, _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        for n in 0..<g.batch {
            for oh in 0..<g.outHeight {
                for ow in 0..<g.outWidth {
                    for kh in 0..<g.kernelHeight {
                        for kw in 0..<g.kernelWidth {
                            let ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight
                            let iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth
                            guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                            body(n, oh, ow, kh, kw, ((n * g.height + ih) * g.width + iw) * g.inChannels)
                        }
                    }
                }
            }
        }
    }

    static func forward(_ g: Conv2DGeometry, input: [Float], weights: [Float], bias: [Float]?, relu: Bool) -> [Double] {
        var output = [Double](repeating: 0, count: g.outputCount)
        forEachTap(g) { n, oh, ow, kh, kw, inputOffset in
            let outputOffset = ((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels
            for ci in 0..<g.inChannels {
                let weightOffset = ((kh * g.kernelWidth + kw) * g.inChannels + ci) * g.outChannels
                for co in 0..<g.outChannels {
                    output[outputOffset + co] += Double(input[inputOffset + ci]) * Double(weights[weightOffset + co])
                }
            }
        }
        for index in output.indices {
            if let bias { output[index] += Double(bias[index % g.outChannels]) }
            if relu { output[index] = max(output[index], 0) }
        }
        return output
    }

    static func inputGradient(_ g: Conv2DGeometry, outputGradient: [Float], weights: [Float]) -> [Double] {
        var gradient = [Double](repeating: 0, count: g.inputCount)
        forEachTap(g) { n, oh, ow, kh, kw, inputOffset in
            let outputOffset = ((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels
            for ci in 0..<g.inChannels {
                let weightOffset = ((kh * g.kernelWidth + kw) * g.inChannels + ci) * g.outChannels
                for co in 0..<g.outChannels {
                    gradient[inputOffset + ci] +=
                        Double(outputGradient[outputOffset + co]) * Double(weights[weightOffset + co])
                }
            }
        }
        return gradient
    }

    static func weightGradient(_ g: Conv2DGeometry, input: [Float], outputGradient: [Float]) -> [Double] {
        var gradient = [Double](repeating: 0, count: g.weightCount)
        forEachTap(g) { n, oh, ow, kh, kw, inputOffset in
            let outputOffset = ((n * g.outHeight + oh) * g.outWidth + ow) * g.outChannels
            for ci in 0..<g.inChannels {
                let weightOffset = ((kh * g.kernelWidth + kw) * g.inChannels + ci) * g.outChannels
                for co in 0..<g.outChannels {
                    gradient[weightOffset + co] +=
                        Double(input[inputOffset + ci]) * Double(outputGradient[outputOffset + co])
                }
            }
        }
        return gradient
    }
}

/// The largest `|actual - expected|` relative to `1 + max|expected|`; `.infinity` when a NaN or infinity appears.
func scaledError(_ actual: [Float], _ expected: [Double]) -> Double {
    precondition(actual.count == expected.count, "compared arrays differ: \(actual.count) vs \(expected.count)")
    let scale = 1 + (expected.map { abs($0) }.max() ?? 0)
    var worst = 0.0
    for (value, truth) in zip(actual, expected) {
        let error = abs(Double(value) - truth) / scale
        guard error.isFinite else { return .infinity }
        worst = max(worst, error)
    }
    return worst
}
