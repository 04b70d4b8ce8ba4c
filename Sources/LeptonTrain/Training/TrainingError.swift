import LeptonData
import LeptonLayers
import LeptonTensor

/// Problems with data or settings given to training, evaluation, prediction or a loss.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// Inputs, targets or weights have different sample counts.
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// A validation split outside [0, 1).
    case invalidValidationSplit(Double)
    /// The validation split leaves no validation sample, or no training sample.
    case emptySplit(part: String, split: Double, samples: Int)
    /// There are no training samples.
    case noSamples(what: String)
    /// A setting out of its range.
    case invalidSetting(name: String, value: String, requirement: String)
    /// Class weights were given for targets that are not classes.
    case classWeightsNeedClasses
    /// A label has no class weight.
    case missingClassWeight(label: Int, classes: Int)
    /// A class label outside `0..<classes`, at a sample index.
    case labelOutOfRange(what: String, label: Int, row: Int, classes: Int)
    /// Class labels need predictions of shape `[batch, classes]`.
    case labelsNeedClassScores(predictionShape: Shape)
    /// Value targets must have the predictions' per-sample shape.
    case targetShapeMismatch(what: String, expected: Shape, actual: Shape)
    /// The loss needs the other kind of targets (labels or values).
    case targetKindMismatch(loss: String, expected: String)
    /// A NaN or infinite value in data, at a multi-dimensional index.
    case nonFiniteValue(what: String, index: [Int], value: Float)
    /// The loss (or a gradient) became NaN or infinite; the weights are those before this batch.
    case nonFiniteLoss(epoch: Int, batch: Int, loss: Float)

    /// A sentence naming what was expected and what was found.
    public var description: String {
        switch self {
        case .lengthMismatch(let what, let expected, let actual):
            return "\(what) has \(actual) samples, expected \(expected) (one per input sample)"
        case .invalidValidationSplit(let split):
            return "validationSplit must be in [0, 1), got \(split)"
        case .emptySplit(let part, let split, let samples):
            return "validationSplit \(split) of \(samples) samples leaves no \(part) sample"
        case .noSamples(let what):
            return "\(what) has no samples"
        case .invalidSetting(let name, let value, let requirement):
            return "\(name) \(requirement), got \(value)"
        case .classWeightsNeedClasses:
            return "class weights need label or one-hot targets"
        case .missingClassWeight(let label, let classes):
            return "label \(label) has no class weight (\(classes) weights given)"
        case .labelOutOfRange(let what, let label, let row, let classes):
            return "\(what): label \(label) at row \(row) is outside 0..<\(classes) (the model has \(classes) outputs)"
        case .labelsNeedClassScores(let shape):
            return
                "class labels need predictions of shape [batch, classes], the model gives [batch] + \(shape); add Flatten or GlobalAvgPool2D before the last Dense"
        case .targetShapeMismatch(let what, let expected, let actual):
            return "\(what) have per-sample shape \(actual), the model's predictions have \(expected)"
        case .targetKindMismatch(let loss, let expected):
            return "the loss \(loss) needs \(expected) as targets"
        case .nonFiniteValue(let what, let index, let value):
            return "\(what) holds \(value) at index \(index); pass checkFinite: false to allow non-finite values"
        case .nonFiniteLoss(let epoch, let batch, let loss):
            return
                "the loss became \(loss) in epoch \(epoch), batch \(batch); training stopped with the weights from before this batch"
        }
    }

    /// Equality that treats NaN values as equal (so tests and callers can compare errors).
    public static func == (lhs: TrainingError, rhs: TrainingError) -> Bool {
        String(describing: lhs) == String(describing: rhs)
    }

    static func checkLengths(inputs: Tensor, targets: Targets, sampleWeights: [Float]?) throws {
        let count = inputs.rank == 0 ? 1 : inputs.shape[0]
        if targets.count != count { throw lengthMismatch(what: "targets", expected: count, actual: targets.count) }
        if let sampleWeights, sampleWeights.count != count {
            throw lengthMismatch(what: "sampleWeights", expected: count, actual: sampleWeights.count)
        }
    }

    /// Throws ``nonFiniteValue(what:index:value:)`` for the first NaN or infinity in `tensor`.
    static func checkFinite(_ tensor: Tensor, what: String) throws {
        guard let flat = tensor.firstNonFiniteIndex else { return }
        throw nonFiniteValue(what: what, index: tensor.multiIndex(ofFlatIndex: flat), value: tensor.scalars[flat])
    }

    /// Checks targets against the per-sample shape of the model's predictions and the loss's kind of targets.
    static func checkTargets(_ targets: Targets, outputShape: Shape, loss: Loss?, what: String) throws {
        switch targets {
        case .labels(let labels):
            if let loss, !loss.takesLabels { throw targetKindMismatch(loss: loss.description, expected: "values") }
            guard outputShape.rank == 1 else { throw labelsNeedClassScores(predictionShape: outputShape) }
            let classes = outputShape[0]
            if let row = labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
                throw labelOutOfRange(what: what, label: Int(labels[row]), row: row, classes: classes)
            }
        case .values(let values):
            if let loss, loss.takesLabels { throw targetKindMismatch(loss: loss.description, expected: "class labels") }
            let perSample = Shape(Array(values.shape.dimensions.dropFirst()))
            guard perSample == outputShape else {
                throw targetShapeMismatch(what: what, expected: outputShape, actual: perSample)
            }
        }
    }
}
