import Foundation
import LeptonTensor
import Testing

@testable import LeptonLayers

@Suite struct PaddingMaskTests {
    private static func model() -> Sequential {
        Sequential(inputShape: [7], seed: 5) {
            PaddingMask(paddingID: 0)
            Embedding(vocabularySize: 10, dimension: 8, paddingIndex: 0)
            PositionalEmbedding(.sinusoidal, maximumLength: 7)
            TransformerEncoderLayer(heads: 2, feedForwardSize: 16, dropout: 0)
            TransformerEncoderLayer(heads: 4, feedForwardSize: 8, dropout: 0, normFirst: true)
            GlobalAveragePooling1D()
            Dense(units: 3)
        }
    }

    /// Rows of real ids followed by padding (0) up to 7.
    private static let rows: [[Float]] = [[3, 4, 5], [9], [1, 2, 3, 4, 5, 6, 7], [8, 8]]

    private static func padded(_ rows: [[Float]], to length: Int) -> Tensor {
        Tensor(rows.flatMap { $0 + [Float](repeating: 0, count: length - $0.count) }, shape: [rows.count, length])
    }

    private static func close(_ a: [Float], _ b: [Float], _ tolerance: Float) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(abs($0), abs($1), 1e-3) }
    }

    @Test func eachRowsAnswerEqualsItsAnswerWithoutAnyPadding() {
        let model = Self.model()
        let batch = model(Self.padded(Self.rows, to: 7), context: .inference).scalars
        for (index, row) in Self.rows.enumerated() {
            let alone = model(tokens: Tensor(row, shape: [1, row.count]), context: .inference).scalars
            #expect(Self.close(Array(batch[(index * 3)..<(index * 3 + 3)]), alone, 1e-5), "row \(index)")
        }
        // The compiled model masks the same way.
        let compiled = try? InferenceModel(model)
        #expect(Self.close(compiled?(Self.padded(Self.rows, to: 7)).scalars ?? [], batch, 1e-6))
        #expect(compiled?.stepSummaries.first == "padding mask (id 0)")
    }

    @Test func withoutTheMaskThePaddingChangesTheAnswer() {
        let model = Self.model()
        // The same layers (and weights) without the mask, at the two lengths.
        let row: [Float] = [3, 4, 5]
        let padded = Sequential(layers: Array(model.layers.dropFirst()))(
            Self.padded([row], to: 7), context: .inference
        ).scalars
        let alone = Sequential(layers: Array(model.layers.dropFirst()))(
            Tensor(row, shape: [1, 3]), context: .inference
        ).scalars
        #expect(!Self.close(padded, alone, 1e-3))
    }

    @Test func theMaskedModelTrainsThroughTheMaskAndRoundTripsAsData() throws {
        let model = Self.model()
        // Gradients reach the embedding rows of real tokens only through the mask-aware path.
        let ids = Self.padded([[3, 4]], to: 7)
        let loss = model(ids, context: .training(generator: RandomGenerator(seed: 1))).sum()
        let gradients = loss.backward()
        let embedding = try #require(model.layers[1] as? Embedding)
        let weight = try #require(embedding.weight)
        let gradient = try #require(gradients[weight]).scalars
        #expect(gradient[(3 * 8)..<(5 * 8)].contains { $0 != 0 })
        #expect(gradient[(5 * 8)..<(10 * 8)].allSatisfy { $0 == 0 })
        // The architecture, with the mask, survives a save and load.
        let json = try model.architectureJSON()
        let restored = try Sequential.fromArchitectureJSON(json)
        #expect(restored.layers.first is PaddingMask)
        #expect((restored.layers.first as? PaddingMask)?.configuration.paddingID == 0)
    }

    @Test func aBadStoredPaddingIDIsRefused() {
        for id in [-1, PaddingMask.maximumPaddingID + 1] {
            #expect(throws: ArchitectureError.self) {
                try PaddingMask.checkArchitecture(
                    .init(paddingID: id), inputShape: [5], limits: ArchitectureLimits(maximumParameterElements: 1000))
            }
        }
        #expect(throws: ArchitectureError.self) {
            try PaddingMask.checkArchitecture(
                .init(paddingID: 0), inputShape: [5, 2], limits: ArchitectureLimits(maximumParameterElements: 1000))
        }
    }
}
