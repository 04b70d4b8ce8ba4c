import LeptonData
import Testing

/// Invalid transform settings are user input: fitting throws a typed error instead of trapping (issue 17).
@Suite("Invalid transform settings throw at fit")
struct SettingErrorTests {
    private let table = try! Table(columns: [
        Column(name: "x", data: .numeric([1, 2, 3, 4])), Column(name: "y", data: .numeric([0, 1, 0, 1])),
    ])

    @Test("bins, degree, ranges, quantiles, fences and binning settings out of range")
    func settings() throws {
        #expect(throws: TransformError.invalidSetting(name: "bins", value: "0", requirement: "must be >= 1")) {
            try Discretize(columns: ["x"], bins: 0).fit(on: table)
        }
        #expect(throws: TransformError.invalidSetting(name: "degree", value: "0", requirement: "must be >= 1")) {
            try PolynomialFeatures(columns: ["x"], degree: 0).fit(on: table)
        }
        #expect(throws: TransformError.self) { try MinMaxScale(columns: ["x"], range: 1...1).fit(on: table) }
        #expect(throws: TransformError.self) { try RobustScale(columns: ["x"], quantiles: 0.5...2).fit(on: table) }
        #expect(throws: TransformError.self) { try Outliers(.iqr(factor: -1), columns: ["x"]).fit(on: table) }
        #expect(throws: TransformError.self) {
            try WeightOfEvidence(
                columns: ["x"], target: "y", event: "1", binning: .optimal(OptimalBinning(maximumBins: 0))
            ).fit(on: table)
        }
        #expect(throws: TransformError.self) {
            try FeatureHashing(column: "x", features: 0).fit(on: table)
        }
    }
}
