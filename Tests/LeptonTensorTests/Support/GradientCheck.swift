import LeptonTensor
import Testing

/// A seeded source of test tensors.
struct TestData {
    var generator: RandomGenerator

    init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    /// Values uniform in `range`.
    mutating func tensor(_ shape: Shape, in range: ClosedRange<Float> = -1...1) -> Tensor {
        Tensor.uniform(shape, in: range, using: &generator)
    }

    /// Values uniform in `range`, pairwise at least `gap` apart (no ties for max/min/pooling checks).
    mutating func distinct(_ shape: Shape, gap: Float = 0.02) -> Tensor {
        let count = shape.elementCount
        let order = generator.permutation(count)
        return Tensor(order.map { Float($0) * gap - Float(count) * gap / 2 }, shape: shape)
    }
}

/// Compares the gradients autodiff gives for `loss = Σ f(inputs) · upstream` with central finite differences.
///
/// The finite differences are taken in Float with step `step`, the loss summed in Double; the check passes when
/// |analytic − numeric| ≤ tolerance · max(1, |numeric|) for every element of every input.
func expectGradientsMatchFiniteDifferences(
    _ inputs: [Tensor], step: Float = 1e-2, tolerance: Float = 2e-2, seed: UInt64 = 99,
    sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Tensor]) -> Tensor
) {
    let probe = withoutGradients { function(inputs) }
    var data = TestData(seed: seed)
    let upstream = data.tensor(probe.shape)
    func loss(_ values: [Tensor]) -> Double {
        let output = withoutGradients { function(values) }
        return zip(output.scalars, upstream.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    let leaves = inputs.map { $0.requiringGradient() }
    let output = function(leaves)
    let gradients = (output * upstream).sum().gradients(withRespectTo: leaves)
    for (index, input) in inputs.enumerated() {
        let analytic = gradients[index].scalars
        #expect(
            gradients[index].shape == input.shape, "gradient shape of input \(index)", sourceLocation: sourceLocation)
        var worst: (element: Int, analytic: Float, numeric: Float)?
        var worstExcess: Float = 0
        for element in 0..<input.elementCount {
            var plus = inputs
            var minus = inputs
            plus[index].withUnsafeMutableBufferPointer { $0[element] += step }
            minus[index].withUnsafeMutableBufferPointer { $0[element] -= step }
            let numeric = Float((loss(plus) - loss(minus)) / (2 * Double(step)))
            let excess = Swift.abs(analytic[element] - numeric) - tolerance * Swift.max(1, Swift.abs(numeric))
            if excess > worstExcess {
                worstExcess = excess
                worst = (element, analytic[element], numeric)
            }
        }
        #expect(
            worst == nil,
            "input \(index) \(input.shape): element \(worst?.element ?? -1) analytic \(worst?.analytic ?? 0) vs numeric \(worst?.numeric ?? 0)",
            sourceLocation: sourceLocation)
    }
}

/// The largest absolute difference between two tensors of one shape.
func maxDifference(_ x: Tensor, _ y: Tensor) -> Float {
    precondition(x.shape == y.shape, "maxDifference: shapes \(x.shape) and \(y.shape) differ")
    return zip(x.scalars, y.scalars).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
}
