import LeptonTensor

/// Turns text requests into the padded id matrix of a text model.
struct TextValidator: Sendable {
    let schema: TextSchema

    /// The request's ids, padded or truncated to the model's length.
    func validate(_ request: PredictionRequest) throws(PredictionError) -> [Float] {
        switch request {
        case .text(let text): return try schema.paddedIDs(text)
        case .record, .table: throw .wrongRequestKind(expected: "a text", actual: "a record of named fields")
        case .tensor, .values: throw .wrongRequestKind(expected: "a text", actual: "a tensor")
        }
    }

    /// The valid requests' ids stacked into `[rows, maximumLength]`; failures recorded in `results`.
    func prepare(_ batch: [PredictionRequest], results: inout [Result<Prediction, PredictionError>?])
        -> (features: Tensor, rows: [Int])
    {
        var scalars: [Float] = []
        scalars.reserveCapacity(batch.count * schema.maximumLength)
        var rows: [Int] = []
        for (index, request) in batch.enumerated() {
            do throws(PredictionError) {
                scalars.append(contentsOf: try validate(request))
                rows.append(index)
            } catch {
                results[index] = .failure(error)
            }
        }
        return (Tensor(scalars, shape: [rows.count, schema.maximumLength]), rows)
    }
}
