import Foundation
import Testing

@testable import LeptonData

@Suite("Discretize against KBinsDiscretizer; weight of evidence against the formulas in Python")
struct BinningTests {
    private let credit = TransformFixture.credit
    private let truth = TransformFixture.expected

    @Test("quantile and uniform cut points and bin indices match KBinsDiscretizer(quantile_method='linear')")
    func discretize() throws {
        for strategy in [BinningStrategy.quantile, .uniform] {
            let expected = truth["discretize"][strategy.rawValue]
            let fitted = try Discretize(columns: TransformFixture.numeric, bins: 5, strategy: strategy).fit(on: credit)
            for (entry, cuts) in zip(fitted.entries, expected["cuts"].matrix) {
                #expect(matricesClose([entry.cuts], [cuts], tolerance: 1e-12), "\(strategy) \(entry.column)")
            }
            #expect(try rowsOf(fitted.apply(to: credit), TransformFixture.numeric) == expected["transformed"].matrix)
        }
        let constant = try Table(columns: [Column(name: "k", data: .numeric([3, 3, nil]))])
        #expect(try Discretize(columns: ["k"]).fit(on: constant).apply(to: constant).numbers("k") == [0, 0, nil])
    }

    /// Checks bins against the Python report: counts exactly, WoE and IV to rounding.
    private func expectBins(_ column: WoEColumn, _ expected: JSON, sourceLocation: SourceLocation = #_sourceLocation) {
        let bins = expected["bins"].array
        let actual = column.bins + (column.missingBin.map { [$0] } ?? [])
        #expect(actual.count == bins.count, sourceLocation: sourceLocation)
        for (bin, truth) in zip(actual, bins) {
            #expect(bin.goods == truth["goods"].int && bin.bads == truth["bads"].int, sourceLocation: sourceLocation)
            #expect(close(bin.woe, truth["woe"].double, tolerance: 1e-12), sourceLocation: sourceLocation)
            #expect(close(bin.informationValue, truth["iv"].double, tolerance: 1e-12), sourceLocation: sourceLocation)
        }
        #expect(close(column.informationValue, expected["iv"].double, tolerance: 1e-12), sourceLocation: sourceLocation)
    }

    @Test("categorical columns: one bin per category, WoE = ln(%good/%bad), IV = Σ(%good−%bad)·WoE")
    func categoricalWoE() throws {
        let fitted = try WeightOfEvidence(
            columns: TransformFixture.categorical, target: "creditability", minimumCategoryShare: 0
        ).fit(
            on: credit)
        for entry in fitted.entries {
            let expected = truth["woe"]["categorical"][entry.column]
            #expect(entry.categories == expected["bins"].array.map { $0["label"].string })
            expectBins(entry, expected)
            #expect(fitted.informationValues[entry.column] == entry.informationValue)
        }
        // Applying replaces each category by its bin's WoE.
        let encoded = try fitted.apply(to: credit)
        let purposes = try credit.strings("purpose")
        let woeOf = Dictionary(
            uniqueKeysWithValues: zip(fitted.entries[0].categories!, fitted.entries[0].bins.map(\.woe)))
        #expect(try encoded.numbers("purpose") == purposes.map { woeOf[$0!] })
    }

    @Test("numeric columns with quantile bins match the hand computation")
    func quantileWoE() throws {
        let fitted = try WeightOfEvidence(
            columns: TransformFixture.numeric, target: "creditability", binning: .quantile(bins: 5)
        )
        .fit(on: credit)
        for entry in fitted.entries {
            let expected = truth["woe"]["quantile"][entry.column]
            #expect(matricesClose([entry.cuts!], [expected["cuts"].doubles], tolerance: 1e-12))
            expectBins(entry, expected)
        }
    }

