import LeptonTensor
import Testing

/// `Tensor.allFinite` (the training step's gradient check, split across threads) against an element-by-element
/// scan, with NaN and infinities placed at block boundaries, in later tensors and in tiny tensors.
@Suite("Finite check of several tensors")
struct AllFiniteTests {
    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func oneBadElementAnywhereIsFound(bad: Float) {
        var generator = RandomGenerator(seed: 3)
        let sizes = [1, 5, 16_384, 16_385, 40_000]
        let clean = sizes.map { Tensor.normal([$0], using: &generator) }
        #expect(Tensor.allFinite(clean))
        #expect(Tensor.allFinite([]))
        for (which, size) in sizes.enumerated() {
            for position in Set([0, size / 2, size - 1, min(16_383, size - 1), min(16_384, size - 1)]) {
                var tensors = clean
                var values = tensors[which].scalars
                values[position] = bad
                tensors[which] = Tensor(values, shape: [size])
                #expect(!Tensor.allFinite(tensors), "tensor \(which) of \(size), position \(position)")
                #expect(tensors[which].firstNonFiniteIndex == position)
            }
        }
        // The largest finite values and subnormals are finite.
        #expect(
            Tensor.allFinite([Tensor([.greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude])]))
    }
}
