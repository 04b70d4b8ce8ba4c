import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor
import Testing

@testable import LeptonDeploy

/// Rebuilds a bundle file with a changed manifest and/or renamed tensors and a correct checksum, to reach the checks
/// that come after the checksum.
private func rewritten(
    _ data: Data, manifest change: (inout [String: JSONValue]) -> Void = { _ in },
    renaming: [String: String] = [:]
) throws -> Data {
    let file = try SafeTensorsFile(data: data)
    guard
        case .object(var manifest) = try JSONValue(parsing: Data(file.metadata[ModelBundle.manifestMetadataKey]!.utf8))
    else { preconditionFailure("manifest is not an object") }
    change(&manifest)
    let manifestJSON = try JSONValue.object(manifest).jsonData()
    var writer = SafeTensorsWriter(metadata: [
        ModelBundle.formatMetadataKey: ModelBundle.formatMarker,
        ModelBundle.manifestMetadataKey: String(decoding: manifestJSON, as: UTF8.self),
    ])
    for entry in file.entries {
        try writer.add(renaming[entry.name] ?? entry.name, shape: entry.shape, floats: try file.floats(entry.name))
    }
    let laidOut = try SafeTensorsFile(data: writer.serialized())
    writer.metadata[ModelBundle.checksumMetadataKey] = try BundleChecksum.digest(manifest: manifestJSON, file: laidOut)
    return writer.serialized()
}

private func tabularBundle() throws -> ModelBundle {
    let (model, pipeline, schema, table) = try BundleFixtures.tabularParts()
    let predictor = try Predictor(model: model, pipeline: pipeline, schema: schema, version: "credit-1")
    return try ModelBundle(
        model: model, pipeline: pipeline, schema: schema, name: "credit", version: "credit-1",
        trainingMetrics: ["loss": 0.5], evaluationMetrics: ["accuracy": 0.75, "odd": .nan],
        reference: try ReferenceStatistics(training: table, predictor: predictor),
        lineage: BundleLineage(
            dataHash: BundleLineage.dataHash(of: Tensor([1, 2, 3])), dataDescription: "test", parentVersion: "credit-0",
            createdAt: Date(timeIntervalSince1970: 1_750_000_000), trigger: "alert-7", notes: "unit test"))
}

@Suite struct ModelBundleTests {
    @Test func aTabularBundleRoundTripsWithEveryPartAndPredictsIdentically() throws {
        let bundle = try tabularBundle()
        let directory = try BundleFixtures.temporaryDirectory()
        let url = directory.appendingPathComponent("credit.lepton")
        let written = try bundle.write(to: url)
        let loaded = try ModelBundle(contentsOf: url)
        #expect(loaded.checksum == written.checksum)
        #expect(loaded.checksum?.hasPrefix("sha256:") == true)
        #expect(loaded.manifest.version == "credit-1")
        #expect(loaded.manifest.lineage == bundle.manifest.lineage)
        #expect(loaded.manifest.lineage.createdAt == "2025-06-15T15:06:40Z")
        #expect(loaded.manifest.schema == bundle.manifest.schema)
        #expect(loaded.manifest.reference == bundle.manifest.reference)
        #expect(loaded.manifest.evaluationMetrics["accuracy"] == 0.75)
        #expect(loaded.manifest.evaluationMetrics["odd"]?.isNaN == true)
        #expect(loaded.pipeline == bundle.pipeline)
        for (original, read) in zip(bundle.model.namedParameters(), loaded.model.namedParameters()) {
            #expect(original.path == read.path)
            #expect(original.parameter.value.scalars == read.parameter.value.scalars)
        }
        let version = loaded.modelVersion
        #expect(version.id == "credit-1" && version.metrics["accuracy"] == 0.75)
        #expect(version.lineage.parentVersion == "credit-0" && version.lineage.cause == "alert-7")
        #expect(version.createdAt == Date(timeIntervalSince1970: 1_750_000_000))
        #expect(version.metadata["checksum"] == written.checksum)
        let before = try Predictor(bundle: bundle)
        let after = try Predictor(bundle: url)
        for age in [20.0, 45, 70] {
            let record = BundleFixtures.record(age: age)
            #expect(try before.predict(record: record) == after.predict(record: record))
        }
    }

