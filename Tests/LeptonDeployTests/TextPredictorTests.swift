import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

@testable import LeptonDeploy

/// A tiny intent classifier trained in process: words → PaddingMask, Embedding, learned positions, one pre-norm
/// Transformer encoder layer, masked mean, Dense logits over three intents.
private struct TinyTextModel {
    static let length = 12
    static let intents = ["order_status", "refund", "reset_password"]
    static let training: [(String, Int32)] = [
        ("where is my order", 0), ("my parcel has not arrived yet", 0), ("track my package please", 0),
        ("when will my order arrive", 0), ("order still not delivered", 0),
        ("i want my money back", 1), ("please refund this item", 1), ("can i get a refund", 1),
        ("return it and refund me", 1), ("money back for the broken item", 1),
        ("i forgot my password", 2), ("reset my password please", 2), ("cannot log in password wrong", 2),
        ("how do i change my password", 2), ("password reset link", 2),
    ]

    let tokenizer: WordTokenizer
    let model: Sequential
    let schema: ModelSchema

    init() throws {
        let tokenizer = try WordTokenizer(fitting: Self.training.map(\.0), subwordTrigrams: true)
        self.tokenizer = tokenizer
        let model = Sequential(inputShape: [Self.length], seed: 3) {
            PaddingMask(paddingID: 0)
            Embedding(vocabularySize: tokenizer.vocabularySize, dimension: 8, paddingIndex: 0)
            PositionalEmbedding(.learned, maximumLength: Self.length)
            TransformerEncoderLayer(heads: 2, feedForwardSize: 16, dropout: 0, normFirst: true)
            GlobalAveragePooling1D()
            Dense(units: Self.intents.count)
        }
        let dataset = try TextDataset(
            sequences: Self.training.map { tokenizer.encode($0.0) }, labels: Self.training.map(\.1),
            maximumLength: Self.length)
        let optimizer = AdamW(learningRate: 0.02)
        let loss = Loss.sparseCategoricalCrossentropy(fromLogits: true)
        for _ in 0..<30 {
            for batch in try dataset.batches(size: 5, bucketByLength: true) {
                let value = try loss(
                    model(tokens: batch.ids, context: .training(generator: RandomGenerator(seed: 1))),
                    .labels(batch.labels ?? []))
                optimizer.apply(value.backward(), to: model)
            }
        }
        self.model = model
        schema = ModelSchema(
            input: .text(TextSchema(tokenizer: .words(tokenizer), maximumLength: Self.length)),
            output: .classification(labels: Self.intents))
    }

    func bundleData() throws -> Data {
        try ModelBundle(model: model, schema: schema, name: "intents", version: "intents-1").serialized().data
    }
}

/// `|a − b| ≤ tolerance · max(|a|, |b|, 1e-3)` element by element; NaN never matches.
private func close(_ a: [Float], _ b: [Float], relative tolerance: Float) -> Bool {
    a.count == b.count
        && zip(a, b).allSatisfy { x, y in
            abs(x - y) <= tolerance * max(abs(x), abs(y), 1e-3)
        }
}

private func softmax(_ row: [Float]) -> [Float] {
    let largest = row.max() ?? 0
    let exponentials = row.map { Foundation.exp($0 - largest) }
    let total = exponentials.reduce(0, +)
    return exponentials.map { $0 / total }
}

@Suite struct TextPredictorTests {
    private static let queries = [
        "Where is my order??", "I would like a refund for this", "forgot password", "",
        "a completely unrelated sentence about the weather in paris that goes on for far more than twelve words",
    ]

