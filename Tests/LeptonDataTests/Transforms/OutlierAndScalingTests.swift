import Foundation
import Testing

@testable import LeptonData

@Suite("Outliers and scalers against NumPy and scikit-learn")
struct OutlierAndScalingTests {
    private let credit = TransformFixture.credit
    private let truth = TransformFixture.expected

    @Test("quantile and IQR bounds match numpy.quantile; clipping clamps to them")
    func bounds() throws {
        let quantile = try Outliers(.quantiles(lower: 0.05, upper: 0.95), columns: TransformFixture.numeric).fit(
            on: credit)
        let iqr = try Outliers(.iqr(factor: 2), columns: TransformFixture.numeric).fit(on: credit)
        for (fitted, key) in [(quantile, "quantile"), (iqr, "iqr")] {
            for limit in fitted.limits {
                let expected = truth["outliers"][key][limit.column].doubles
                #expect(
                    close(limit.lower, expected[0], tolerance: 1e-12)
                        && close(limit.upper, expected[1], tolerance: 1e-12))
            }
            let clipped = try fitted.apply(to: credit)
            for limit in fitted.limits {
                let before = try credit.numbers(limit.column).map { $0! }
                let after = try clipped.numbers(limit.column).map { $0! }
                #expect(zip(before, after).allSatisfy { $1 == min(max($0, limit.lower), limit.upper) })
            }
        }
    }

    @Test("dropping keeps exactly the rows inside the IQR fences")
    func drop() throws {
        let fitted = try Outliers(.iqr(factor: 2), columns: TransformFixture.numeric, action: .drop).fit(on: credit)
        let kept = truth["outliers"]["iqr_kept_rows"].ints
        #expect(try fitted.keptRows(in: credit) == kept)
        let dropped = try fitted.dropping(from: credit)
        #expect(dropped.rowCount == kept.count)
        #expect(try dropped.numbers("credit_amount") == kept.map { try credit.numbers("credit_amount")[$0] })
        // Applying (scoring) never drops: every applicant gets a row (issue 17).
        #expect(try fitted.apply(to: credit) == credit)
    }

    @Test("standard, min-max (to -1...1) and robust scaling match scikit-learn on iris")
    func scalers() throws {
        let iris = TransformFixture.iris
        let columns = TransformFixture.irisFeatures
        let cases: [(any TableTransform, String)] = [
            (StandardScale(columns: columns), "standard"),
            (MinMaxScale(columns: columns, range: -1...1), "minmax_minus1_1"),
            (RobustScale(columns: columns), "robust"),
            (RobustScale(columns: columns, quantiles: 0.1...0.9), "robust_10_90"),
        ]
        for (transform, key) in cases {
            let scaled = try transform.fit(on: iris).apply(to: iris)
            #expect(
                matricesClose(try rowsOf(scaled, columns), truth["scaling"][key].matrix, tolerance: 1e-12), "\(key)")
            #expect(scaled["target"] == iris["target"])
        }
    }

    @Test("constant columns get scale 1; missing cells stay missing and are ignored in fit")
    func edgeCases() throws {
        let table = try Table(columns: [
            Column(name: "c", data: .numeric([0.1, 0.1, 0.1])), Column(name: "m", data: .numeric([1, nil, 3])),
        ])
        for transform in try [
            StandardScale(columns: ["c", "m"]).fit(on: table), RobustScale(columns: ["c", "m"]).fit(on: table),
        ] {
            #expect(transform.entries[0].scale == 1)
        }
        let standard = try StandardScale(columns: ["c", "m"]).fit(on: table)
        #expect(try standard.apply(to: table).numbers("m") == [-1, nil, 1])
        // The mean of three 0.1s is 0.1 only to rounding; with scale 1 the result stays at that rounding level.
        #expect(try standard.apply(to: table).numbers("c").allSatisfy { abs($0!) < 1e-15 })
        #expect(
            try MinMaxScale(columns: ["c"], range: 2...3).fit(on: table).apply(to: table).numbers("c") == [2, 2, 2])
        let infinite = try Table(columns: [Column(name: "x", data: .numeric([1, .infinity]))])
        #expect(throws: TransformError.nonFiniteValue(column: "x", row: 1, value: .infinity)) {
            try StandardScale(columns: ["x"]).fit(on: infinite)
        }
        #expect(throws: TableError.wrongColumnType(column: "purpose", expected: .numeric, actual: .categorical)) {
            try StandardScale(columns: ["purpose"]).fit(on: credit)
        }
    }
}
