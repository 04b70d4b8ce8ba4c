import Foundation
import LeptonLayers
import LeptonTensor
import Testing

@testable import LeptonDeploy

/// Writes the seed corpora of the fuzz targets in Tests/Fuzz (bundle, request, model-json) from the library's own
/// writers, so the seeds are valid files of the current formats. Runs only with `LEPTON_WRITE_FUZZ_SEEDS=<Tests/Fuzz>`:
/// `LEPTON_WRITE_FUZZ_SEEDS=$PWD/Tests/Fuzz swift test --filter FuzzSeedTests`.
@Suite struct FuzzSeedTests {
    private static let directory = ProcessInfo.processInfo.environment["LEPTON_WRITE_FUZZ_SEEDS"]

    /// Architectures covering every built-in layer type.
    private static func architectures() -> [String: Sequential] {
        [
            "cnn": Sequential(inputShape: [6, 6, 1], seed: 1) {
                Conv2D(filters: 2, kernelSize: 3)
                BatchNorm()
                ActivationLayer(.relu)
                MaxPool2D(poolSize: 2)
                AvgPool2D(poolSize: 1)
                GlobalAvgPool2D()
                Dropout(rate: 0.25)
                Dense(units: 3, activation: .softmax)
            },
            "mlp": Sequential(inputShape: [4], seed: 2) {
                Dense(units: 5, activation: .gelu)
                LayerNorm()
                Flatten()
                Dense(units: 1)
            },
            "recurrent": Sequential(inputShape: [5], seed: 3) {
                Embedding(vocabularySize: 7, dimension: 4)
                LSTM(units: 3, returnSequences: true)
                Bidirectional(.gru, units: 2, returnSequences: true)
                GRU(units: 2)
                Dense(units: 2, activation: .sigmoid)
            },
            "transformer": Sequential(inputShape: [6], seed: 4) {
                Embedding(vocabularySize: 9, dimension: 4)
                PositionalEmbedding(.learned, maximumLength: 8)
                TransformerEncoderLayer(heads: 2, feedForwardSize: 8)
                MultiHeadAttention(heads: 2, causal: true)
                TransformerDecoderBlock(heads: 1, feedForwardSize: 4)
                GlobalAveragePooling1D()
                Dense(units: 3, activation: .softmax)
            },
        ]
    }

    @Test(.enabled(if: directory != nil)) func writeSeeds() throws {
        let root = URL(fileURLWithPath: try #require(Self.directory))
        func write(_ data: Data, _ path: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        for (name, model) in Self.architectures() {
            let json = try model.architectureJSON()
            try write(Data([0]) + json, "model-json/corpus/\(name).json")
            try write(Data([1]) + json, "model-json/corpus/\(name)-screened.json")
        }
        let (tensorModel, tensorSchema) = BundleFixtures.tensorParts()
        let tensorBundle = try ModelBundle(model: tensorModel, schema: tensorSchema, name: "tiny-cnn", version: "1")
            .serialized().data
        let (tabularModel, pipeline, tabularSchema, _) = try BundleFixtures.tabularParts()
        let tabularBundle = try ModelBundle(
            model: tabularModel, pipeline: pipeline, schema: tabularSchema, name: "credit", version: "1"
        ).serialized().data
        try write(tensorBundle, "request/models/tensor.lepton")
        try write(tabularBundle, "request/models/tabular.lepton")
        for (name, bundle) in [("tensor", tensorBundle), ("tabular", tabularBundle)] {
            try write(Data([0]) + bundle, "bundle/corpus/\(name).seed")
            try write(Data([1]) + bundle, "bundle/corpus/\(name)-resealed.seed")
            try write(Data([3]) + bundle, "bundle/corpus/\(name)-resealed-int8.seed")
        }
        let record = #"{"age": 41, "income": 52.5, "purpose": "car", "owns_home": "true"}"#
        let requests: [(String, UInt8, String)] = [
            ("record", 0, record),
            ("record-missing", 0, #"{"age": null, "purpose": "boat", "owns_home": false}"#),
            ("records", 4, "[\(record), {\"age\": 1e400}]"),
            ("record-tree", 2, record),
            (
                "tensor-nested", 3,
                "[" + (0..<6).map { _ in "[[0.5],[0.1],[0],[1],[0.25],[0.75]]" }.joined(separator: ",") + "]"
            ),
            ("tensor-values", 3, #"{"values": [0.5, 0.5, 0.5, 0.5], "shape": [2, 2, 1]}"#),
            ("tensor-batch", 7, #"[[0.5, 1, 2], {"values": [1], "shape": [6, 6, 1]}]"#),
        ]
        for (name, selector, text) in requests {
            try write(Data([selector]) + Data(text.utf8), "request/corpus/\(name).json")
        }
    }
}