    @Test func aTrainedTextClassifierAnswersRawTextThroughItsBundleAsTheModelDoes() throws {
        let tiny = try TinyTextModel()
        let predictor = try Predictor(bundle: try ModelBundle(data: try tiny.bundleData()))
        #expect(predictor.isReady)
        let results = predictor.predict(texts: Self.queries)

        // The in-process model on the same tokenised batch, padded only to the batch's longest sequence.
        let dataset = try TextDataset(
            sequences: Self.queries.map(tiny.tokenizer.encode), maximumLength: TinyTextModel.length)
        let batch = try dataset.batch(Array(Self.queries.indices))
        let logits = tiny.model(tokens: batch.ids, context: .inference).scalars
        let classes = TinyTextModel.intents.count
        for (row, result) in results.enumerated() {
            let prediction = try result.get()
            let expected = Array(logits[(row * classes)..<((row + 1) * classes)])
            #expect(close(prediction.outputs, expected, relative: 1e-6), "row \(row)")
            let probabilities = softmax(expected)
            #expect(close(prediction.probabilities ?? [], probabilities, relative: 1e-6))
            let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
            #expect(prediction.label == TinyTextModel.intents[best])
            #expect(prediction.modelVersion == "intents-1")

            // And on the sequence alone, with no padding at all: the mask makes padding irrelevant.
            let ids = tiny.tokenizer.encode(Self.queries[row]).prefix(TinyTextModel.length).map(Float.init)
            let alone = tiny.model(tokens: Tensor(ids, shape: [1, ids.count]), context: .inference).scalars
            #expect(close(prediction.outputs, alone, relative: 1e-5), "row \(row) without padding")
        }
        // The training phrasings are learnt.
        let answers = predictor.predict(texts: TinyTextModel.training.map(\.0))
        let correct = zip(answers, TinyTextModel.training).filter { (try? $0.0.get().classIndex) == Int($0.1.1) }
        #expect(correct.count == TinyTextModel.training.count)
        // One text equals the same text in a batch.
        // (Equal up to rounding: kernels may sum in another order for another batch size.)
        let single = try predictor.predict(text: Self.queries[0])
        #expect(close(single.outputs, try results[0].get().outputs, relative: 1e-6))
        #expect(single.label == (try results[0].get().label))
    }

    @Test func withoutThePaddingMaskPaddingChangesTheAnswer() throws {
        // The independent check that masking matters: the same weights without the PaddingMask layer see the
        // padding tokens, and the padded answer then differs from the unpadded one.
        let tiny = try TinyTextModel()
        let layers = Array(tiny.model.layers.dropFirst())
        let ids = tiny.tokenizer.encode("my order").map(Float.init)  // 9 tokens with trigrams
        let padded = ids + [Float](repeating: 0, count: TinyTextModel.length - ids.count)
        let short = Sequential(layers: layers)(Tensor(ids, shape: [1, ids.count]), context: .inference).scalars
        let long = Sequential(layers: layers)(Tensor(padded, shape: [1, padded.count]), context: .inference).scalars
        #expect(!close(short, long, relative: 1e-3))
        let masked = tiny.model(tokens: Tensor(padded, shape: [1, padded.count]), context: .inference).scalars
        let maskedShort = tiny.model(tokens: Tensor(ids, shape: [1, ids.count]), context: .inference).scalars
        #expect(close(masked, maskedShort, relative: 1e-5))
    }

