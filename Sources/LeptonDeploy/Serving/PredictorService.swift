extension Predictor: ServableModel {
    /// Answers a batch through ``predict(batch:)``: valid requests run together, invalid ones fail alone.
    ///
    /// - Parameter batch: The requests.
    /// - Returns: One prediction or ``PredictionError`` per request.
    public func respond(to batch: [PredictionRequest]) -> [Result<Prediction, any Error>] {
        predict(batch: batch).map { result in result.mapError { $0 as any Error } }
    }
}
