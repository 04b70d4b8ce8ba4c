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

    /// Softmax over the kept entries of each row in Double, with the mask broadcast by tensor addition.
    private func reference(_ x: Tensor, keeping mask: Tensor) -> [Double] {
        let keep = (mask + Tensor.zeros(x.shape)).scalars
        let values = x.scalars
        let columns = x.shape[x.rank - 1]
        var result = [Double](repeating: 0, count: values.count)
        for start in stride(from: 0, to: values.count, by: columns) {
            let kept = (start..<(start + columns)).filter { keep[$0] != 0 }
            guard let largest = kept.map({ Double(values[$0]) }).max() else { continue }
            let total = kept.reduce(0.0) { $0 + Foundation.exp(Double(values[$1]) - largest) }
            for index in kept { result[index] = Foundation.exp(Double(values[index]) - largest) / total }
        }
        return result
    }

    /// A mask of `shape` keeping the entries where a uniform draw in [-1, 1] exceeds `threshold`.
    private func binaryMask(_ shape: [Int], threshold: Float, using data: inout TestData) -> Tensor {
        Tensor(data.tensor(Shape(shape)).scalars.map { $0 > threshold ? 1 : 0 }, shape: Shape(shape))
    }

    @Test(
        "masks broadcast from every shape attention uses (causal, key padding, both, 1-D, along the last axis)",
        arguments: [[5, 37], [2, 3, 5, 37]])
    func broadcastMasks(shape: [Int]) {
        var data = TestData(seed: 23)
        let x = data.tensor(Shape(shape), in: -6...6)
        let (rows, columns) = (shape[shape.count - 2], shape[shape.count - 1])
        var random = TestData(seed: 24)
        let leadingOnes = [Int](repeating: 1, count: shape.count - 2)
        let masks: [Tensor] = [
            Tensor((0..<(rows * columns)).map { Float($0 % columns <= $0 / columns ? 1 : 0) }, shape: [rows, columns]),
            binaryMask(Array(shape.prefix(shape.count - 2)) + [1, columns], threshold: 0, using: &random),
            binaryMask(leadingOnes + [rows, columns], threshold: -0.5, using: &random),
            Tensor((0..<columns).map { Float($0 % 3 == 0 ? 0 : 1) }, shape: [columns]),
            binaryMask(Array(shape.dropLast()) + [1], threshold: 0, using: &random),
        ]
        for (index, mask) in masks.enumerated() {
            let y = x.softmax(keeping: mask).scalars
            let truth = reference(x, keeping: mask)
            let keep = (mask + Tensor.zeros(x.shape)).scalars
            var worst = 0.0
            for position in y.indices {
                let error = Swift.abs(Double(y[position]) - truth[position]) / Swift.max(truth[position], 1e-3)
                worst = Swift.max(worst, error.isNaN ? .infinity : error)
            }
            #expect(worst < 2e-6, "mask \(index) \(mask.shape): worst error \(worst)")
            let droppedAreZero = zip(y, keep).allSatisfy { $1 != 0 || $0 == 0 }
            #expect(droppedAreZero, "mask \(index): a dropped entry is not exactly 0")
        }
    }

    @Test("a NaN among the kept entries makes its row NaN; a NaN in a dropped entry changes nothing")
    func nanPropagates() {
        let x = Tensor([1, .nan, 3, 4, 5, .nan], shape: [2, 3])
        let y = x.softmax(keeping: Tensor([1, 1, 1, 1, 1, 0], shape: [2, 3])).scalars
        let firstRowIsNaN = y[0..<3].allSatisfy { $0.isNaN }
        #expect(firstRowIsNaN)
        let total = Foundation.exp(Float(4)) + Foundation.exp(Float(5))
        #expect(Swift.abs(y[3] - Foundation.exp(4) / total) <= 1e-6 && y[5] == 0)
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
