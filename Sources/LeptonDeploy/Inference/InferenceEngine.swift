import LeptonLayers
import LeptonTensor

/// The compiled model a ``Predictor`` runs: full precision, or with int8 Dense and Conv2D layers.
enum InferenceEngine: Sendable {
    case float(InferenceModel)
    case int8(QuantizedModel)

    init(model: Sequential, quantization: Quantization, calibration: QuantizationCalibration? = nil) throws {
        do {
            switch quantization {
            case .none: self = .float(try InferenceModel(model))
            case .int8: self = .int8(try QuantizedModel(model, calibration: calibration))
            }
        } catch let error as CalibrationError {
            throw BundleError.invalidCalibration(file: "<memory>", reason: error.description)
        } catch {
            throw BundleError.invalidArchitecture(file: "<memory>", reason: String(describing: error))
        }
    }

    func callAsFunction(_ input: Tensor) -> Tensor {
        switch self {
        case .float(let model): return model(input)
        case .int8(let model): return model(input)
        }
    }

    var stepSummaries: [String] {
        switch self {
        case .float(let model): return model.stepSummaries
        case .int8(let model): return model.stepSummaries
        }
    }
}
