import Foundation
import LeptonData
import LeptonTrain
import Testing

@testable import LeptonDeploy

@Suite("Recommender predictor: batched top-k (one GEMM) equals single top-k and the trained model's ranking")
struct RecommenderPredictorBatchTests {
    private func fitted() throws -> ExplicitALSRecommender {
        try ExplicitALSRecommender(
            fitting: SyntheticRecommendationData.ratings(users: 30, items: 60, seed: 5),
            configuration: .init(factorCount: 4, iterations: 5, seed: 3))
    }

    private func predictor(_ model: ExplicitALSRecommender) throws -> RecommenderPredictor {
        let f = model.factors
        return RecommenderPredictor(
            bundle: try RecommenderBundle(
                name: "movies", version: "movies-1", modelKind: ExplicitALSRecommender.modelName,
                training: model.training, factorCount: f.factorCount, userFactors: f.userFactors,
                itemFactors: f.itemFactors, userBiases: f.userBiases, itemBiases: f.itemBiases,
                globalMean: f.globalMean))
    }

    private func single(_ predictor: RecommenderPredictor, _ query: RecommendationQuery)
        -> Result<[RecommendedItem], RecommenderPredictorError>
    {
        do {
            return .success(
                try predictor.recommend(
                    user: query.user, k: query.k, excluding: query.excluding, candidates: query.candidates,
                    filterSeen: query.filterSeen))
        } catch {
            return .failure(error)
        }
    }

    @Test("every query of a batch answers as it does alone; bad queries fail alone")
    func batchEqualsSingle() throws {
        let predictor = try predictor(try fitted())
        let users = predictor.bundle.users.ids
        let items = predictor.bundle.items.ids
        var queries: [RecommendationQuery] = []
        for (index, user) in users.enumerated() {
            queries.append(RecommendationQuery(user: user, k: 7))
            queries.append(
                RecommendationQuery(
                    user: user, k: 5, excluding: [items[index % items.count]],
                    candidates: Set(items.enumerated().filter { $0.offset % 3 != index % 3 }.map(\.element)),
                    filterSeen: index % 2 == 1))
        }
        queries.insert(RecommendationQuery(user: "ghost", k: 3), at: 5)
        queries.insert(RecommendationQuery(user: users[0], k: 0), at: 9)
        let batch = predictor.recommend(batch: queries)
        #expect(batch.count == queries.count)
        for (query, result) in zip(queries, batch) {
            switch (result, single(predictor, query)) {
            case (.success(let fromBatch), .success(let alone)):
                #expect(!alone.isEmpty)
                #expect(fromBatch.map(\.item) == alone.map(\.item), "\(query)")
                for (a, b) in zip(fromBatch, alone) {
                    #expect(abs(a.score - b.score) <= 1e-5 * max(1, abs(b.score)), "\(query)")
                }
                if let candidates = query.candidates {
                    #expect(fromBatch.allSatisfy { candidates.contains($0.item) && !query.excluding.contains($0.item) })
                }
            case (.failure(let fromBatch), .failure(let alone)):
                #expect(fromBatch == alone)
            default:
                Issue.record("batch and single disagree on \(query)")
            }
        }
        #expect(throws: RecommenderPredictorError.unknownUser("ghost")) { try batch[5].get() }
        #expect(throws: RecommenderPredictorError.invalidK(0)) { try batch[9].get() }
    }

    @Test("a batch of users ranks as the trained model's own batched ranking")
    func batchEqualsTheModel() throws {
        let model = try fitted()
        let predictor = try predictor(model)
        let users = Array(model.training.users.ids.prefix(12))
        let expected = try model.recommend(users: users, k: 10)
        let batch = predictor.recommend(batch: users.map { RecommendationQuery(user: $0, k: 10) })
        for (served, truth) in zip(batch, expected) {
            let items = try served.get()
            #expect(items.map(\.item) == truth.map(\.item))
            for (a, b) in zip(items, truth) { #expect(abs(a.score - b.score) <= 1e-4 * max(1, abs(b.score))) }
        }
    }

    @Test("as a ServableModel, top-k and similar-item requests of one batch are answered in order")
    func servable() throws {
        let predictor = try predictor(try fitted())
        let user = predictor.bundle.users.ids[2]
        let item = predictor.bundle.items.ids[4]
        let results = predictor.respond(to: [
            .recommend(RecommendationQuery(user: user, k: 3)), .similar(item: item, k: 2),
            .similar(item: "nope", k: 2), .recommend(RecommendationQuery(user: user, k: 4, filterSeen: false)),
        ])
        #expect(try results[0].get().map(\.item) == predictor.recommend(user: user, k: 3).map(\.item))
        #expect(try results[1].get() == predictor.similarItems(to: item, k: 2))
        #expect((try? results[2].get()) == nil)
        #expect(
            try results[3].get().map(\.item) == predictor.recommend(user: user, k: 4, filterSeen: false).map(\.item))
    }
}
