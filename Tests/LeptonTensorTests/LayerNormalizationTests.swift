import Foundation
import LeptonTensor
import Testing

@Suite("Fused layer normalisation")
struct LayerNormalizationTests {
    /// Layer normalisation of each row of `x` in Double: (x − μ)/√(σ² + ε)·scale + offset, σ² the biased variance.
    private func reference(_ x: Tensor, scale: [Float], offset: [Float], epsilon: Double) -> [Double] {
        let columns = x.shape[x.rank - 1]
        let values = x.scalars.map(Double.init)
        var result = [Double](repeating: 0, count: values.count)
        for start in stride(from: 0, to: values.count, by: columns) {
            let row = values[start..<(start + columns)]
            let mean = row.reduce(0, +) / Double(columns)
            let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(columns)
            for (column, value) in row.enumerated() {
                result[start + column] =
                    (value - mean) / (variance + epsilon).squareRoot() * Double(scale[column]) + Double(offset[column])
            }
        }
        return result
    }

    @Test(
        "forward matches the Double formula (rows longer and shorter than a vector, far from zero)",
        arguments: [[4, 1], [3, 5, 13], [6, 128], [2, 300]])
    func forward(shape: [Int]) {
        var data = TestData(seed: 31)
        let columns = shape[shape.count - 1]
        // An offset of 50 makes a one-pass variance (E[x²] − E[x]²) lose most of its digits; two passes do not.
        let x = data.tensor(Shape(shape), in: -2...2) + 50
        let scale = data.tensor([columns], in: 0.5...1.5)
        let offset = data.tensor([columns])
        let y = x.layerNormalized(scale: scale, offset: offset, epsilon: 1e-5).scalars
        let truth = reference(x, scale: scale.scalars, offset: offset.scalars, epsilon: 1e-5)
        var worst = 0.0
        for (value, expected) in zip(y, truth) {
            let error = abs(Double(value) - expected) / max(abs(expected), 1)
            worst = max(worst, error.isNaN ? .infinity : error)
        }
        // A row of one element normalises to 0 (its deviation is 0): the offset alone.
        #expect(worst < 2e-5, "shape \(shape): worst error \(worst)")
    }

    @Test("gradients of input, scale and offset match finite differences", arguments: [[3, 5, 13], [4, 16]])
    func finiteDifferences(shape: [Int]) {
        var data = TestData(seed: 32)
        let columns = shape[shape.count - 1]
        let x = data.tensor(Shape(shape), in: -2...2)
        let scale = data.tensor([columns], in: 0.5...1.5)
        let offset = data.tensor([columns])
        expectGradientsMatchFiniteDifferences([x, scale, offset]) {
            $0[0].layerNormalized(scale: $0[1], offset: $0[2], epsilon: 1e-5)
        }
    }

    @Test("the fused operation equals the composed mean/variance/rsqrt formula, values and gradients")
    func equalsComposition() {
        var data = TestData(seed: 33)
        let x = data.tensor([8, 40], in: -3...3).requiringGradient()
        let scale = data.tensor([40], in: 0.5...1.5).requiringGradient()
        let offset = data.tensor([40]).requiringGradient()
        let upstream = data.tensor([8, 40])
        let fused = x.layerNormalized(scale: scale, offset: offset, epsilon: 1e-3)
        let mean = x.mean(axes: [-1], keepDims: true)
        let composed = (x - mean) * (x.variance(axes: [-1], keepDims: true) + 1e-3).rsqrt() * scale + offset
        #expect(maxDifference(fused, composed) < 2e-5)
        let fusedGradients = (fused * upstream).sum().gradients(withRespectTo: [x, scale, offset])
        let composedGradients = (composed * upstream).sum().gradients(withRespectTo: [x, scale, offset])
        for (name, (a, b)) in zip(["input", "scale", "offset"], zip(fusedGradients, composedGradients)) {
            #expect(maxDifference(a, b) < 1e-4, "\(name) gradient")
        }
    }
}
