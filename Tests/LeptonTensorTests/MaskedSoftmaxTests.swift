import Foundation
import LeptonTensor
import Testing

@Suite("Masked softmax")
struct MaskedSoftmaxTests {
    @Test("kept entries match softmax over them alone; dropped entries and empty rows are zero")
    func values() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let mask = Tensor([1, 0, 1, 0, 0, 0], shape: [2, 3])
        let y = x.softmax(keeping: mask).scalars
        // Row 0 keeps 1 and 3: e^1/(e^1+e^3), 0, e^3/(e^1+e^3); row 1 keeps nothing.
        let total = Foundation.exp(Float(1)) + Foundation.exp(Float(3))
        let expected: [Float] = [Foundation.exp(1) / total, 0, Foundation.exp(3) / total, 0, 0, 0]
        for (value, truth) in zip(y, expected) { #expect(Swift.abs(value - truth) <= 1e-6) }
        // A mask of all ones is the plain softmax; a broadcast mask applies to every row.
        #expect(maxDifference(x.softmax(keeping: Tensor.ones([2, 3])), x.softmax()) < 1e-7)
        let broadcast = x.softmax(keeping: Tensor([1, 1, 0], shape: [1, 3])).scalars
        #expect(broadcast[2] == 0 && broadcast[5] == 0)
    }

    @Test("gradient matches finite differences (causal mask, batched attention scores)")
    func finiteDifferences() {
        var data = TestData(seed: 21)
        let scores = data.tensor([2, 2, 4, 4], in: -2...2)
        let causal = Tensor((0..<16).map { Float($0 % 4 <= $0 / 4 ? 1 : 0) }, shape: [1, 1, 4, 4])
        expectGradientsMatchFiniteDifferences([scores]) { $0[0].softmax(keeping: causal) }
        let rows = Tensor([1, 0, 1, 1, 0, 0, 0, 0], shape: [2, 4])
        expectGradientsMatchFiniteDifferences([data.tensor([2, 4])]) { $0[0].softmax(keeping: rows) }
    }

    @Test("batched matmul with transposes: gradients match finite differences")
    func batchedMatmul() {
        var data = TestData(seed: 22)
        let q = data.tensor([2, 3, 4, 5])
        let k = data.tensor([2, 3, 6, 5])
        expectGradientsMatchFiniteDifferences([q, k]) { matmul($0[0], $0[1], transposeB: true) }
        let attention = data.tensor([2, 3, 4, 6])
        let v = data.tensor([2, 3, 6, 5])
        expectGradientsMatchFiniteDifferences([attention, v]) { matmul($0[0], $0[1]) }
    }
}