    @Test func theFileIsPlainSafetensorsWithF32WeightsAndADocumentedChecksum() throws {
        let (data, checksum) = try tabularBundle().serialized()
        let file = try SafeTensorsFile(data: data)
        #expect(file.names == ["0.bias", "0.weight", "1.bias", "1.weight"])
        #expect(file.entries.allSatisfy { $0.dtype == .f32 })
        #expect(file.metadata[ModelBundle.formatMetadataKey] == "lepton-bundle")
        #expect(file.metadata[ModelBundle.checksumMetadataKey] == checksum)
        // Recompute the checksum from the documented byte stream with an independent framing.
        let manifest = Array(file.metadata[ModelBundle.manifestMetadataKey]!.utf8)
        var stream: [UInt8] = []
        func count(_ value: Int) { stream += withUnsafeBytes(of: UInt64(value).littleEndian, Array.init) }
        count(manifest.count)
        stream += manifest
        for entry in file.entries {
            count(entry.name.utf8.count)
            stream += Array(entry.name.utf8)
            count(3)
            stream += Array("F32".utf8)
            count(entry.shape.count)
            entry.shape.forEach(count)
            let bytes = try file.withRawBytes(entry.name) { Array($0) }
            count(bytes.count)
            stream += bytes
        }
        #expect(checksum == "sha256:" + SHA256Hasher.hex(SHA256Hasher.hash(Data(stream))))
        // The manifest nests the architecture and pipeline as objects.
        let tree = try JSONValue(parsing: Data(manifest))
        guard case .object(let fields) = tree, case .object = fields["architecture"],
            case .object = fields["preprocessing"]
        else {
            Issue.record("architecture and preprocessing should be JSON objects")
            return
        }
        #expect(fields["formatVersion"] == .integer(1))
    }

    @Test func damagedFilesAreRejectedWithTheirProblem() throws {
        let (data, checksum) = try tabularBundle().serialized()
        do {
            _ = try ModelBundle(data: data.prefix(data.count - 10), name: "cut.lepton")
            Issue.record("a truncated file was accepted")
        } catch {
            guard case .truncated(let file, _) = error else { throw error }
            #expect(file == "cut.lepton")
        }
        var flipped = data
        flipped[flipped.count - 5] ^= 0x01
        do {
            _ = try ModelBundle(data: flipped)
            Issue.record("a flipped byte was accepted")
        } catch {
            guard case .checksumMismatch(_, let expected, let actual) = error else { throw error }
            #expect(expected == checksum)
            #expect(actual != checksum && actual.hasPrefix("sha256:") && actual.count == 71)
        }
        var badHeader = data
        badHeader[8] = UInt8(ascii: "[")
        do {
            _ = try ModelBundle(data: badHeader)
            Issue.record("a malformed header was accepted")
        } catch {
            guard case .unreadable(_, let reason) = error else { throw error }
            #expect(reason.contains("header"))
        }
    }

