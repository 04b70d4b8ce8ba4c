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
/// The inputs are perturbed in Float by ±`step` (the step actually representable at each element is used), the loss
/// is summed in Double, and the check passes when |analytic − numeric| ≤ tolerance · |numeric| + absoluteTolerance
/// for every element of every input. A NaN on either side fails. The defaults are tight enough that a zero gradient,
/// a sign error, or a derivative off by 1 % on entries of size ≥ 0.1 fails (`sigmoid′` × 1.1 is caught).
func expectGradientsMatchFiniteDifferences(
    _ inputs: [Tensor], step: Float = 1e-2, tolerance: Float = 2e-3, absoluteTolerance: Float = 2e-4,
    seed: UInt64 = 99, sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Tensor]) -> Tensor
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
        var worst: (element: Int, analytic: Float, numeric: Double)?
        var worstExcess = 0.0
        for element in 0..<input.elementCount {
            var plus = inputs
            var minus = inputs
            var high: Float = 0
            var low: Float = 0
            plus[index].withUnsafeMutableBufferPointer {
                $0[element] += step
                high = $0[element]
            }
            minus[index].withUnsafeMutableBufferPointer {
                $0[element] -= step
                low = $0[element]
            }
            let numeric = (loss(plus) - loss(minus)) / (Double(high) - Double(low))
            let difference = Swift.abs(Double(analytic[element]) - numeric)
            let excess = difference - Double(tolerance) * Swift.abs(numeric) - Double(absoluteTolerance)
            if !(excess <= 0) && !(excess <= worstExcess) {
                worstExcess = excess.isNaN ? .infinity : excess
                worst = (element, analytic[element], numeric)
            }
        }
        #expect(
            worst == nil,
            "input \(index) \(input.shape): element \(worst?.element ?? -1) analytic \(worst?.analytic ?? 0) vs numeric \(worst?.numeric ?? 0)",
            sourceLocation: sourceLocation)
    }
}

/// The largest absolute difference between two tensors of one shape; `.infinity` when a NaN appears on either side
/// (or an infinity the other side does not match), so a NaN never passes a tolerance.
func maxDifference(_ x: Tensor, _ y: Tensor) -> Float {
    precondition(x.shape == y.shape, "maxDifference: shapes \(x.shape) and \(y.shape) differ")
    var worst: Float = 0
    for (u, v) in zip(x.scalars, y.scalars) where u != v {
        let difference = Swift.abs(u - v)
        guard difference.isFinite else { return .infinity }
        worst = Swift.max(worst, difference)
    }
    return worst
}
