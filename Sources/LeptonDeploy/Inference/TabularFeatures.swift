import LeptonData
import LeptonTensor

/// Turns validated tabular rows into the model's feature matrix with the fitted pipeline.
enum TabularFeatures {
    /// The feature matrix of the rows that the pipeline accepts, and their request indices. All rows go through the
    /// pipeline at once; if it rejects the batch, each row is tried alone so that only the bad ones fail (with
    /// ``PredictionError/preprocessingFailed(reason:)`` in `results`).
    static func matrix(
        _ validated: [[FeatureValue]], rows: [Int], validator: RecordValidator, pipeline: FittedPipeline,
        results: inout [Result<Prediction, PredictionError>?]
    ) -> (features: Tensor, rows: [Int]) {
        let width = pipeline.featureNames.count
        guard !rows.isEmpty else { return (Tensor(repeating: 0, shape: [0, width]), []) }
        if let matrix = try? features(validated, validator: validator, pipeline: pipeline) {
            return (matrix, rows)
        }
        var scalars: [Float] = []
        var accepted: [Int] = []
        for (position, row) in validated.enumerated() {
            do {
                scalars.append(contentsOf: try features([row], validator: validator, pipeline: pipeline).scalars)
                accepted.append(rows[position])
            } catch {
                results[rows[position]] = .failure(.preprocessingFailed(reason: String(describing: error)))
            }
        }
        return (Tensor(scalars, shape: [accepted.count, width]), accepted)
    }

    private static func features(_ rows: [[FeatureValue]], validator: RecordValidator, pipeline: FittedPipeline)
        throws -> Tensor
    {
        try pipeline.features(from: validator.table(rows)).matrix
    }
}

/// A synthetic request for warm-up: every field at a plausible value.
enum WarmUpInput {
    static func request(for input: InputSchema) -> PredictionRequest {
        switch input {
        case .tensor(let tensor):
            let value = Float(clamp(0, tensor.minimum, tensor.maximum))
            return .values(
                [Float](repeating: value, count: tensor.shape.reduce(1, *)), shape: tensor.shape)
        case .tabular(let fields):
            var record: [String: FeatureValue] = [:]
            for field in fields {
                switch field.type {
                case .numeric: record[field.name] = .number(clamp(0, field.minimum, field.maximum))
                case .categorical: record[field.name] = .string(field.categories?.first ?? "")
                case .boolean: record[field.name] = .bool(false)
                case .text: record[field.name] = .string("")
                }
            }
            return .record(record)
        case .text(let text):
            return .text(text.tokenizer.sampleText)
        }
    }

    private static func clamp(_ value: Double, _ minimum: Double?, _ maximum: Double?) -> Double {
        min(max(value, minimum ?? -.infinity), maximum ?? .infinity)
    }
}
