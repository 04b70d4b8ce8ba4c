/// Calibrated activation ranges for static int8 inference, as ONNX Runtime's `quantize_static` computes them: the
/// float model runs on a calibration set and the input of every int8 Dense and Conv2D step gets one range, from which
/// its fixed scale follows (`max(|lowerBound|, |upperBound|) / 127`; Lepton's int8 activations are symmetric).
///
/// Stored in a bundle's manifest (``BundleManifest/calibration``) and validated when the bundle is read. A
/// ``Predictor`` with ``Quantization/int8`` uses it when present; without it (bundles written before calibration
/// existed) activations are quantised dynamically, per row or per image.
///
/// ```swift
/// let calibration = try QuantizationCalibration(
///     model: model, batches: calibrationImages.batches(of: 256), method: .percentile(99.99))
/// let predictor = try Predictor(model: model, schema: schema, version: "v1", quantization: .int8,
///                               calibration: calibration)
/// ```
public struct QuantizationCalibration: Codable, Sendable, Hashable {
    /// How the observed activations of one step become its range.
    public enum Method: Sendable, Hashable {
        /// The smallest and largest value seen.
        case minMax
        /// `[-t, t]` with `t` the given percentile (in (0, 100]) of the absolute values seen, by nearest rank:
        /// the `⌈p/100 · n⌉`-th smallest of the `n` values. Outliers past it saturate at ±127.
        case percentile(Double)
    }

    /// The range of one int8 step's input.
    public struct ActivationRange: Codable, Sendable, Hashable {
        /// The float step the range belongs to (`conv2d 3x3x32 + relu + maxpool 2x2 (per image)`), checked against
        /// the model when the calibration is used.
        public var step: String
        /// The smallest value the range covers.
        public var lowerBound: Float
        /// The largest value the range covers.
        public var upperBound: Float

        /// A range.
        /// - Parameters:
        ///   - step: the float step's summary.
        ///   - lowerBound: the smallest value covered.
        ///   - upperBound: the largest value covered.
        public init(step: String, lowerBound: Float, upperBound: Float) {
            self.step = step
            self.lowerBound = lowerBound
            self.upperBound = upperBound
        }

        /// The symmetric int8 scale: `max(|lowerBound|, |upperBound|) / 127`, or 1 for a range of zeros.
        public var scale: Float {
            let magnitude = max(abs(lowerBound), abs(upperBound))
            return magnitude > 0 ? magnitude / 127 : 1
        }
    }

    /// The method the ranges were computed with.
    public var method: Method
    /// The number of calibration samples.
    public var sampleCount: Int
    /// One range per int8 step, in program order.
    public var ranges: [ActivationRange]

    /// Calibration from known ranges (to store ranges computed elsewhere).
    /// - Parameters:
    ///   - method: the method.
    ///   - sampleCount: the number of samples observed.
    ///   - ranges: one range per int8 step, in program order.
    public init(method: Method, sampleCount: Int, ranges: [ActivationRange]) {
        self.method = method
        self.sampleCount = sampleCount
        self.ranges = ranges
    }
}

extension QuantizationCalibration.Method: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, percentile
    }

    /// Reads `{"kind": "minMax"}` or `{"kind": "percentile", "percentile": 99.99}`.
    /// - Parameter decoder: the decoder.
    /// - Throws: `DecodingError` for another kind.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "minMax": self = .minMax
        case "percentile": self = .percentile(try container.decode(Double.self, forKey: .percentile))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown calibration method '\(other)'")
        }
    }

    /// Writes `{"kind": "minMax"}` or `{"kind": "percentile", "percentile": p}`.
    /// - Parameter encoder: the encoder.
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .minMax: try container.encode("minMax", forKey: .kind)
        case .percentile(let percentile):
            try container.encode("percentile", forKey: .kind)
            try container.encode(percentile, forKey: .percentile)
        }
    }
}
