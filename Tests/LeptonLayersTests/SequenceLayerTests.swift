import Foundation
import LeptonLayers
import LeptonTensor
import Testing

/// Saves `model`, loads it back, and checks the copy computes the same outputs, in training and compiled for
/// inference.
func expectRoundTrip(_ model: Sequential, input: Tensor, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lepton-seq-\(UUID().uuidString).model")
    defer { try? FileManager.default.removeItem(at: url) }
    try model.save(to: url)
    let restored = try Sequential.load(from: url)
    #expect(restored.layers.map(\.summaryLine) == model.layers.map(\.summaryLine), sourceLocation: sourceLocation)
    let expected = model(input)
    #expect(maxDifference(restored(input), expected) == 0, sourceLocation: sourceLocation)
    let compiled = try InferenceModel(restored)
    #expect(maxDifference(compiled(input), expected) <= 1e-6, sourceLocation: sourceLocation)
}

@Suite("Embedding against PyTorch")
struct EmbeddingTests {
    @Test("lookup and gradient accumulation over repeated ids")
    func fixture() throws {
        let f = try fixtures.load("embedding")
        let table = try #require(f["weight"])
        let layer = Embedding(vocabularySize: table.shape[0], dimension: table.shape[1])
        let weight = try #require(layer.weight)
        weight.value = table
        let ids = try #require(f["indices"])
        let y = layer(ids, context: ForwardContext(isTraining: true))
        fixtures.expectClose(y, f["y"], "y", sameShape: true)
        let gradients = (y * (try #require(f["gy"]))).sum().backward()
        fixtures.expectClose(gradients[weight], f["grad.weight"], "grad.weight")
    }

    @Test("the padding row starts at zero and receives no gradient; other rows do")
    func paddingRow() throws {
        let layer = Embedding(vocabularySize: 5, dimension: 3, paddingIndex: 2, seed: 1)
        let weight = try #require(layer.weight)
        #expect(weight.value.slice(axis: 0, 2..<3).scalars == [0, 0, 0])
        weight.value = Tensor((0..<15).map(Float.init), shape: [5, 3])
        let ids = Tensor([2, 1, 2, 4], shape: [2, 2])
        let y = layer(ids, context: ForwardContext(isTraining: true))
        // The padding row's stored values are still returned (as PyTorch's padding_idx).
        #expect(y.scalars == [6, 7, 8, 3, 4, 5, 6, 7, 8, 12, 13, 14])
        let gradient = try #require(y.sum().backward()[weight])
        // Hand count: id 1 once, id 4 once, id 2 (padding) twice but frozen.
        #expect(gradient.scalars == [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1])
    }

    @Test("out-of-range and fractional ids are a typed error, never a trap or a silent row")
    func invalidIDs() throws {
        let layer = Embedding(vocabularySize: 4, dimension: 2)
        #expect(throws: EmbeddingInputError(position: 2, value: 4, vocabularySize: 4)) {
            try layer.validate(ids: Tensor([0, 3, 4, 1], shape: [1, 4]))
        }
        #expect(throws: EmbeddingInputError(position: 0, value: -1, vocabularySize: 4)) {
            try layer.validate(ids: Tensor([-1], shape: [1, 1]))
        }
        #expect(throws: EmbeddingInputError(position: 1, value: 0.5, vocabularySize: 4)) {
            try layer.validate(ids: Tensor([1, 0.5], shape: [1, 2]))
        }
        let context = ForwardContext(isTraining: true)
        let y = layer(Tensor([1, 9], shape: [1, 2]), context: context)
        #expect(y.shape == [1, 2, 2])
        #expect(y.scalars.allSatisfy { $0.isNaN })
        #expect(throws: EmbeddingInputError(position: 1, value: 9, vocabularySize: 4)) { try context.throwIfProblem() }
        let step = try? LayerRegistry.checkArchitecture(
            typeName: "Embedding",
            configuration: Data(#"{"vocabularySize": 4, "dimension": 2, "paddingIndex": 4}"#.utf8),
            inputShape: [3], limits: ArchitectureLimits(maximumParameterElements: 100))
        #expect(step == nil)
    }

    @Test("saved and loaded through a model file, and compiled for inference")
    func roundTrip() throws {
        let model = Sequential(inputShape: [4], seed: 3) {
            Embedding(vocabularySize: 7, dimension: 3, paddingIndex: 0)
            Flatten()
            Dense(units: 2)
        }
        try expectRoundTrip(model, input: Tensor([0, 1, 6, 2, 3, 3, 5, 4], shape: [2, 4]))
    }
}
