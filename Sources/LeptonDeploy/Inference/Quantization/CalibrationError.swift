/// Why activation ranges could not be calibrated, or do not fit the model they are used with.
public enum CalibrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The calibration batches held no sample.
    case noSamples
    /// A percentile outside (0, 100].
    case invalidPercentile(Double)
    /// A batch does not have the shape `[batch] + model input shape`.
    case inputShapeMismatch(expected: [Int], found: [Int])
    /// The model cannot be compiled for inference.
    case invalidModel(reason: String)
    /// An activation of a step is NaN or infinite.
    case nonFiniteActivation(step: String)
    /// The calibration has `found` ranges where the model has `expected` int8 steps.
    case rangeCountMismatch(expected: Int, found: Int)
    /// Range `index` belongs to another step than the model's.
    case stepMismatch(index: Int, expected: String, found: String)
    /// Range `index` is not a usable range (a bound not finite, or lower above upper), or the sample count or
    /// percentile recorded with it is impossible.
    case invalidRange(index: Int, reason: String)

    /// A sentence naming the problem.
    public var description: String {
        switch self {
        case .noSamples: return "the calibration batches hold no sample"
        case .invalidPercentile(let value): return "the percentile must lie in (0, 100], found \(value)"
        case .inputShapeMismatch(let expected, let found):
            return "a calibration batch has shape \(found), expected [batch] + \(expected)"
        case .invalidModel(let reason): return "the model cannot be compiled: \(reason)"
        case .nonFiniteActivation(let step): return "the input of step '\(step)' holds NaN or infinity"
        case .rangeCountMismatch(let expected, let found):
            return "the calibration has \(found) ranges, the model \(expected) int8 steps"
        case .stepMismatch(let index, let expected, let found):
            return "range \(index) is for step '\(found)', the model's step is '\(expected)'"
        case .invalidRange(let index, let reason): return "range \(index): \(reason)"
        }
    }
}
