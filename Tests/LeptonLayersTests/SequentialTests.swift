import Foundation
import LeptonLayers
import LeptonTensor
import Testing

@Suite("Sequential models, parameters and files")
struct SequentialTests {
    static func referenceCNN(seed: UInt64 = 0) -> Sequential {
        Sequential(inputShape: [28, 28, 1], seed: seed) {
            Conv2D(filters: 32, kernelSize: 3, activation: .relu)
            MaxPool2D(poolSize: 2)
            Flatten()
            Dense(units: 64, activation: .relu)
            Dense(units: 10, activation: .softmax)
        }
    }

    static func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("lepton-\(UUID().uuidString)-\(name)")
    }

    @Test("shape inference, parameter paths and counts match Keras' summary of the reference CNN")
    func shapesAndCounts() {
        let model = Self.referenceCNN()
        #expect(model.outputShapes == [[26, 26, 32], [13, 13, 32], [5408], [64], [10]])
        #expect(
            model.namedParameters().map(\.path) == ["0.weight", "0.bias", "3.weight", "3.bias", "4.weight", "4.bias"])
        #expect(model.parameterCounts.trainable == 347_146)
        let summary = model.summary
        #expect(summary.contains("(None, 26, 26, 32)") && summary.contains("347,146"))
        let output = model(Tensor.zeros([2, 28, 28, 1]))
        #expect(output.shape == [2, 10])
        // Softmax rows sum to one.
        #expect(output.sum(axes: [1]).scalars.allSatisfy { Swift.abs($0 - 1) < 1e-5 })
    }

    @Test("freezing removes weights from the trainable list")
    func freezing() {
        let model = Self.referenceCNN()
        model.layers[0].freeze()
        #expect(model.trainableParameters.map(\.path) == ["3.weight", "3.bias", "4.weight", "4.bias"])
        #expect(model.parameterCounts.nonTrainable == 320)
        model.unfreeze()
        #expect(model.trainableParameters.count == 6)
    }

    @Test("a saved model is rebuilt from its file alone and computes the same outputs")
    func saveAndLoad() throws {
        let model = Sequential(inputShape: [6, 6, 2], seed: 3) {
            Conv2D(filters: 4, kernelSize: 3, padding: .same, activation: .relu)
            BatchNorm()
            AvgPool2D(poolSize: 2)
            Flatten()
            Dropout(rate: 0.5)
            Dense(units: 5, activation: .tanh)
            LayerNorm()
            ActivationLayer(.softmax)
        }
        var generator = RandomGenerator(seed: 9)
        let input = Tensor.normal([3, 6, 6, 2], using: &generator)
        _ = model(input, context: .training(generator: generator))  // moves the batch-norm statistics
        let url = Self.temporaryURL("model.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let restored = try Sequential.load(from: url)
        #expect(restored.layers.map(\.typeName) == model.layers.map(\.typeName))
        #expect(maxDifference(restored(input), model(input)) == 0)
    }

    @Test("loading weights reports missing, unexpected and mismatched keys and leaves the model unchanged")
    func weightErrors() throws {
        let model = Sequential(inputShape: [4]) { Dense(units: 3) }
        let original = try #require(model.parameter(at: "0.weight")).value
        let url = Self.temporaryURL("weights.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Tensor.saveSafeTensors(["0.weight": Tensor.zeros([4, 3])], to: url)
        #expect(throws: WeightLoadingError.missingKey("0.bias", file: url.lastPathComponent)) {
            try model.loadWeights(from: url)
        }
        try Tensor.saveSafeTensors(
            ["0.weight": Tensor.zeros([4, 3]), "0.bias": Tensor.zeros([3]), "extra": Tensor.zeros([1])], to: url)
        #expect(throws: WeightLoadingError.unexpectedKey("extra", file: url.lastPathComponent)) {
            try model.loadWeights(from: url)
        }
        try Tensor.saveSafeTensors(["0.weight": Tensor.zeros([3, 4]), "0.bias": Tensor.zeros([3])], to: url)
        #expect(
            throws: WeightLoadingError.shapeMismatch(
                key: "0.weight", expected: [4, 3], actual: [3, 4], file: url.lastPathComponent)
        ) {
            try model.loadWeights(from: url)
        }
        var writer = SafeTensorsWriter()
        try writer.add("0.weight", shape: [4, 3], int64s: Array(repeating: 1, count: 12))
        try writer.add("0.bias", Tensor.zeros([3]))
        try writer.write(to: url)
        #expect(throws: WeightLoadingError.unsupportedDType(key: "0.weight", dtype: "I64", file: url.lastPathComponent))
        {
            try model.loadWeights(from: url)
        }
        #expect(model.parameter(at: "0.weight")?.value.scalars == original.scalars)
        try Data("not a safetensors file".utf8).write(to: url)
        #expect(throws: WeightLoadingError.self) { try model.loadWeights(from: url) }
    }

    @Test("an unknown layer type in a model file is a typed error")
    func unknownLayer() throws {
        let json = #"{"formatVersion":1,"inputShape":[3],"seed":0,"layers":[{"type":"Mystery","configuration":{}}]}"#
        #expect(throws: ModelFileError.self) { try Sequential.fromArchitectureJSON(Data(json.utf8)) }
        let newer = #"{"formatVersion":99,"inputShape":[3],"seed":0,"layers":[]}"#
        #expect(throws: ModelFileError.unsupportedFormatVersion(99, supported: 1)) {
            try Sequential.fromArchitectureJSON(Data(newer.utf8))
        }
    }

    /// Found by the model-json fuzz target: `fromArchitectureJSON` (what `Sequential.load(from:)` reads) built the
    /// layers without checking them, so a Conv2D dilation of 0 trapped in the convolution geometry, and a zero-unit
    /// Dense layer trapped in its initializer even without an input shape.
    @Test("settings a layer refuses are a typed error in a model file, with or without an input shape")
    func refusedSettingsInAModelFileAreTypedErrors() throws {
        func architecture(_ layer: String, inputShape: String?) -> Data {
            let shape = inputShape.map { #""inputShape":\#($0),"# } ?? ""
            return Data(#"{"formatVersion":1,\#(shape)"seed":0,"layers":[\#(layer)]}"#.utf8)
        }
        let conv =
            #"{"type":"Conv2D","configuration":{"activation":{"linear":{}},"dilation":[0,1],"filters":2,"#
            + #""kernelSize":[3,3],"padding":{"valid":{}},"strides":[1,1],"useBias":true}}"#
        let dense = #"{"type":"Dense","configuration":{"activation":{"linear":{}},"units":0,"useBias":true}}"#
        let dropout = #"{"type":"Dropout","configuration":{"rate":1}}"#
        let embedding = #"{"type":"Embedding","configuration":{"vocabularySize":4,"dimension":2,"paddingIndex":4}}"#
        let cases: [(Data, String)] = [
            (architecture(conv, inputShape: "[6,6,1]"), "dilation"),
            (architecture(dense, inputShape: "[3]"), "units must be positive, got 0"),
            (architecture(dense, inputShape: nil), "units must be positive, got 0"),
            (architecture(dropout, inputShape: nil), "rate must be in [0, 1), got 1.0"),
            (architecture(embedding, inputShape: nil), "paddingIndex 4 is not in 0..<4"),
        ]
        for (json, expected) in cases {
            do {
                _ = try Sequential.fromArchitectureJSON(json, file: "crafted.json")
                Issue.record("\(String(decoding: json, as: UTF8.self)) was accepted")
            } catch let error as ModelFileError {
                guard case .invalidArchitecture(let file, let reason) = error else {
                    Issue.record("unexpected \(error)")
                    continue
                }
                #expect(file == "crafted.json")
                #expect(reason.contains(expected), "\(reason)")
            }
        }
        // The same through a model file on disk: the architecture is checked before any weight is read.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "crafted-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let writer = SafeTensorsWriter(metadata: [
            Sequential.architectureMetadataKey: String(
                decoding: architecture(conv, inputShape: "[6,6,1]"), as: UTF8.self)
        ])
        try writer.write(to: url)
        #expect(throws: ModelFileError.self) { try Sequential.load(from: url) }
        // A valid architecture still loads and builds.
        let valid = try Sequential.fromArchitectureJSON(try Self.referenceCNN().architectureJSON())
        #expect(valid.isBuilt)
    }

    @Test("dropout drops in training only; the same seed drops the same units")
    func dropout() {
        let layer = Dropout(rate: 0.5)
        let x = Tensor.ones([1000])
        #expect(layer(x).scalars == x.scalars)
        let first = layer(x, context: .training(generator: RandomGenerator(seed: 4)))
        let second = layer(x, context: .training(generator: RandomGenerator(seed: 4)))
        #expect(first.scalars == second.scalars)
        let kept = first.scalars.filter { $0 != 0 }.count
        #expect(kept > 430 && kept < 570)
        #expect(first.scalars.allSatisfy { $0 == 0 || $0 == 2 })
    }

    @Test("layers build lazily from their first input")
    func lazyBuild() {
        let dense = Dense(units: 3)
        #expect(!dense.isBuilt)
        let output = dense(Tensor.ones([2, 7]))
        #expect(dense.isBuilt && output.shape == [2, 3] && dense.weight?.shape == [7, 3])
    }
}
