import Foundation
import LeptonData
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

@testable import LeptonDeploy

@Suite struct PredictorTests {
    @Test func tensorPredictionsMatchTheModelsOwnForwardPass() throws {
        let (model, schema) = BundleFixtures.tensorParts()
        let predictor = try Predictor(model: model, schema: schema, version: "cnn-1")
        let images = BundleFixtures.images(5, seed: 11)
        let expected = try model.predict(images).scalars
        let results = predictor.predict(batch: (0..<5).map { .tensor(images[$0..<($0 + 1)]) })
        for (index, result) in results.enumerated() {
            let prediction = try result.get()
            let reference = Array(expected[(index * 3)..<(index * 3 + 3)])
            for (value, truth) in zip(prediction.outputs, reference) { #expect(abs(value - truth) < 1e-5) }
            let best = reference.indices.max { reference[$0] < reference[$1] }!
            #expect(prediction.classIndex == best)
            #expect(prediction.label == ["a", "b", "c"][best])
            #expect(prediction.probability == prediction.outputs[best])
            #expect(prediction.modelVersion == "cnn-1")
        }
    }

    @Test func tabularPredictionsApplyThePipelineThenTheModel() throws {
        let (model, pipeline, schema, _) = try BundleFixtures.tabularParts()
        let predictor = try Predictor(model: model, pipeline: pipeline, schema: schema, version: "v")
        let record = BundleFixtures.record(age: 33, income: nil, purpose: "education", owns: false)
        let table = try Table(columns: [
            Column(name: "age", data: .numeric([33])), Column(name: "income", data: .numeric([nil])),
            Column(name: "purpose", data: .categorical(CategoricalValues(values: ["education"]))),
            Column(name: "owns_home", data: .boolean([false])),
        ])
        let features = try pipeline.features(from: table).matrix
        let expected = try model.predict(features).scalars
        let prediction = try predictor.predict(record: record)
        for (value, truth) in zip(prediction.outputs, expected) { #expect(abs(value - truth) < 1e-6) }
        #expect(abs((prediction.probabilities ?? []).reduce(0, +) - 1) < 1e-5)
        #expect(try predictor.predict(.table(table)) == prediction)
    }

    @Test func everyKindOfBadTabularRequestGetsItsTypedError() throws {
        let (model, pipeline, schema, _) = try BundleFixtures.tabularParts()
        let predictor = try Predictor(model: model, pipeline: pipeline, schema: schema, version: "v")
        var missing = BundleFixtures.record()
        missing["age"] = nil
        #expect(throws: PredictionError.missingField("age")) { try predictor.predict(record: missing) }
        #expect(
            throws: PredictionError.unknownCategory(field: "purpose", value: "boat", allowed: BundleFixtures.purposes)
        ) {
            try predictor.predict(record: BundleFixtures.record(purpose: "boat"))
        }
        #expect(throws: PredictionError.outOfRange(.field("age"), value: 12, minimum: 18, maximum: 100)) {
            try predictor.predict(record: BundleFixtures.record(age: 12))
        }
        #expect(throws: PredictionError.nonFinite(.field("income"), value: .infinity)) {
            try predictor.predict(record: BundleFixtures.record(income: .infinity))
        }
        var wrongType = BundleFixtures.record()
        wrongType["age"] = .string("forty")
        #expect(throws: PredictionError.wrongType(field: "age", expected: .numeric, actual: "the string \"forty\"")) {
            try predictor.predict(record: wrongType)
        }
        var badBoolean = BundleFixtures.record()
        badBoolean["owns_home"] = .number(2)
        #expect(throws: PredictionError.wrongType(field: "owns_home", expected: .boolean, actual: "the number 2.0")) {
            try predictor.predict(record: badBoolean)
        }
        #expect(throws: PredictionError.wrongRequestKind(expected: "a record of named fields", actual: "a tensor")) {
            try predictor.predict(tensor: Tensor([1, 2, 3]))
        }
        let twoRows = try BundleFixtures.creditTable(rows: 2, seed: 1)
        #expect(throws: PredictionError.wrongRowCount(expected: 1, actual: 2)) {
            try predictor.predict(.table(twoRows))
        }
        // An optional field may be missing; the pipeline imputes it.
        #expect(throws: Never.self) { try predictor.predict(record: BundleFixtures.record(income: nil)) }
    }

    @Test func everyKindOfBadTensorRequestGetsItsTypedError() throws {
        let (model, schema) = BundleFixtures.tensorParts()
        let predictor = try Predictor(model: model, schema: schema, version: "v")
        #expect(throws: PredictionError.wrongShape(expected: [6, 6, 1], actual: [6, 6])) {
            try predictor.predict(tensor: Tensor(repeating: 0, shape: [6, 6]))
        }
        var values = [Float](repeating: 0.5, count: 36)
        #expect(throws: PredictionError.wrongElementCount(shape: [6, 6, 1], expected: 36, actual: 35)) {
            try predictor.predict(.values(Array(values.dropLast()), shape: [6, 6, 1]))
        }
        values[17] = .nan
        #expect {
            try predictor.predict(.values(values, shape: [1, 6, 6, 1]))
        } throws: { error in
            guard case PredictionError.nonFinite(.element(17), let value) = error else { return false }
            return value.isNaN
        }
        values[17] = 0.5
        values[30] = 1.5
        #expect(throws: PredictionError.outOfRange(.element(30), value: 1.5, minimum: 0, maximum: 1)) {
            try predictor.predict(.values(values, shape: [6, 6, 1]))
        }
        #expect(
            throws: PredictionError.wrongRequestKind(
                expected: "a tensor of shape [6, 6, 1]", actual: "a record of named fields")
        ) {
            try predictor.predict(record: ["x": .number(1)])
        }
    }

    @Test func inABatchABadItemFailsAloneAndTheRestMatchSingleCalls() throws {
        let (model, schema) = BundleFixtures.tensorParts()
        let predictor = try Predictor(model: model, schema: schema, version: "v")
        let images = BundleFixtures.images(6, seed: 2)
        var requests: [PredictionRequest] = (0..<6).map { .tensor(images[$0..<($0 + 1)]) }
        requests.insert(.values([1, 2], shape: [2]), at: 2)
        requests.append(.values([Float](repeating: .infinity, count: 36), shape: [6, 6, 1]))
        let results = predictor.predict(batch: requests)
        #expect(results.count == 8)
        for (index, result) in results.enumerated() {
            switch (index, result) {
            case (2, .failure(let error)): #expect(error == .wrongShape(expected: [6, 6, 1], actual: [2]))
            case (7, .failure(let error)): #expect(error == .nonFinite(.element(0), value: .infinity))
            case (_, .success(let prediction)):
                let single = try predictor.predict(requests[index])
                for (a, b) in zip(prediction.outputs, single.outputs) { #expect(abs(a - b) < 1e-5) }
            default: Issue.record("request \(index) ended as \(result)")
            }
        }
        #expect(predictor.predict(batch: []).isEmpty)
    }

    @Test func aBatchOfRecordsIsolatesTheRowsThePipelineRejects() throws {
        let table = try BundleFixtures.creditTable(rows: 40, seed: 4)
        let strict = try Pipeline {
            OneHot(columns: ["purpose"])
            Passthrough(columns: ["age"])
        }.fit(on: table)
        let model = Sequential(inputShape: [strict.featureNames.count]) { Dense(units: 2, activation: .softmax) }
        let schema = ModelSchema(
            input: .tabular([.numeric("age"), .categorical("purpose", categories: nil)]),
            output: .classification(labels: ["bad", "good"]))
        let predictor = try Predictor(model: model, pipeline: strict, schema: schema, version: "v")
        #expect(predictor.isReady)  // warm-up survives a pipeline that rejects its synthetic record
        let results = predictor.predict(batch: [
            .record(["age": .number(30), "purpose": .string("car")]),
            .record(["age": .number(31), "purpose": .string("yacht")]),
            .record(["age": .number(32), "purpose": .string("business")]),
        ])
        #expect((try? results[0].get()) != nil)
        #expect((try? results[2].get()) != nil)
        guard case .failure(.preprocessingFailed(let reason)) = results[1] else {
            Issue.record("the unseen category should fail in preprocessing, got \(results[1])")
            return
        }
        #expect(reason.contains("yacht"))
    }

    @Test func readinessFollowsWarmUp() throws {
        let (model, schema) = BundleFixtures.tensorParts()
        var predictor = try Predictor(model: model, schema: schema, version: "v", warmUpCalls: 0)
        #expect(!predictor.isReady)
        try predictor.warmUp()
        #expect(predictor.isReady)
        #expect(try Predictor(model: model, schema: schema, version: "v").isReady)
    }

    @Test func logitsAndSigmoidOutputsBecomeProbabilities() throws {
        let logits = Sequential(inputShape: [2]) { Dense(units: 3) }
        let schema3 = ModelSchema(input: .tensor(shape: [2]), output: .classification(labels: ["x", "y", "z"]))
        let prediction = try Predictor(model: logits, schema: schema3, version: "v").predict(
            .values([0.3, -1], shape: [2]))
        let exponentials = prediction.outputs.map { Foundation.exp(Double($0)) }
        let total = exponentials.reduce(0, +)
        for (probability, exponential) in zip(prediction.probabilities!, exponentials) {
            #expect(abs(Double(probability) - exponential / total) < 1e-6)
        }
        let sigmoid = Sequential(inputShape: [2]) { Dense(units: 1, activation: .sigmoid) }
        let binary = ModelSchema(
            input: .tensor(shape: [2]), output: .classification(labels: ["no", "yes"], singleProbability: true))
        let answer = try Predictor(model: sigmoid, schema: binary, version: "v").predict(.values([2, 1], shape: [2]))
        let positive = answer.outputs[0]
        #expect(answer.probabilities == [1 - positive, positive])
        #expect(answer.label == (positive >= 0.5 ? "yes" : "no"))
    }

    @Test func manyTasksShareOnePredictor() async throws {
        let (model, schema) = BundleFixtures.tensorParts()
        let predictor = try Predictor(model: model, schema: schema, version: "v")
        let images = BundleFixtures.images(16, seed: 9)
        let expected = try model.predict(images).scalars
        try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for index in 0..<16 {
                group.addTask { (index, try predictor.predict(tensor: images[index..<(index + 1)]).outputs) }
            }
            for try await (index, outputs) in group {
                for (value, truth) in zip(outputs, expected[(index * 3)..<(index * 3 + 3)]) {
                    #expect(abs(value - truth) < 1e-5)
                }
            }
        }
    }
}
