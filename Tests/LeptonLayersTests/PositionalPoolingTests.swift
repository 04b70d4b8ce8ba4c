import Foundation
import LeptonLayers
import LeptonTensor
import Testing

@Suite("Position embeddings and sequence pooling")
struct PositionalPoolingTests {
    @Test("sinusoidal vectors follow sin(p / 10000^(2i/d)) and cos(…)")
    func sinusoidal() throws {
        let layer = PositionalEmbedding(.sinusoidal, maximumLength: 8)
        let y = layer(Tensor.zeros([1, 3, 4]))
        // Closed form, d = 4, position 2: [sin 2, cos 2, sin(2/100), cos(2/100)].
        let row = y.slice(axis: 1, 2..<3).scalars
        let expected: [Float] = [sin(2), cos(2), sin(0.02), cos(0.02)]
        for (value, truth) in zip(row, expected) {
            #expect(Swift.abs(value - truth) <= 1e-6 * Swift.max(1, Swift.abs(truth)))
        }
        #expect(y.slice(axis: 1, 0..<1).scalars == [0, 1, 0, 1])
    }

    @Test("learned vectors are added and trained; a too-long sequence is a typed error")
    func learned() throws {
        let layer = PositionalEmbedding(.learned, maximumLength: 3)
        let x = Tensor.ones([2, 2, 4])
        let context = ForwardContext(isTraining: true)
        let y = layer(x, context: context)
        let table = try #require(layer.table)
        #expect(maxDifference(y, x + table.value.slice(axis: 0, 0..<2)) == 0)
        let gradient = try #require(y.sum().backward()[table])
        // Two samples per used position, none for position 2.
        #expect(gradient.scalars == [2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0])
        let long = ForwardContext(isTraining: true)
        #expect(layer(Tensor.ones([1, 4, 4]), context: long).scalars.allSatisfy { $0.isNaN })
        #expect(throws: PositionalEmbeddingInputError(length: 4, maximumLength: 3)) { try long.throwIfProblem() }
    }

    @Test("GlobalAveragePooling1D: the mean over time, or over the unmasked steps")
    func pooling() throws {
        let pool = GlobalAveragePooling1D()
        let x = Tensor([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60], shape: [2, 3, 2])
        #expect(pool(x).scalars == [3, 4, 30, 40])
        let mask = Tensor([1, 1, 0, 0, 0, 0], shape: [2, 3])
        // First sample: mean of steps 0 and 1 = [2, 3]; second: nothing kept gives zeros, not NaN.
        #expect(pool(x, mask: mask, context: .inference).scalars == [2, 3, 0, 0])
        let input = x.requiringGradient()
        let gradient = try #require(pool(input, mask: mask, context: .inference).sum().backward()[input])
        #expect(gradient.scalars == [0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0])
        let model = Sequential(inputShape: [3, 2]) { GlobalAveragePooling1D() }
        try expectRoundTrip(model, input: x)
    }
}
