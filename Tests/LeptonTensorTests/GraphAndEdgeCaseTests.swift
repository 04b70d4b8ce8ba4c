import LeptonTensor
import Testing

/// Issue 18: long gradient graphs, empty extents, non-finite scans and combining gradients.
@Suite("gradient graphs and edge cases")
struct GraphAndEdgeCaseTests {
    /// `total = total + x` over `steps` recorded additions; the graph is released on return.
    static func longChain(_ steps: Int, differentiate: Bool) -> [Float] {
        let x = Tensor([1, 2]).requiringGradient()
        var total = Tensor.zeros([2])
        for _ in 0..<steps { total = total + x }
        return differentiate ? total.sum().backward()[x]?.scalars ?? [] : total.scalars
    }

    @Test("releasing a 200,000-operation graph does not overflow the stack, on the main thread or in a task")
    func longGraphRelease() async throws {
        // d(Σ total)/dx = 200,000 for each element (exact in Float).
        #expect(Self.longChain(200_000, differentiate: true) == [200_000, 200_000])
        let inTask = await Task.detached { Self.longChain(200_000, differentiate: false) }.value
        #expect(inTask == [200_000, 400_000])
    }

    @Test("matmul with an inner dimension of 0 gives zeros (NumPy: np.zeros((2,0)) @ np.zeros((0,3)))")
    func emptyInnerDimension() {
        let product = matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3]))
        #expect(product.shape == [2, 3] && product.scalars == [Float](repeating: 0, count: 6))
    }

    @Test("the mean over an empty axis is NaN (NumPy: np.zeros((0, 3)).mean(axis=0) is [nan, nan, nan])")
    func meanOfNothing() {
        let mean = Tensor.zeros([0, 3]).mean(axes: [0])
        #expect(mean.shape == [3] && mean.scalars.allSatisfy(\.isNaN))
        #expect(Tensor.zeros([2, 3]).mean(axes: [0]).scalars == [0, 0, 0])
    }

    @Test("the first non-finite element is found in any block")
    func firstNonFinite() {
        var values = Tensor.zeros([3, 5000])
        #expect(values.firstNonFiniteIndex == nil)
        values[2, 4001] = -.infinity
        values[2, 4999] = .nan
        #expect(values.firstNonFiniteIndex == 2 * 5000 + 4001)
        #expect(values.multiIndex(ofFlatIndex: 2 * 5000 + 4001) == [2, 4001])
        #expect(Tensor([Float.greatestFiniteMagnitude, -0.0, .leastNonzeroMagnitude]).firstNonFiniteIndex == nil)
    }

    @Test("gradients of micro-batches add up to the gradient of the whole batch")
    func gradientAccumulation() {
        let id = GradientID.unique()
        let w = Tensor([0.5, -1]).requiringGradient(id: id)
        let a = Tensor([1, 2, 3, 4], shape: [2, 2])
        let b = Tensor([-1, 0.5, 2, 0], shape: [2, 2])
        func loss(_ x: Tensor) -> Tensor { (matmul(x, w)).squared().sum() }
        let whole = loss(Tensor.concatenate([a, b], axis: 0)).backward()
        let accumulated = loss(a).backward().adding(loss(b).backward())
        // Closed form: d/dw Σ (x·w)² = 2 Σ (x·w) x.
        #expect(accumulated[id]!.scalars == whole[id]!.scalars)
        #expect(accumulated.scaled(by: 0.5)[id]!.scalars == whole[id]!.scalars.map { $0 * 0.5 })
        #expect(
            Gradients().count == 0 && Gradients([(id, Tensor([1, 1])), (id, Tensor([2, 3]))])[id]!.scalars == [3, 4])
    }

    @Test("gradients(withRespectTo:) on a tensor never marked stops with a message (PyTorch raises)")
    func unmarkedInput() async {
        await #expect(processExitsWith: .failure) {
            let x = Tensor([1, 2])
            _ = (x * 2).sum().gradients(withRespectTo: [x])
        }
        await #expect(processExitsWith: .failure) {
            let x = Tensor([1, 2]).requiringGradient()
            _ = withoutGradients { (x * 2).sum() }.backward()
        }
    }
}

@Suite("custom gradients")
struct CustomGradientTests {
    @Test("a custom operation's pullback receives the result's gradient and feeds its inputs")
    func customSquare() {
        let x = Tensor([1, -2, 3]).requiringGradient()
        let square = Tensor.customGradient(withoutGradients { x * x }, inputs: [x], name: "square") { gradient in
            [gradient * 2 * x.detached]
        }
        // d/dx Σ 3·x² = 6x (closed form).
        let gradient = (square * 3).sum().backward()[x]
        #expect(gradient?.scalars == [6, -12, 18])
        #expect(square.scalars == [1, 4, 9])
    }
}
