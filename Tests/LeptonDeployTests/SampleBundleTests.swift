import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

@testable import LeptonDeploy

/// The committed sample bundle (`Resources/bundles/credit-v1.lepton`, format version 1): a small tabular classifier
/// with its fitted pipeline, schema, metrics, reference statistics and lineage. Its expected outputs were computed by
/// `Resources/bundles/make_expected_outputs.py` with NumPy from the file alone (safetensors parsed by hand, the
/// pipeline and layers re-implemented), so they do not come from the code under test.
///
/// The bundle and its inputs were made once by `SampleBundle.write` (run
/// `LEPTON_WRITE_SAMPLE_BUNDLE=1 swift test --filter SampleBundleTests`), then the Python script was run. Later format
/// versions must keep reading this file.
private struct ExpectedOutputs: Decodable {
    let checksum: String
    let outputs: [[Float]]
}

private enum SampleBundle {
    static let directory = resourceURL("bundles")
    static let bundleURL = directory.appendingPathComponent("credit-v1.lepton")
    static let inputsURL = directory.appendingPathComponent("credit-v1-inputs.json")
    static let expectedURL = directory.appendingPathComponent("credit-v1-expected.json")

    /// Trains the sample model briefly and writes the bundle and the inputs to predict.
    static func write() throws {
        let table = try BundleFixtures.creditTable(rows: 300, seed: 2025)
        let (labels, _) = try table.classLabels("label")
        let pipeline = try BundleFixtures.creditPipeline.fit(on: table)
        let features = try pipeline.features(from: table).matrix
        let model = Sequential(inputShape: [pipeline.featureNames.count], seed: 11) {
            Dense(units: 8)
            BatchNorm()
            ActivationLayer(.relu)
            Dense(units: 2, activation: .softmax)
        }
        let trainer = Trainer(
            model: model, optimizer: Adam(learningRate: 0.01), loss: .sparseCategoricalCrossentropy,
            metrics: [.accuracy], seed: 11)
        let history = try trainer.fit(
            features, .labels(labels), epochs: 20, batchSize: 32, validationSplit: 0.2, verbose: false)
        let last = history.epochs.last!.values
        let schema = BundleFixtures.creditSchema
        let predictor = try Predictor(model: model, pipeline: pipeline, schema: schema, version: "credit-v1")
        let bundle = try ModelBundle(
            model: model, pipeline: pipeline, schema: schema, name: "credit-sample", version: "credit-v1",
            trainingMetrics: ["loss": last["loss"]!, "accuracy": last["accuracy"]!],
            evaluationMetrics: ["loss": last["val_loss"]!, "accuracy": last["val_accuracy"]!],
            reference: try ReferenceStatistics(training: table, predictor: predictor, sampleLimit: 200),
            lineage: BundleLineage(
                dataHash: BundleLineage.dataHash(of: features), dataDescription: "feature matrix [300, 7]",
                createdAt: Date(timeIntervalSince1970: 1_764_000_000), trigger: "manual",
                notes: "sample bundle for the format-compatibility test"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try bundle.write(to: bundleURL)
        let inputs: [[String: FeatureValue]] = [
            BundleFixtures.record(age: 23, income: 31, purpose: "business", owns: false),
            BundleFixtures.record(age: 67, income: 88, purpose: "car", owns: true),
            BundleFixtures.record(age: 45, income: nil, purpose: "education", owns: true),
            BundleFixtures.record(age: 35, income: 52, purpose: "car", owns: false),
            BundleFixtures.record(age: 80, income: 20, purpose: "education", owns: false),
            BundleFixtures.record(age: 18, income: 99, purpose: "business", owns: true),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(inputs).write(to: inputsURL)
    }
}

@Suite struct SampleBundleTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["LEPTON_WRITE_SAMPLE_BUNDLE"] == "1"))
    func writeTheSampleBundle() throws {
        try SampleBundle.write()
        #expect(FileManager.default.fileExists(atPath: SampleBundle.bundleURL.path))
    }

    @Test func theCommittedVersion1BundleStillLoadsAndPredictsItsExpectedOutputs() throws {
        let expected = try JSONDecoder().decode(
            ExpectedOutputs.self, from: Data(contentsOf: SampleBundle.expectedURL))
        let inputs = try JSONDecoder().decode(
            [[String: FeatureValue]].self, from: Data(contentsOf: SampleBundle.inputsURL))
        let bundle = try ModelBundle(contentsOf: SampleBundle.bundleURL)
        #expect(bundle.manifest.formatVersion == 1)
        #expect(bundle.checksum == expected.checksum)
        #expect(bundle.manifest.lineage.createdAt == "2025-11-24T16:00:00Z")
        #expect(bundle.manifest.reference?.features["purpose"] != nil)
        for quantization in [Quantization.none, .int8] {
            let predictor = try Predictor(bundle: bundle, quantization: quantization)
            #expect(predictor.isReady)
            let tolerance: Float = quantization == .none ? 1e-5 : 0.03
            for (record, outputs) in zip(inputs, expected.outputs) {
                let prediction = try predictor.predict(record: record)
                #expect(prediction.modelVersion == "credit-v1")
                for (value, truth) in zip(prediction.outputs, outputs) {
                    #expect(abs(value - truth) <= tolerance, "\(quantization): \(prediction.outputs) vs \(outputs)")
                }
            }
        }
        #expect(inputs.count == expected.outputs.count && inputs.count == 6)
    }
}
