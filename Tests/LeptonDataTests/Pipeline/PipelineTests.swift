import Foundation
import LeptonTensor
import Testing

@testable import LeptonData

@Suite("Pipeline: composition, feature names, scikit-learn's ColumnTransformer, Codable round trip, errors")
struct PipelineTests {
    private let table = TransformFixture.creditMissing
    private let numeric = TransformFixture.numeric
    private let categorical = TransformFixture.categorical

    private var pipeline: Pipeline {
        Pipeline {
            Impute(.median, columns: numeric, indicators: true)
            Impute(.mostFrequent, columns: categorical)
            OneHot(columns: categorical, unknown: .ignore)
            StandardScale(columns: numeric)
        }
    }

    @Test("features of rows 800..<1000 match a ColumnTransformer fitted on rows 0..<800, name by name")
    func matchesColumnTransformer() throws {
        let fitted = try pipeline.fit(on: table.rows(Array(0..<800)))
        let (matrix, names) = try fitted.features(from: table.rows(Array(800..<1000)))
        let truth = TransformFixture.expected["pipeline"]
        let expectedNames = truth["names"].strings
        #expect(Set(names) == Set(expectedNames) && names.count == expectedNames.count)
        #expect(matrix.shape == [200, names.count])
        let scalars = matrix.scalars
        for (column, name) in expectedNames.enumerated() {
            guard let feature = names.firstIndex(of: name) else { continue }
            let values = (0..<200).map { Double(scalars[$0 * names.count + feature]) }
            let expected = truth["test"].matrix.map { $0[column] }
            #expect(zip(values, expected).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(name)")
        }
        // Lepton's order: each indicator right after its column, one-hot columns in place of the category.
        #expect(Array(names.prefix(2)) == ["duration_in_month", "duration_in_month_missing"])
        #expect(!names.contains("creditability") && !names.contains("job"))
    }

    @Test("a fitted pipeline encodes to JSON and decodes to an equal pipeline with identical features")
    func codableRoundTrip() throws {
        let fitted = try Pipeline {
            Impute(.median, columns: numeric, indicators: true)
            Outliers(.iqr(factor: 1.5), columns: ["credit_amount"])
            WeightOfEvidence(columns: ["purpose", "age_in_years"], target: "creditability", unknown: .ignore)
            OneHot(columns: ["housing"], unknown: .useUnknown)
            OrdinalEncode(columns: ["credit_history"])
            Discretize(columns: ["duration_in_month"], bins: 4)
            PolynomialFeatures(columns: ["credit_amount", "credit_amount_missing"])
            MinMaxScale(columns: ["credit_amount"])
            RobustScale(columns: ["credit_amount^2"])
            Passthrough(columns: ["installment_rate_in_percentage_of_disposable_income"])
        }.fit(on: table)
        let data = try JSONEncoder().encode(fitted)
        let decoded = try JSONDecoder().decode(FittedPipeline.self, from: data)
        #expect(decoded == fitted)
        let (original, names) = try fitted.features(from: table)
        let (restored, restoredNames) = try decoded.features(from: table)
        #expect(names == restoredNames && original.scalars == restored.scalars && original.shape == restored.shape)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains(#""kind":"weightOfEvidence""#) && json.contains(#""formatVersion":1"#))
        // The unfitted pipeline is data too.
        let unfitted = pipeline
        #expect(try JSONDecoder().decode(Pipeline.self, from: JSONEncoder().encode(unfitted)) == unfitted)
    }

    /// A pipeline whose single step depends on a run-time condition.
    private func textPipeline(hashing: Bool) -> Pipeline {
        Pipeline {
            if hashing {
                FeatureHashing(column: "text", features: 8)
            } else {
                TFIDF(column: "text", limits: .init(maximumTerms: 8))
            }
        }
    }

    @Test("text steps and the result builder's if/else and for")
    func builderAndText() throws {
        let corpus = TransformFixture.corpusTrain
        for hashing in [true, false] {
            let built = textPipeline(hashing: hashing)
            #expect(built.steps.count == 1)
            if case .featureHashing = built.steps[0] { #expect(hashing) } else { #expect(!hashing) }
            let (matrix, names) = try built.fit(on: corpus).features(from: corpus)
            #expect(matrix.shape == [45, 8] && names.count == 8)
            #expect(names.allSatisfy { $0.hasPrefix(hashing ? "text#" : "text:") })
        }
        let scales = Pipeline {
            for column in ["a", "b"] { StandardScale(columns: [column]) }
        }
        #expect(
            scales.steps == [
                .standardScale(StandardScale(columns: ["a"])), .standardScale(StandardScale(columns: ["b"])),
            ])
    }

    @Test("errors name the column: unknown, wrong type, unencoded category, missing and NaN after transform")
    func errors() throws {
        #expect(throws: TableError.unknownColumn("agee", available: table.columnNames)) {
            try Pipeline { StandardScale(columns: ["agee"]) }.fit(on: table)
        }
        #expect(throws: TableError.wrongColumnType(column: "purpose", expected: .numeric, actual: .categorical)) {
            try Pipeline { StandardScale(columns: ["purpose"]) }.fit(on: table)
        }
        let unencoded = try Pipeline { Passthrough(columns: ["purpose"]) }.fit(on: table)
        #expect(
            throws: TransformError.unsupportedColumnType(
                column: "purpose", actual: .categorical, supported: [.numeric, .boolean])
        ) {
            try unencoded.features(from: table)
        }
        let unimputed = try Pipeline { StandardScale(columns: ["credit_amount"]) }.fit(on: table)
        #expect(throws: TransformError.missingValue(column: "credit_amount", row: 3)) {
            try unimputed.features(from: table)
        }
        let nan = try Table(columns: [Column(name: "x", data: .numeric([1, 2, .nan]))])
        let scaler = try Pipeline { Passthrough(columns: ["x"]) }.fit(on: nan.rows([0, 1]))
        let nanError = #expect(throws: TransformError.self) { try scaler.features(from: nan) }
        guard case .nonFiniteValue("x", 2, let value) = nanError else {
            Issue.record("expected nonFiniteValue for x, row 2; got \(String(describing: nanError))")
            return
        }
        #expect(value.isNaN)
        let huge = try Table(columns: [Column(name: "x", data: .numeric([1e300]))])
        #expect(throws: TransformError.nonFiniteValue(column: "x", row: 0, value: 1e300)) {
            try scaler.features(from: huge)
        }
        let dropped = try table.removing(["housing"])
        let fitted = try pipeline.fit(on: table)
        #expect(throws: TableError.self) { try fitted.features(from: dropped) }
    }

    @Test("decoding refuses a newer format version, unknown step kinds and inconsistent states")
    func decodingErrors() throws {
        let fitted = try Pipeline {
            WeightOfEvidence(columns: ["age_in_years"], target: "creditability", binning: .quantile(bins: 3))
        }.fit(on: TransformFixture.credit)
        #expect(fitted.informationValues.keys.sorted() == ["age_in_years"])
        var json = String(decoding: try JSONEncoder().encode(fitted), as: UTF8.self)
        let cuts = try #require(json.range(of: #""cuts":["#))
        json.insert(contentsOf: "1,", at: cuts.upperBound)  // one cut point more than bins
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FittedPipeline.self, from: Data(json.utf8)) }
        let newer = #"{"formatVersion": 2, "steps": [], "featureNames": []}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FittedPipeline.self, from: Data(newer.utf8)) }
        let unknown = #"{"formatVersion": 1, "steps": [{"kind": "magic", "state": {}}], "featureNames": []}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FittedPipeline.self, from: Data(unknown.utf8)) }
    }
}
