import Foundation
import LeptonLayers

/// Turns a model's raw output row into a ``Prediction``: for a classifier, probabilities (the outputs when the model
/// ends in softmax or sigmoid, otherwise softmax or sigmoid of them), the top label and its probability.
struct OutputInterpreter: Sendable {
    let schema: OutputSchema
    /// Whether the model's last operation already produces probabilities.
    let outputsAreProbabilities: Bool

    init(schema: OutputSchema, model: Sequential) {
        self.schema = schema
        let last = Self.finalActivation(of: model)
        outputsAreProbabilities = schema.elementCount == 1 ? last == .sigmoid : last == .softmax
    }

    /// The activation applied last by the model, if its last layer has one.
    static func finalActivation(of model: Sequential) -> Activation? {
        for layer in model.layers.reversed() {
            switch layer.outputActivation {
            case .activation(let activation): return activation
            case .transparent: continue
            case .opaque: return nil
            }
        }
        return nil
    }

    func prediction(_ outputs: [Float], version: String) throws(PredictionError) -> Prediction {
        if let index = outputs.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteOutput(index: index) }
        var prediction = Prediction(outputs: outputs, modelVersion: version)
        guard schema.task == .classification else { return prediction }
        let probabilities: [Float]
        if outputs.count == 1 {
            let positive = outputsAreProbabilities ? outputs[0] : 1 / (1 + Foundation.exp(-outputs[0]))
            probabilities = [1 - positive, positive]
        } else if outputsAreProbabilities {
            probabilities = outputs
        } else {
            let largest = outputs.max() ?? 0
            let exponentials = outputs.map { Foundation.exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            probabilities = exponentials.map { $0 / total }
        }
        var best = 0
        for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
        prediction.probabilities = probabilities
        prediction.classIndex = best
        prediction.probability = probabilities[best]
        prediction.label = schema.names.indices.contains(best) ? schema.names[best] : String(best)
        return prediction
    }
}
