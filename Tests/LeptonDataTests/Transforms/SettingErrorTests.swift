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

/// Quantile bins that collapse on ties are reported (issue 17).
@Suite("Collapsed quantile bins")
struct CollapsedBinTests {
    @Test("four quantile bins of [1, 1, 1, 1, 2] collapse to one, as scikit-learn")
    func collapse() throws {
        // python3 -c "from sklearn.preprocessing import KBinsDiscretizer as K;
        //   k=K(n_bins=4,strategy='quantile',encode='ordinal',quantile_method='linear').fit([[1],[1],[1],[1],[2]]);
        //   print(k.n_bins_)"
        // → UserWarning: Bins whose width are too small (i.e., <= 1e-8) in feature 0 are removed.  [1]
        let table = try Table(columns: [
            Column(name: "x", data: .numeric([1, 1, 1, 1, 2])), Column(name: "z", data: .numeric([1, 2, 3, 4, 5])),
        ])
        let fitted = try Discretize(columns: ["x", "z"], bins: 4).fit(on: table)
        #expect(fitted.entries[0].cuts.isEmpty && fitted.entries[0].collapsed)
        #expect(!fitted.entries[1].collapsed)
        #expect(fitted.warnings.count == 1 && fitted.warnings[0].contains("\"x\""))
    }
}
