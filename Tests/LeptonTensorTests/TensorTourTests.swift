import LeptonTensor
import Testing

/// The code of Sources/LeptonTensor/LeptonTensor.docc/Tensors.md, compiled and checked. `.ci/check_doc_snippets.py` fails CI when a code
/// block of that page is not found here, so the page cannot drift from code that builds and runs.
@Suite("The Tensors tour (Sources/LeptonTensor/LeptonTensor.docc/Tensors.md)")
struct TensorTourTests {
    @Test("creating tensors")
    func creating() {
        // tour: creating
        let matrix = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let zeros = Tensor.zeros([2, 3])
        let steps = Tensor.arange(0, 1, step: 0.25)  // [0, 0.25, 0.5, 0.75]
        var generator = RandomGenerator(seed: 42)
        let weights = Tensor.glorotUniform([784, 64], using: &generator)
        print(matrix)  // [[1., 2., 3.], [4., 5., 6.]]
        // end tour
        #expect(matrix[1, 2] == 6)
        #expect(zeros.scalars.allSatisfy { $0 == 0 })
        #expect(steps.scalars == [0, 0.25, 0.5, 0.75])
        #expect(weights.shape == [784, 64])
    }

    @Test("broadcasting and reductions")
    func broadcasting() {
        // tour: broadcasting
        let scores = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let columnMeans = scores.mean(axes: [0])  // [2.5, 3.5, 4.5], shape [3]
        let centered = scores - columnMeans  // [2, 3] − [3] broadcasts over rows
        let probabilities = scores.softmax()  // along the last axis
        let best = scores.argmax(axis: -1)  // [2, 2] as [Int32]
        // end tour
        #expect(columnMeans.scalars == [2.5, 3.5, 4.5])
        #expect(centered.scalars == [-1.5, -1.5, -1.5, 1.5, 1.5, 1.5])
        #expect(Swift.abs(probabilities.sum(axes: [1]).scalars[0] - 1) < 1e-6)
        #expect(best == [2, 2])
    }

    @Test("gradients of a small function")
    func gradients() {
        // tour: gradients
        // f(w) = Σ (x·w − y)², the squared error of a linear fit.
        let x = Tensor([1, 2, 3, 4], shape: [4, 1])
        let y = Tensor([2, 4, 6, 8], shape: [4, 1])
        let w = Tensor([0.5], shape: [1, 1]).requiringGradient()
        let loss = (matmul(x, w) - y).squared().sum()
        let gradient = loss.gradients(withRespectTo: [w])[0]  // d/dw = Σ 2·x·(x·w − y) = −90
        // end tour
        #expect(Swift.abs(gradient.scalar - -90) < 1e-4)
    }
}
