import Foundation
import LeptonLayers
import LeptonTensor
import Testing

@testable import LeptonDeploy

/// The Predictor behind the registry and the batcher: concurrent single requests, some malformed, a hot swap from one
/// bundle to another in the middle.
@Suite struct PredictorServingTests {
    @Test func concurrentRequestsThroughRegistryAndBatcherSurviveAHotSwap() async throws {
        let directory = try BundleFixtures.temporaryDirectory()
        var predictors: [String: Predictor] = [:]
        let registry = ModelRegistry<Predictor>()
        for (version, seed) in [("cnn-1", UInt64(5)), ("cnn-2", 6)] {
            let (model, schema) = BundleFixtures.tensorParts(seed: seed)
            let url = directory.appendingPathComponent("\(version).lepton")
            let bundle = try ModelBundle(model: model, schema: schema, name: "cnn", version: version).write(to: url)
            let predictor = try Predictor(bundle: url, warmUpCalls: 0)
            predictors[version] = predictor
            try await registry.register(predictor, version: bundle.modelVersion) { predictor in
                var copy = predictor
                try copy.warmUp()
            }
        }
        try await registry.promote("cnn-1", to: "production")
        let batcher = try DynamicBatcher<PredictionRequest, Prediction>(
            configuration: .init(maxBatchSize: 16, maxQueueDelay: .microseconds(200))
        ) { inputs in
            do {
                return try await registry.withModel(alias: "production") { predictor, _ in
                    predictor.predict(batch: inputs).map { $0.mapError { $0 as any Error } }
                }
            } catch {
                return inputs.map { _ in .failure(error) }
            }
        }
        let images = BundleFixtures.images(40, seed: 21)
        let requestCount = 1280
        func request(_ id: Int) -> PredictionRequest {
            if id % 20 == 7 { return .values([Float](repeating: .nan, count: 36), shape: [6, 6, 1]) }
            return .tensor(images[(id % 40)..<(id % 40 + 1)])
        }
        let answers = try await withThrowingTaskGroup(of: [(Int, Result<Prediction, PredictionError>)].self) { group in
            for task in 0..<64 {
                group.addTask {
                    var own: [(Int, Result<Prediction, PredictionError>)] = []
                    for id in stride(from: task, to: requestCount, by: 64) {
                        do {
                            own.append((id, .success(try await batcher.submit(request(id)))))
                        } catch let error as PredictionError {
                            own.append((id, .failure(error)))
                        }
                        if id == requestCount / 2 { try await registry.promote("cnn-2", to: "production") }
                    }
                    return own
                }
            }
            var all: [(Int, Result<Prediction, PredictionError>)] = []
            for try await own in group { all += own }
            return all
        }
        #expect(answers.count == requestCount)
        #expect(Set(answers.map(\.0)).count == requestCount)
        var versions: [String: Int] = [:]
        for (id, result) in answers {
            switch result {
            case .success(let prediction):
                #expect(id % 20 != 7)
                versions[prediction.modelVersion, default: 0] += 1
                let alone = try predictors[prediction.modelVersion]!.predict(request(id))
                for (a, b) in zip(prediction.outputs, alone.outputs) { #expect(abs(a - b) < 1e-5) }
            case .failure(let error):
                #expect(id % 20 == 7)
                guard case .nonFinite(.element(0), let value) = error else {
                    Issue.record("request \(id) failed with \(error)")
                    continue
                }
                #expect(value.isNaN)
            }
        }
        #expect(versions["cnn-1", default: 0] > 0 && versions["cnn-2", default: 0] > 0)
        #expect(try await registry.resolve("production").id == "cnn-2")
    }
}
