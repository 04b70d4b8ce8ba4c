import Foundation
import LeptonData
import LeptonDeploy
import LeptonLayers
import LeptonTensor
import Testing

/// Compiles and runs the code of `Sources/LeptonDeploy/LeptonDeploy.docc/ShippingAModel.md` (checked line by line
/// by `.ci/check_doc_snippets.py`).
@Suite("The Shipping a Model article")
struct ShippingAModelArticleTests {
    @Test("bundle, validate and serve a tabular model as the article shows")
    func article() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("article-\(UUID().uuidString).lepton")
        defer { try? FileManager.default.removeItem(at: url) }
        let table = try Table(
            csvText: """
                age,income,purpose
                25,30,car
                40,,education
                33,52,car
                58,61,furniture
                """)
        let pipeline = try Pipeline {
            Impute(.median, columns: ["income"])
            OneHot(columns: ["purpose"])
            StandardScale(columns: ["age", "income"])
        }.fit(on: table)
        let model = Sequential(inputShape: [pipeline.featureNames.count], seed: 2) {
            Dense(units: 4, activation: .relu)
            Dense(units: 2, activation: .softmax)
        }

        // tour: bundle
        let schema = ModelSchema(
            input: .tabular([
                .numeric("age", range: 18...100),
                .numeric("income", required: false),
                .categorical("purpose", categories: ["car", "education", "furniture"]),
            ]),
            output: .classification(labels: ["repaid", "defaulted"]))
        try ModelBundle(model: model, pipeline: pipeline, schema: schema, name: "credit", version: "v1").write(to: url)
        let predictor = try Predictor(bundle: url)
        let answer = try predictor.predict(record: [
            "age": .number(41), "income": .number(52), "purpose": .string("car"),
        ])
        // end tour

        // The predictor answers what the model computes on the pipeline's features of the same record.
        let row = try Table(csvText: "age,income,purpose\n41,52,car\n")
        let direct = model(try pipeline.features(from: row).matrix, context: ForwardContext(isTraining: false))
        let expectedIndex = direct.scalars[1] > direct.scalars[0] ? 1 : 0
        #expect(answer.classIndex == expectedIndex)
        #expect(Swift.abs(Double(try #require(answer.probability)) - Double(direct.scalars[expectedIndex])) < 1e-5)

        // tour: validate
        do {
            _ = try predictor.predict(record: ["age": .number(12), "purpose": .string("car")])
        } catch {
            print(error)  // age: 12 is outside 18...100
        }
        // end tour

        let caught: PredictionError
        do {
            _ = try predictor.predict(record: ["age": .number(12), "purpose": .string("car")])
            Issue.record("an age of 12 was accepted")
            return
        } catch {
            caught = error
        }
        guard case .outOfRange(.field("age"), let value, _, _) = caught else {
            Issue.record("expected an out-of-range age, got \(caught)")
            return
        }
        #expect(value == 12)

        // tour: serve
        let registry = ModelRegistry<Predictor>()
        try await registry.register(predictor, version: ModelVersion(id: "v1"))
        _ = try await registry.promote("v1", to: "production")
        let service = try ModelService(
            registry: registry, router: try TrafficRouter(mode: .championOnly),
            batching: DynamicBatcherConfiguration(maxBatchSize: 16, maxQueueDelay: .milliseconds(2)))
        let served = try await service.respond(
            to: .record(["age": .number(41), "income": .number(52), "purpose": .string("car")]))
        // end tour

        #expect(served.version.id == "v1")
        #expect(served.response.classIndex == answer.classIndex)
        #expect(served.response.probability == answer.probability)
    }
}
