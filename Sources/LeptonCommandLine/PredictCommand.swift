import Foundation
import LeptonDeploy

/// `lepton predict`: one JSON line per input, with the prediction or the error for that input.
enum PredictCommand {
    /// One output line.
    struct Line: Encodable {
        var row: Int
        var version: String?
        var label: String?
        var classIndex: Int?
        var probability: Float?
        var probabilities: [Float]?
        var outputs: [Float]?
        var error: String?
        var errorKind: String?

        enum CodingKeys: String, CodingKey {
            case row, version, label, probability, probabilities, outputs, error
            case classIndex = "class_index"
            case errorKind = "error_kind"
        }
    }

    static func run(_ arguments: [String], console: CommandConsole) throws -> Int32 {
        let parsed = try CommandArguments(arguments, options: ["batch-size"], flags: ["int8"])
        let paths = try parsed.requirePositional(["model.lepton", "input.csv|input.json"])
        let batchSize = try parsed.positiveInteger("batch-size", default: 256)
        let predictor = try Predictor(
            bundle: URL(fileURLWithPath: paths[0]), quantization: parsed.flag("int8") ? .int8 : .none, warmUpCalls: 1)
        let inputs = try PredictionInputFile.read(URL(fileURLWithPath: paths[1]), schema: predictor.schema)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var rejected = 0
        for start in stride(from: 0, to: inputs.count, by: batchSize) {
            let chunk = inputs[start..<min(inputs.count, start + batchSize)]
            let requests = chunk.compactMap { try? $0.get() }
            var answers = predictor.predict(batch: requests).makeIterator()
            for (offset, input) in chunk.enumerated() {
                var line = Line(row: start + offset + 1)
                switch input {
                case .failure(let problem):
                    line.error = problem.message
                    line.errorKind = "unreadableInput"
                case .success:
                    switch answers.next()! {
                    case .success(let prediction):
                        line.version = prediction.modelVersion
                        line.label = prediction.label
                        line.classIndex = prediction.classIndex
                        line.probability = prediction.probability
                        line.probabilities = prediction.probabilities
                        line.outputs = prediction.outputs
                    case .failure(let error):
                        line.error = error.description
                        line.errorKind = error.kind
                    }
                }
                if line.error != nil { rejected += 1 }
                console.print(String(decoding: try encoder.encode(line), as: UTF8.self))
            }
        }
        if rejected > 0 {
            console.printError("lepton predict: \(rejected) of \(inputs.count) inputs rejected (see their \"error\")")
            return LeptonCommandLine.exitRejectedRows
        }
        return LeptonCommandLine.exitSuccess
    }
}

extension PredictionError {
    /// The case name, for machine-readable output (`wrongShape`, `unknownCategory`…).
    var kind: String {
        switch self {
        case .wrongShape: return "wrongShape"
        case .wrongElementCount: return "wrongElementCount"
        case .nonFinite: return "nonFinite"
        case .unknownCategory: return "unknownCategory"
        case .missingField: return "missingField"
        case .outOfRange: return "outOfRange"
        case .wrongType: return "wrongType"
        case .wrongRequestKind: return "wrongRequestKind"
        case .wrongRowCount: return "wrongRowCount"
        case .preprocessingFailed: return "preprocessingFailed"
        case .nonFiniteOutput: return "nonFiniteOutput"
        case .invalidText: return "invalidText"
        }
    }
}
