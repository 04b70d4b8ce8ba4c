// libFuzzer entry point for the model bundle reader of LeptonDeploy (`ModelBundle(data:)`), linked by
// Tests/Fuzz/run.sh against the library stack built with fuzzer coverage (and `-enable-testing`, for the checksum).
// The first byte picks the mode:
// - bit 0 clear: the rest is a bundle file read as is, so almost every mutation stops at the safetensors parser or
//   the checksum;
// - bit 0 set: the rest is parsed as safetensors and, when it has a manifest, written again with the checksum of its
//   (mutated) content, so mutations reach the manifest, architecture, weight, pipeline and schema parsers.
// A bundle that loads is compiled into a Predictor (bit 1: int8 quantisation) and answers one request built from its
// schema. Any failure must be a BundleError or PredictionError; a crash, a sanitizer report or another error is a
// finding.
import Foundation
import LeptonData
import LeptonTensor

@testable import LeptonDeploy

/// Reads one fuzzer input as a bundle in the mode its first byte selects.
/// - Parameters:
///   - bytes: the input.
///   - count: its length.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBundle(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let selector = bytes[0]
    var data = Data(bytes: bytes + 1, count: count - 1)
    if selector & 1 != 0 {
        guard let resealed = resealed(data) else { return 0 }
        data = resealed
    }
    let bundle: ModelBundle
    do {
        bundle = try ModelBundle(data: data, name: "fuzz.lepton")
    } catch {
        return 0  // typed: BundleError
    }
    exercise(bundle, quantization: selector & 2 != 0 ? .int8 : .none)
    return 0
}

/// The bundle written again with the checksum of its content, or `nil` when it is not a safetensors file with a
/// manifest.
private func resealed(_ data: Data) -> Data? {
    guard let file = try? SafeTensorsFile(data: data),
        let manifest = file.metadata[ModelBundle.manifestMetadataKey]
    else { return nil }
    var metadata = file.metadata
    metadata[ModelBundle.checksumMetadataKey] = nil
    var writer = SafeTensorsWriter(metadata: metadata)
    do {
        for entry in file.entries {
            let bytes = try file.withRawBytes(entry.name) { Data($0) }
            try writer.add(entry.name, dtype: entry.dtype, shape: entry.shape, littleEndianBytes: bytes)
        }
        let laidOut = try SafeTensorsFile(data: writer.serialized())
        writer.metadata[ModelBundle.checksumMetadataKey] = try BundleChecksum.digest(
            manifest: Data(manifest.utf8), file: laidOut)
    } catch {
        return nil  // a file the writer refuses to lay out again; the plain mode covers it
    }
    return writer.serialized()
}

/// Compiles a loaded bundle and answers one request shaped by its schema.
private func exercise(_ bundle: ModelBundle, quantization: Quantization) {
    let predictor: Predictor
    do {
        predictor = try Predictor(bundle: bundle, quantization: quantization, warmUpCalls: 1)
    } catch is BundleError {
        return
    } catch is PredictionError {
        return
    } catch {
        fatalError("bundle: Predictor threw an untyped error \(error)")
    }
    let request: PredictionRequest
    switch predictor.schema.input {
    case .tabular(let fields):
        var record: [String: FeatureValue] = [:]
        for field in fields {
            switch field.type {
            case .numeric: record[field.name] = .number(field.minimum ?? field.maximum ?? 0)
            case .categorical, .text: record[field.name] = .string(field.categories?.first ?? "x")
            case .boolean: record[field.name] = .string("true")
            }
        }
        request = .record(record)
    case .tensor(let tensor):
        var elements = 1
        for dimension in tensor.shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: max(dimension, 0))
            guard !overflow, product <= 1 << 24 else {
                fatalError("bundle: a loaded bundle's input schema \(tensor.shape) is beyond any model limit")
            }
            elements = product
        }
        request = .values([Float](repeating: 0.25, count: elements), shape: tensor.shape)
    case .text:
        // Tokenised by the bundle's own tokenizer: known words, unknown ones, a character it may not cover.
        request = .text("where is my order? ünknown wörds 42")
    }
    do {
        let prediction = try predictor.predict(request)
        precondition(prediction.outputs.count == predictor.outputShape.reduce(1, *), "bundle: output count")
    } catch {
        return  // typed: PredictionError
    }
}
