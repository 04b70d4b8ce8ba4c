// libFuzzer entry point for predictor request decoding in LeptonDeploy: JSON decoded into records
// (`[String: FeatureValue]`, the library's Codable form) or into tensors (nested arrays, or `{"values", "shape"}`), then
// validated and answered by a `Predictor` (RecordValidation, TensorValidation, the fitted pipeline, the model).
// Linked by Tests/Fuzz/run.sh against the library stack built with fuzzer coverage. The predictors are the two
// bundles in Tests/Fuzz/request/models (a tabular credit model with a pipeline, a small CNN), found through
// LEPTON_FUZZ_MODELS. The first byte picks the predictor (bit 0), the decoding (bit 1: Codable records or the JSON
// tree) and single or batch prediction (bit 2). Any failure must be a DecodingError (the JSON itself) or a
// PredictionError; a crash, a sanitizer report or another error is a finding. A prediction must have one finite
// output per model output element.
import Foundation
import LeptonData
import LeptonDeploy
import LeptonTensor

/// The tabular and the tensor predictor, loaded once.
private let predictors: [Predictor] = {
    guard let directory = ProcessInfo.processInfo.environment["LEPTON_FUZZ_MODELS"] else {
        fatalError("request: set LEPTON_FUZZ_MODELS to Tests/Fuzz/request/models")
    }
    return ["tabular.lepton", "tensor.lepton"].map { name in
        do {
            return try Predictor(bundle: URL(fileURLWithPath: directory).appendingPathComponent(name), warmUpCalls: 1)
        } catch {
            fatalError("request: cannot load \(name): \(error)")
        }
    }
}()

/// Decodes one fuzzer input as a request (or a batch) and answers it.
/// - Parameters:
///   - bytes: the input.
///   - count: its length.
/// - Returns: 0, as libFuzzer requires.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let selector = bytes[0]
    let predictor = predictors[Int(selector & 1)]
    let json = Data(bytes: bytes + 1, count: count - 1)
    let requests: [PredictionRequest]
    if selector & 2 == 0 {
        if let record = try? JSONDecoder().decode([String: FeatureValue].self, from: json) {
            requests = [.record(record)]
        } else if let records = try? JSONDecoder().decode([[String: FeatureValue]].self, from: json) {
            requests = records.map { .record($0) }
        } else {
            return 0
        }
    } else {
        guard let tree = try? JSONValue(parsing: json) else { return 0 }
        if case .array(let items) = tree, selector & 4 != 0 {
            requests = items.map(request)
        } else {
            requests = [request(tree)]
        }
    }
    if selector & 4 == 0 {
        for request in requests {
            do {
                check(try predictor.predict(request), predictor)
            } catch {
                _ = error.description  // typed: PredictionError
            }
        }
    } else {
        let results = predictor.predict(batch: requests)
        precondition(results.count == requests.count, "request: batch answered \(results.count) of \(requests.count)")
        for case .success(let prediction) in results { check(prediction, predictor) }
    }
    return 0
}

/// A JSON tree as a request: an object is a record (or `{"values": …, "shape": …}`), an array a tensor.
private func request(_ tree: JSONValue) -> PredictionRequest {
    switch tree {
    case .object(let object):
        if let values = object["values"], case .array(let dimensions) = object["shape"] {
            return .values(flatten(values).values, shape: dimensions.map { integer($0) ?? -1 })
        }
        return .record(object.mapValues(feature))
    default:
        let (values, shape) = flatten(tree)
        return .values(values, shape: shape)
    }
}

private func feature(_ value: JSONValue) -> FeatureValue {
    switch value {
    case .null: return .missing
    case .bool(let bool): return .string(bool ? "true" : "false")
    case .string(let string): return .string(string)
    case .integer(let integer): return .number(Double(integer))
    case .unsignedInteger(let integer): return .number(Double(integer))
    case .number(let number): return .number(number)
    case .array, .object: return .string("\(value)")
    }
}

private func integer(_ value: JSONValue) -> Int? {
    switch value {
    case .integer(let integer): return Int(exactly: integer)
    case .unsignedInteger(let integer): return Int(exactly: integer)
    case .number(let number): return Int(exactly: number)
    default: return nil
    }
}

/// Row-major values of a nested array and the shape of its first elements at each depth (ragged arrays keep their
/// values, so the predictor sees an element count that does not match the shape).
private func flatten(_ value: JSONValue) -> (values: [Float], shape: [Int]) {
    switch value {
    case .integer(let integer): return ([Float(integer)], [])
    case .unsignedInteger(let integer): return ([Float(integer)], [])
    case .number(let number): return ([Float(number)], [])
    case .array(let array):
        var values: [Float] = []
        var inner: [Int]?
        for element in array {
            let (elementValues, elementShape) = flatten(element)
            values += elementValues
            if inner == nil { inner = elementShape }
        }
        return (values, [array.count] + (inner ?? []))
    default: return ([.nan], [])
    }
}

/// Fails when a prediction is malformed.
private func check(_ prediction: Prediction, _ predictor: Predictor) {
    precondition(prediction.outputs.count == predictor.outputShape.reduce(1, *), "request: output count")
    precondition(prediction.outputs.allSatisfy(\.isFinite), "request: a non-finite output \(prediction.outputs)")
}