    @Test func theTokenizerIsStoredAndTextsArePaddedOrTruncated() throws {
        let tiny = try TinyTextModel()
        let bundle = try ModelBundle(data: try tiny.bundleData())
        guard case .text(let text) = bundle.schema.input, case .words(let stored) = text.tokenizer else {
            Issue.record("the bundle's input is not text with a word tokenizer")
            return
        }
        #expect(stored == tiny.tokenizer)
        let predictor = try Predictor(bundle: bundle, warmUpCalls: 0)
        let ids = try predictor.tokenIDs(for: "My!")  // "my" and the trigrams of "0my0": 3 tokens, 9 padding
        let expected = tiny.tokenizer.encode("my").map(Float.init)
        #expect(expected.count == 3 && ids == expected + [Float](repeating: 0, count: 9))
        let long = try predictor.tokenIDs(for: Self.queries[4])
        #expect(long == Array(tiny.tokenizer.encode(Self.queries[4]).prefix(12)).map(Float.init))
        // An empty text is one unknown token, not an error.
        #expect(try predictor.tokenIDs(for: "")[0] == Float(WordTokenizer.unknownID))
        // Other request kinds are refused with a typed error.
        #expect(throws: PredictionError.wrongRequestKind(expected: "a text", actual: "a tensor")) {
            try predictor.predict(tensor: Tensor(repeating: 0, shape: [12]))
        }
        #expect(throws: PredictionError.wrongRequestKind(expected: "a text", actual: "a record of named fields")) {
            try predictor.predict(record: ["text": .string("hello")])
        }
    }

    @Test func aCharacterModelRefusesUnknownCharactersAndEmptyTexts() throws {
        let characters = try CharacterTokenizer(fitting: "abc de", unknownHandling: .error)
        let tokenizer = TextTokenizer.characters(characters)
        #expect(tokenizer.paddingID == Int32(characters.vocabularySize))
        let model = Sequential(inputShape: [6], seed: 1) {
            PaddingMask(paddingID: Int(tokenizer.paddingID))
            Embedding(vocabularySize: tokenizer.idCount, dimension: 4, paddingIndex: nil)
            GlobalAveragePooling1D()
            Dense(units: 2, activation: .softmax)
        }
        let schema = ModelSchema(
            input: .text(TextSchema(tokenizer: tokenizer, maximumLength: 6)),
            output: .classification(labels: ["no", "yes"]))
        let data = try ModelBundle(model: model, schema: schema, name: "chars", version: "c1").serialized().data
        let predictor = try Predictor(bundle: try ModelBundle(data: data))
        let answer = try predictor.predict(text: "bad")
        // Softmax output: probabilities are the outputs; the mean is over the three real characters only.
        let embedding = try #require(model.layers[1] as? Embedding)
        let table = try #require(embedding.weight?.value.scalars)
        let ids = try characters.encode("bad").map(Int.init)
        var mean = [Float](repeating: 0, count: 4)
        for id in ids { for column in 0..<4 { mean[column] += table[id * 4 + column] / 3 } }
        let dense = try #require(model.layers[3] as? Dense)
        let weight = try #require(dense.weight?.value.scalars)
        let bias = try #require(dense.bias?.value.scalars)
        var logits = bias
        for unit in 0..<2 { for column in 0..<4 { logits[unit] += mean[column] * weight[column * 2 + unit] } }
        #expect(close(answer.outputs, softmax(logits), relative: 1e-5))
        #expect(answer.probabilities == answer.outputs)
        #expect {
            try predictor.predict(text: "abz")
        } throws: { error in
            guard case PredictionError.invalidText(let reason) = error else { return false }
            return reason.contains("U+7A") && reason.contains("position 2")
        }
        #expect {
            try predictor.predict(text: "")
        } throws: { error in
            if case PredictionError.invalidText = error { return true }
            return false
        }
        // A bad text fails alone in a batch.
        let batch = predictor.predict(texts: ["abc", "zzz", "e d"])
        #expect((try? batch[0].get()) != nil && (try? batch[1].get()) == nil && (try? batch[2].get()) != nil)
    }

    @Test func aModelWhoseEmbeddingIsTooSmallForTheTokenizerIsRefused() throws {
        let tokenizer = try WordTokenizer(fitting: ["one two three four"])
        let model = Sequential(inputShape: [4]) {
            PaddingMask()
            Embedding(vocabularySize: 3, dimension: 2, paddingIndex: 0)
            GlobalAveragePooling1D()
            Dense(units: 2)
        }
        let schema = ModelSchema(
            input: .text(TextSchema(tokenizer: .words(tokenizer), maximumLength: 4)),
            output: .classification(labels: ["a", "b"]))
        #expect {
            try ModelBundle(model: model, schema: schema, name: "m", version: "1")
        } throws: { error in
            guard case BundleError.schemaMismatch(_, let reason) = error else { return false }
            return reason.contains("6 ids") && reason.contains("3 rows")
        }
        let wrongLength = ModelSchema(
            input: .text(TextSchema(tokenizer: .words(tokenizer), maximumLength: 5)), output: schema.output)
        #expect(throws: BundleError.self) {
            try ModelBundle(model: model, schema: wrongLength, name: "m", version: "1")
        }
    }
}