    @Test func aPlainModelFileIsNotABundle() throws {
        let (model, _) = BundleFixtures.tensorParts()
        let url = try BundleFixtures.temporaryDirectory().appendingPathComponent("plain.safetensors")
        try model.save(to: url)
        #expect {
            try ModelBundle(contentsOf: url)
        } throws: { error in
            guard case BundleError.notABundle(_, let reason) = error else { return false }
            return reason.contains("plain model file")
        }
    }

    @Test func manifestProblemsAfterTheChecksumAreNamedWithTheirPath() throws {
        let (data, _) = try tabularBundle().serialized()
        let newer = try rewritten(data) { $0["formatVersion"] = .integer(2) }
        #expect(throws: BundleError.unsupportedFormatVersion(file: "<memory>", found: 2, supported: 1)) {
            try ModelBundle(data: newer)
        }
        let noSchema = try rewritten(data) { $0["schema"] = nil }
        #expect(
            throws: BundleError.malformedManifest(
                file: "<memory>", path: "manifest.schema", reason: "required field 'schema' is missing")
        ) {
            try ModelBundle(data: noSchema)
        }
        let badType = try rewritten(data) { manifest in
            guard case .object(var schema) = manifest["schema"], case .object(var input) = schema["input"],
                case .array(var fields) = input["fields"], case .object(var first) = fields[0]
            else {
                Issue.record("the manifest has no schema.input.fields[0] to rewrite")
                return
            }
            first["type"] = .string("complex")
            fields[0] = .object(first)
            input["fields"] = .array(fields)
            schema["input"] = .object(input)
            manifest["schema"] = .object(schema)
        }
        #expect {
            try ModelBundle(data: badType)
        } throws: { error in
            guard case BundleError.malformedManifest(_, let path, _) = error else { return false }
            return path == "manifest.schema.input.fields[0].type"
        }
    }

    @Test func architectureWeightsPipelineAndSchemaProblemsAreTyped() throws {
        let (data, _) = try tabularBundle().serialized()
        let zeroUnits = try rewritten(data) { manifest in
            guard case .object(var architecture) = manifest["architecture"],
                case .array(var layers) = architecture["layers"],
                case .object(var layer) = layers[0], case .object(var configuration) = layer["configuration"]
            else {
                Issue.record("the manifest has no architecture.layers[0].configuration to rewrite")
                return
            }
            configuration["units"] = .integer(0)
            layer["configuration"] = .object(configuration)
            layers[0] = .object(layer)
            architecture["layers"] = .array(layers)
            manifest["architecture"] = .object(architecture)
        }
        #expect {
            try ModelBundle(data: zeroUnits)
        } throws: { error in
            guard case BundleError.invalidArchitecture(_, let reason) = error else { return false }
            return reason.contains("layer 0 (Dense): units must be positive")
        }
        let renamed = try rewritten(data, renaming: ["1.bias": "9.bias"])
        #expect {
            try ModelBundle(data: renamed)
        } throws: { error in
            guard case BundleError.weightsMismatch(_, let reason) = error else { return false }
            return reason.contains("9.bias")
        }
        let badPipeline = try rewritten(data) { manifest in
            guard case .object(var pipeline) = manifest["preprocessing"] else {
                Issue.record("the manifest has no preprocessing object to rewrite")
                return
            }
            pipeline["featureNames"] = .string("not a list")
            manifest["preprocessing"] = .object(pipeline)
        }
        #expect {
            try ModelBundle(data: badPipeline)
        } throws: { error in
            guard case BundleError.invalidPipeline(_, let path, _) = error else { return false }
            return path == "manifest.preprocessing.featureNames"
        }
        let wrongOutputs = try rewritten(data) { manifest in
            guard case .object(var schema) = manifest["schema"], case .object(var output) = schema["output"] else {
                return
            }
            output["names"] = .array([.string("only-one")])
            schema["output"] = .object(output)
            manifest["schema"] = .object(schema)
        }
        #expect {
            try ModelBundle(data: wrongOutputs)
        } throws: { error in
            guard case BundleError.schemaMismatch(_, let reason) = error else { return false }
            return reason.contains("1 output names for 2 classification outputs")
        }
    }

    @Test func assemblingRefusesASchemaThatDoesNotFitTheModel() throws {
        let (model, _) = BundleFixtures.tensorParts()
        let wrongShape = ModelSchema(
            input: .tensor(shape: [5, 5, 1]), output: .classification(labels: ["a", "b", "c"]))
        #expect(
            throws: BundleError.schemaMismatch(
                file: "<memory>", reason: "the schema's input shape is [5, 5, 1], the model's is [6, 6, 1]")
        ) {
            try ModelBundle(model: model, schema: wrongShape, name: "cnn", version: "1")
        }
        let (tabular, pipeline, schema, _) = try BundleFixtures.tabularParts()
        #expect(throws: BundleError.self) { try ModelBundle(model: tabular, schema: schema, name: "x", version: "1") }
        #expect(throws: Never.self) {
            try ModelBundle(model: tabular, pipeline: pipeline, schema: schema, name: "x", version: "1")
        }
        var withoutIncome = schema
        withoutIncome.input = .tabular(schema.input.fields.filter { $0.name != "income" })
        #expect(
            throws: BundleError.schemaMismatch(
                file: "<memory>", reason: "the pipeline reads column 'income', which is not a field of the schema")
        ) {
            try ModelBundle(model: tabular, pipeline: pipeline, schema: withoutIncome, name: "x", version: "1")
        }
    }

    @Test func writesAreAtomicAndReplaceTheOldFile() throws {
        let directory = try BundleFixtures.temporaryDirectory()
        let url = directory.appendingPathComponent("model.lepton")
        let (model, schema) = BundleFixtures.tensorParts()
        try ModelBundle(model: model, schema: schema, name: "cnn", version: "1").write(to: url)
        try ModelBundle(model: model, schema: schema, name: "cnn", version: "2").write(to: url)
        #expect(try ModelBundle(contentsOf: url).version == "2")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.lepton"])
        let missingDirectory = directory.appendingPathComponent("no/such/dir/model.lepton")
        #expect {
            try ModelBundle(model: model, schema: schema, name: "cnn", version: "3").write(to: missingDirectory)
        } throws: { error in
            guard case BundleError.writeFailed = error else { return false }
            return true
        }
    }
}
