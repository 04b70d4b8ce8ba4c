import LeptonTensor
import Testing

@Suite("Tensor values, creation and copy-on-write")
struct TensorBasicsTests {
    @Test("creation functions give the documented values")
    func creation() throws {
        #expect(Tensor.zeros([2, 3]).scalars == [Float](repeating: 0, count: 6))
        #expect(Tensor.ones([4]).scalars == [1, 1, 1, 1])
        #expect(Tensor.full([2], value: 7).scalars == [7, 7])
        #expect(Tensor.arange(0, 5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(Tensor.arange(3, 0, step: -1).scalars == [3, 2, 1])
        #expect(Tensor.linspace(0, 1, count: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.eye(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        let scalar = Tensor(2.5)
        #expect(scalar.rank == 0 && scalar.scalar == 2.5)
        #expect(throws: TensorError.elementCountMismatch(expected: 6, actual: 5, shape: [2, 3])) {
            try Tensor(validating: [1, 2, 3, 4, 5], shape: [2, 3])
        }
    }

    @Test("element access uses row-major order")
    func elementAccess() {
        var x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(x[0, 2] == 3 && x[1, 0] == 4)
        x[1, 1] = 50
        #expect(x.scalars == [1, 2, 3, 4, 50, 6])
    }

    @Test("copies share storage until one is written")
    func copyOnWrite() {
        let original = Tensor([1, 2, 3])
        var copy = original
        #expect(copy.sharesStorage(with: original))
        copy[0] = 10
        #expect(!copy.sharesStorage(with: original))
        #expect(original.scalars == [1, 2, 3] && copy.scalars == [10, 2, 3])
        let reshaped = original.reshaped(to: [3, 1])
        #expect(reshaped.sharesStorage(with: original))
    }

    @Test("broadcasting follows NumPy's rules")
    func broadcasting() {
        let column = Tensor([1, 2, 3], shape: [3, 1])
        let row = Tensor([10, 20], shape: [2])
        let sum = column + row
        #expect(sum.shape == [3, 2])
        #expect(sum.scalars == [11, 21, 12, 22, 13, 23])
        var data = TestData(seed: 1)
        let a = data.tensor([2, 1, 4, 1])
        let b = data.tensor([3, 1, 5])
        let product = a * b
        #expect(product.shape == [2, 3, 4, 5])
        // Reference: explicit index arithmetic.
        var worst: Float = 0
        for i in 0..<2 {
            for j in 0..<3 {
                for k in 0..<4 {
                    for l in 0..<5 {
                        let difference = Swift.abs(product[i, j, k, l] - a[i, 0, k, 0] * b[j, 0, l])
                        worst = difference.isNaN ? .infinity : Swift.max(worst, difference)
                    }
                }
            }
        }
        #expect(worst == 0)
        #expect((Tensor([1, 2]) - 1).scalars == [0, 1])
        #expect((2 / Tensor([1, 4])).scalars == [2, 0.5])
    }

    @Test("reductions and argmax")
    func reductions() {
        let x = Tensor([1, 5, 3, 4, 2, 6], shape: [2, 3])
        #expect(x.sum().scalar == 21)
        #expect(x.sum(axes: [0]).scalars == [5, 7, 9])
        #expect(x.sum(axes: [1], keepDims: true).shape == [2, 1])
        #expect(x.mean(axes: [1]).scalars == [3, 4])
        #expect(x.max(axes: [1]).scalars == [5, 6])
        #expect(x.min(axes: [0]).scalars == [1, 2, 3])
        #expect(x.argmax(axis: 1) == [1, 2])
        #expect(x.argmax(axis: 0) == [1, 0, 1])
        #expect(Swift.abs(x.variance().scalar - 35 / 12) < 1e-6)
        #expect(Swift.abs(x.variance(correction: 1).scalar - 3.5) < 1e-6)
    }

    @Test("layout operations move the right elements")
    func layout() {
        let x = Tensor.arange(0, 24).reshaped(to: [2, 3, 4])
        let permuted = x.permuted([2, 0, 1])
        #expect(permuted.shape == [4, 2, 3])
        #expect(permuted[3, 1, 2] == x[1, 2, 3])
        #expect(x.transposed[1, 3, 0] == x[1, 0, 3])
        #expect(x.slice(axis: 2, 1..<3).scalars == [1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22])
        let joined = Tensor.concatenate([Tensor([1, 2], shape: [1, 2]), Tensor([3, 4, 5, 6], shape: [2, 2])])
        #expect(joined.scalars == [1, 2, 3, 4, 5, 6])
        #expect(Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1).scalars == [1, 3, 2, 4])
        #expect(Tensor([1, 2, 3]).padded([(1, 2)], value: -1).scalars == [-1, 1, 2, 3, -1, -1])
        #expect(Tensor([1, 2, 3, 4], shape: [2, 2]).gathering([1, 1, 0]).scalars == [3, 4, 3, 4, 1, 2])
        #expect(Tensor.oneHot([2, 0], classes: 3).scalars == [0, 0, 1, 1, 0, 0])
        #expect(x.flattened().shape == [2, 12])
        #expect(Tensor.zeros([1, 3, 1]).squeezed().shape == [3])
        // A large transpose exercises the tiled path.
        let big = Tensor.arange(0, 64 * 50).reshaped(to: [64, 50])
        let t = big.transposed
        #expect(t[49, 63] == big[63, 49] && t[17, 5] == big[5, 17])
    }

    @Test("matmul matches a plain triple loop")
    func matmulValues() {
        var data = TestData(seed: 3)
        let a = data.tensor([2, 3, 4])
        let b = data.tensor([4, 5])
        let product = matmul(a, b)
        var worst: Float = 0
        for batch in 0..<2 {
            for i in 0..<3 {
                for j in 0..<5 {
                    var sum: Float = 0
                    for p in 0..<4 { sum += a[batch, i, p] * b[p, j] }
                    let difference = Swift.abs(product[batch, i, j] - sum)
                    worst = difference.isNaN ? .infinity : Swift.max(worst, difference)
                }
            }
        }
        #expect(worst < 1e-5)
        #expect(matmul(Tensor([1, 2]), Tensor([3, 4])).scalar == 11)
    }

    @Test("description looks like NumPy and abbreviates large tensors")
    func description() {
        #expect(Tensor([1, 2, 3, 4], shape: [2, 2]).description == "[[1., 2.],\n [3., 4.]]")
        #expect(Tensor([0.5, -0.25]).description == "[ 0.5000, -0.2500]")
        let large = Tensor.zeros([100, 100]).description
        #expect(large.contains("...") && large.count < 400)
    }

    @Test("no gradient graph without inputs that require gradients, nor inside withoutGradients")
    func noTapeInInference() {
        let x = Tensor([1, 2, 3])
        #expect(!(x * x).requiresGradient)
        let w = x.requiringGradient()
        #expect((w * x).requiresGradient)
        let inference = withoutGradients { (w * x).exp().sum() }
        #expect(!inference.requiresGradient)
        #expect(!w.detached.requiresGradient)
    }

    @Test("gradients with respect to an intermediate result")
    func intermediateGradient() {
        let x = Tensor([1, 2]).requiringGradient()
        let hidden = x * 3
        let loss = (hidden * hidden).sum()
        let gradients = loss.gradients(withRespectTo: [hidden, x])
        #expect(gradients[0].scalars == [6, 12])
        #expect(gradients[1].scalars == [18, 36])
    }
}
