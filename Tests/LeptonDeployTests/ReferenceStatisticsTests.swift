import Foundation
import Testing

@testable import LeptonDeploy

private func normals(_ count: Int, mean: Double = 0, seed: UInt64) -> [Double] {
    var random = TestRandom(seed: seed)
    return (0..<count).map { _ in random.normal(mean: mean) }
}

@Suite struct ReferenceStatisticsTests {
    @Test func aNumericColumnKeepsItsMomentsAndAnEvenlySpacedSample() {
        var values = normals(5000, mean: 3, seed: 1)
        values[10] = .nan
        values[20] = .infinity
        let reference = NumericColumnReference(values, sampleLimit: 2000, rawSample: true)
        let finite = values.filter(\.isFinite)
        let mean = finite.reduce(0, +) / Double(finite.count)
        let deviation = (finite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(finite.count)).squareRoot()
        #expect(reference.count == 4998 && reference.missingCount == 2)
        #expect(abs(reference.mean - mean) < 1e-12 && abs(reference.standardDeviation - deviation) < 1e-12)
        #expect(reference.minimum == finite.min() && reference.maximum == finite.max())
        #expect(reference.sample.count == 2000)
        #expect(reference.sample == reference.sample.sorted())
        // The sample's quantiles follow the column's.
        let sorted = finite.sorted()
        #expect(abs(reference.sample[1000] - sorted[2499]) < 0.01)
        #expect(
            reference.quantileLevels[3] == 0.5
                && abs(reference.quantiles[3] - (sorted[2498] + sorted[2499]) / 2) < 1e-12)
        let small = NumericColumnReference([3, 1, 2], rawSample: true)
        #expect(small.sample == [1, 2, 3])
    }

    @Test func byDefaultNoTrainingValueIsStoredOnlyASketchOrValueCounts() throws {
        // The old reference embedded up to 2,000 raw training values per numeric column (all of a small column).
        let values = normals(600, mean: 3, seed: 9)
        let reference = NumericColumnReference(values)
        #expect(reference.sample.isEmpty)
        #expect(reference.sketch.count == NumericColumnReference.sketchResolution + 1)
        let stored = Set(reference.sketch.dropFirst().dropLast())
        #expect(stored.isDisjoint(with: values), "inner sketch points are interpolations, not rows")
        let encoded = String(
            decoding: try JSONEncoder().encode(
                ReferenceStatistics(
                    features: ["amount": .numeric(values)], predictions: [:])), as: UTF8.self)
        let leaked = values.dropFirst().filter {
            encoded.contains(String($0)) && $0 != reference.minimum && $0 != reference.maximum
        }
        #expect(leaked.isEmpty, "\(leaked.count) training values appear in the encoded reference")
        // The pseudo-sample follows the column: its median and quartiles match within a sketch step.
        let pseudo = reference.pseudoSample(limit: 2000)
        #expect(pseudo.count == 600)
        let sorted = values.sorted()
        for level in [0.25, 0.5, 0.75] {
            let index = Int(level * 599)
            #expect(abs(pseudo[index] - sorted[index]) < 0.05, "level \(level)")
        }
        // A column with few distinct values keeps exact value counts.
        let ratings = NumericColumnReference((0..<90).map { Double($0 % 3) })
        #expect(ratings.distinctValues == [0, 1, 2] && ratings.distinctCounts == [30, 30, 30])
        #expect(ratings.pseudoSample(limit: 2000) == (0..<90).map { Double($0 / 30) })
        // A bundle written before sketches (raw sample, no sketch fields) still reads and rebuilds its detector.
        let old =
            #"{"count":3,"missingCount":0,"mean":2,"standardDeviation":0.8,"minimum":1,"maximum":3,"#
            + #""quantiles":[],"quantileLevels":[],"sample":[1,2,3]}"#
        let decoded = try JSONDecoder().decode(NumericColumnReference.self, from: Data(old.utf8))
        #expect(decoded.pseudoSample(limit: 2000) == [1, 2, 3] && decoded.sketch.isEmpty)
    }

    @Test func categoricalCountsScaleDownButKeepEveryCategory() {
        let values = [String](repeating: "a", count: 9000) + [String](repeating: "b", count: 990) + ["c"] + ["", ""]
        let reference = CategoricalColumnReference(values)
        #expect(reference.frequencies == ["a": 9000, "b": 990, "c": 1] && reference.missingCount == 2)
        let expanded = reference.expanded(limit: 2000)
        #expect(expanded.count == 2000)
        let counts = Dictionary(expanded.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(counts["c"] == 1)
        #expect(abs(Double(counts["a"]!) - 9000 * 2000 / 9991) <= 1)
        #expect(CategoricalColumnReference(["x", "y", "x"]).expanded(limit: 2000) == ["x", "x", "y"])
    }

    @Test func aDetectorRebuiltFromTheBundleChoosesTheSameTestsAndFindsTheDrift() throws {
        for rows in [800, 5000] {
            let training: [String: DriftColumn] = [
                "amount": .numeric(normals(rows, seed: 2)),
                "purpose": .categorical((0..<rows).map { ["car", "house", "tv"][$0 % 3] }),
            ]
            let statistics = ReferenceStatistics(features: training, predictions: [:])
            let encoded = try JSONEncoder().encode(statistics)
            let decoded = try JSONDecoder().decode(ReferenceStatistics.self, from: encoded)
            #expect(decoded == statistics)
            let rebuilt = try decoded.featureDriftDetector()
            let full = try DriftDetector(reference: training)
            let same: [String: DriftColumn] = [
                "amount": .numeric(normals(500, seed: 3)),
                "purpose": .categorical((0..<500).map { ["car", "house", "tv"][$0 % 3] }),
            ]
            let shifted: [String: DriftColumn] = [
                "amount": .numeric(normals(500, mean: 0.6, seed: 4)), "purpose": same["purpose"]!,
            ]
            for current in [same, shifted] {
                let expected = try full.detect(current: current)
                let actual = try rebuilt.detect(current: current)
                #expect(actual.columns.map(\.method) == expected.columns.map(\.method), "\(rows) rows")
                #expect(actual.columns.map(\.drifted) == expected.columns.map(\.drifted), "\(rows) rows")
            }
            #expect(try rebuilt.detect(current: shifted)["amount"]?.drifted == true)
            #expect(try rebuilt.detect(current: same)["amount"]?.drifted == false)
            // A 500-row window is below the default 2,000-row minimum of the distances, so both references use
            // the test on it; a 2,000-row window against the large reference uses the distance.
            #expect(try rebuilt.detect(current: same)["amount"]?.method == .kolmogorovSmirnov)
            let large: [String: DriftColumn] = [
                "amount": .numeric(normals(2000, seed: 5)),
                "purpose": .categorical((0..<2000).map { ["car", "house", "tv"][$0 % 3] }),
            ]
            let method = try rebuilt.detect(current: large)["amount"]?.method
            #expect(method == (rows <= 1000 ? .kolmogorovSmirnov : .normalizedWasserstein))
        }
    }

    @Test func liveRecordsAndPredictionsBecomeTheSameColumnsAsTheTrainingData() throws {
        let (model, pipeline, schema, table) = try BundleFixtures.tabularParts()
        let predictor = try Predictor(model: model, pipeline: pipeline, schema: schema, version: "v")
        let statistics = try ReferenceStatistics(training: table, predictor: predictor)
        #expect(Set(statistics.features.keys) == ["age", "income", "purpose", "owns_home"])
        #expect(Set(statistics.predictions.keys) == ["predicted_label", "confidence"])
        guard case .categorical(let owners) = statistics.features["owns_home"],
            case .numeric(let incomes) = statistics.features["income"]
        else {
            Issue.record("owns_home should be categorical and income numeric")
            return
        }
        #expect(Set(owners.frequencies.keys) == ["true", "false"])
        #expect(incomes.missingCount == table.rowCount - incomes.count && incomes.missingCount > 0)
        let records = [BundleFixtures.record(owns: true), BundleFixtures.record(income: nil, owns: false)]
        let live = ReferenceStatistics.featureColumns(of: records, fields: schema.input.fields)
        #expect(live["owns_home"] == .categorical(["true", "false"]))
        guard case .numeric(let liveIncome) = live["income"] else {
            Issue.record("the live income column should be numeric, got \(String(describing: live["income"]))")
            return
        }
        #expect(liveIncome[0] == 55 && liveIncome[1].isNaN)
        let predictions = try records.map { try predictor.predict(record: $0) }
        let columns = ReferenceStatistics.predictionColumns(of: predictions, schema: schema.output)
        #expect(columns["predicted_label"] == .categorical(predictions.map { $0.label! }))
        _ = try statistics.predictionDriftDetector().detect(current: columns)
    }
}
