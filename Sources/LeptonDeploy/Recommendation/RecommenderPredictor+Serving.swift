/// A recommender behind a ``ModelService`` or a ``DynamicBatcher``: the top-k requests of a batch are answered
/// with one GEMM-backed ``RecommenderPredictor/recommend(batch:)`` call, similar-item requests one by one.
extension RecommenderPredictor: ServableModel {
    /// Answers a batch of recommender requests; the results are in request order and a bad request fails alone
    /// with its ``RecommenderPredictorError``.
    /// - Parameter batch: The requests.
    /// - Returns: One list of items or error per request.
    public func respond(to batch: [RecommenderRequest]) -> [Result<[RecommendedItem], any Error>] {
        var results = [Result<[RecommendedItem], any Error>](repeating: .success([]), count: batch.count)
        var queries: [RecommendationQuery] = []
        var positions: [Int] = []
        for (index, request) in batch.enumerated() {
            switch request {
            case .recommend(let query):
                queries.append(query)
                positions.append(index)
            case .similar(let item, let k):
                do {
                    results[index] = .success(try similarItems(to: item, k: k))
                } catch {
                    results[index] = .failure(error)
                }
            }
        }
        if !queries.isEmpty {
            for (position, result) in zip(positions, recommend(batch: queries)) {
                results[position] = result.mapError { $0 as any Error }
            }
        }
        return results
    }
}