    @Test("supervised binning gives the cut points of an independent Python implementation of the documented algorithm")
    func optimalWoE() throws {
        let fitted = try WeightOfEvidence(columns: TransformFixture.numeric, target: "creditability").fit(on: credit)
        for entry in fitted.entries {
            let expected = truth["woe"]["optimal"][entry.column]
            #expect(matricesClose([entry.cuts!], [expected["cuts"].doubles], tolerance: 1e-12), "\(entry.column)")
            expectBins(entry, expected)
            // The documented constraints hold: at most 6 bins, each ≥ 5 % of rows, strictly monotonic event rate.
            #expect(entry.bins.count <= 6 && entry.bins.allSatisfy { $0.count >= 50 })
            let rates = entry.bins.map(\.eventRate)
            let increasing = zip(rates, rates.dropFirst()).allSatisfy { $0 < $1 }
            let decreasing = zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 }
            #expect(increasing || decreasing)
        }
        let unconstrained = try WeightOfEvidence(
            columns: ["duration_in_month"], target: "creditability",
            binning: .optimal(OptimalBinning(maximumBins: 20, minimumBinShare: 0, monotonic: false))
        ).fit(on: credit)
        #expect(unconstrained.entries[0].informationValue >= fitted.entries[0].informationValue)
    }

    @Test("missing cells get their own bin; a column with none gives neutral or an error by policy")
    func missingBin() throws {
        let table = TransformFixture.creditMissing
        let fitted = try WeightOfEvidence(
            columns: ["credit_amount", "age_in_years"], target: "creditability", binning: .quantile(bins: 4)
        )
        .fit(on: table)
        #expect(fitted.entries[0].missingBin?.label == "missing")
        #expect(matricesClose([fitted.entries[0].cuts!], [truth["woe"]["with_missing"]["cuts"].doubles]))
        expectBins(fitted.entries[0], truth["woe"]["with_missing"])
        let encoded = try fitted.apply(to: table)
        #expect(try encoded.numbers("credit_amount")[3] == fitted.entries[0].missingBin!.woe)
        // Fitted without missing cells, applied to a table with some.
        let clean = try WeightOfEvidence(
            columns: ["credit_amount"], target: "creditability", binning: .quantile(bins: 4)
        ).fit(on: credit)
        #expect(throws: TransformError.missingValue(column: "credit_amount", row: 3)) { try clean.apply(to: table) }
        let lenient = try WeightOfEvidence(
            columns: ["credit_amount"], target: "creditability", binning: .quantile(bins: 4), unknown: .ignore
        ).fit(on: credit)
        #expect(try lenient.apply(to: table).numbers("credit_amount")[3] == 0)
    }

    @Test("the target must be binary and contain the event; empty cells are smoothed to 0.5")
    func targetAndSmoothing() throws {
        #expect(
            throws: TransformError.targetNotBinary(column: "creditability", event: "default", found: ["bad", "good"])
        ) {
            try WeightOfEvidence(columns: ["purpose"], target: "creditability", event: "default").fit(on: credit)
        }
        #expect(throws: TransformError.self) {
            try WeightOfEvidence(columns: ["purpose"], target: "housing").fit(on: credit)
        }
        let table = try Table(columns: [
            Column(name: "x", data: .categorical(CategoricalValues(values: ["a", "a", "b", "b", "b"]))),
            Column(name: "y", data: .numeric([1, 1, 0, 0, 1])),
        ])
        let fitted = try WeightOfEvidence(columns: ["x"], target: "y", event: "1").fit(on: table)
        // a: 0 goods (smoothed to 0.5) of G = 2, 2 bads of B = 3;  b: 2 goods, 1 bad.
        let woeA = log((0.5 / 2) / (2.0 / 3))
        let woeB = log((2.0 / 2) / (1.0 / 3))
        #expect(close(fitted.entries[0].bins[0].woe, woeA) && close(fitted.entries[0].bins[1].woe, woeB))
        let iv = (0.5 / 2 - 2.0 / 3) * woeA + (2.0 / 2 - 1.0 / 3) * woeB
        #expect(close(fitted.entries[0].informationValue, iv))
        let unseen = try Table(columns: [Column(name: "x", data: .text(["c"]))])
        #expect(throws: TransformError.unseenCategory(column: "x", value: "c", row: 0)) { try fitted.apply(to: unseen) }
    }
}

@Suite("PolynomialFeatures against scikit-learn")
struct PolynomialFeatureTests {
    private let iris = TransformFixture.iris
    private let truth = TransformFixture.expected["polynomial"]

    /// scikit-learn's name (`a b`, `a^2`, `a^2 b`) in Lepton's form (`a*b`, `a^2`, `a^2*b`).
    private func leptonName(_ name: String) -> String { name.replacingOccurrences(of: " ", with: "*") }

    @Test("degree 2: values and names in scikit-learn's order, appended after the table")
    func degreeTwo() throws {
        let columns = TransformFixture.irisFeatures
        let fitted = try PolynomialFeatures(columns: columns).fit(on: iris)
        let names = truth["degree2_names"].strings.map(leptonName)
        #expect(fitted.outputColumns == names)
        #expect(names.contains("sepal_length_cm^2") && names.contains("sepal_length_cm*sepal_width_cm"))
        let expanded = try fitted.apply(to: iris)
        #expect(expanded.columnNames == iris.columnNames + names.dropFirst(4))
        #expect(matricesClose(try rowsOf(expanded, names), truth["degree2"].matrix, tolerance: 1e-14))
    }

    @Test("degree 3 with interactions only")
    func interactions() throws {
        let columns = Array(TransformFixture.irisFeatures.prefix(3))
        let fitted = try PolynomialFeatures(columns: columns, degree: 3, interactionOnly: true).fit(on: iris)
        let names = truth["degree3_interaction_names"].strings.map(leptonName)
        #expect(fitted.outputColumns == names)
        #expect(
            matricesClose(
                try rowsOf(fitted.apply(to: iris), names), truth["degree3_interaction"].matrix, tolerance: 1e-14))
        let cubic = try PolynomialFeatures(columns: ["a", "b"], degree: 3).fit(
            on: Table(columns: [
                Column(name: "a", data: .numeric([2])), Column(name: "b", data: .numeric([nil])),
            ]))
        #expect(cubic.outputColumns == ["a", "b", "a^2", "a*b", "b^2", "a^3", "a^2*b", "a*b^2", "b^3"])
        let applied = try cubic.apply(
            to: Table(columns: [Column(name: "a", data: .numeric([2])), Column(name: "b", data: .numeric([nil]))]))
        #expect(try applied.numbers("a^3") == [8] && applied.numbers("a*b") == [nil])
    }
}
