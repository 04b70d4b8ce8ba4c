import Foundation
import Testing

@testable import LeptonDeploy

@Suite struct DriftDetectorTests {
    static func sample(rows: Int, seed: UInt64, shift: Double = 0) -> [String: DriftColumn] {
        var random = TestRandom(seed: seed)
        let categories = ["a", "b", "c"]
        return [
            "amount": .numeric((0..<rows).map { _ in random.normal(mean: 10 + shift, deviation: 2) }),
            "segment": .categorical((0..<rows).map { _ in random.category(categories, weights: [5, 3, 2]) }),
            "rating": .numeric((0..<rows).map { _ in Double(Int(random.unit() * 3)) }),  // 0, 1 or 2
        ]
    }

    @Test func smallReferencesUseTestsAndLargeOnesUseDistancesAsEvidentlyDoes() throws {
        let small = try DriftDetector(reference: Self.sample(rows: 1000, seed: 1)).detect(
            current: Self.sample(rows: 300, seed: 2))
        // Three tests, Bonferroni-corrected by default: each at 0.01 / 3.
        #expect(small["amount"]?.method == .kolmogorovSmirnov && small["amount"]?.threshold == 0.01 / 3)
        #expect(small["segment"]?.method == .chiSquare && small["segment"]?.threshold == 0.01 / 3)
        #expect(small["rating"]?.method == .chiSquare && small["rating"]?.treatedAs == .categorical)
        // Distances need 2,000-row windows by default; below that the automatic choice falls back to the test.
        let large = try DriftDetector(reference: Self.sample(rows: 1001, seed: 1)).detect(
            current: Self.sample(rows: 2000, seed: 2))
        let largeSmallWindow = try DriftDetector(reference: Self.sample(rows: 1001, seed: 1)).detect(
            current: Self.sample(rows: 300, seed: 2))
        #expect(largeSmallWindow["amount"]?.method == .kolmogorovSmirnov)
        #expect(largeSmallWindow["segment"]?.method == .chiSquare)
        #expect(large["amount"]?.method == .normalizedWasserstein && large["amount"]?.threshold == 0.1)
        #expect(large["segment"]?.method == .jensenShannon && large["segment"]?.threshold == 0.1)
        #expect(large["rating"]?.method == .jensenShannon && large["rating"]?.treatedAs == .categorical)
    }

    @Test func reportedStatisticsAreTheDirectStatistics() throws {
        let reference = Self.sample(rows: 600, seed: 3)
        let current = Self.sample(rows: 250, seed: 4, shift: 0.6)
        let report = try DriftDetector(reference: reference).detect(current: current)
        guard case .numeric(let referenceAmount)? = reference["amount"],
            case .numeric(let currentAmount)? = current["amount"],
            case .categorical(let referenceSegment)? = reference["segment"],
            case .categorical(let currentSegment)? = current["segment"]
        else {
            Issue.record("unexpected columns")
            return
        }
        let ks = try DriftStatistics.kolmogorovSmirnov(reference: referenceAmount, current: currentAmount)
        #expect(report["amount"]?.statistic == ks.pValue && report["amount"]?.testStatistic == ks.statistic)
        #expect(report["amount"]?.drifted == (ks.pValue < 0.01 / 3))
        let chi = try DriftStatistics.chiSquareHomogeneity(reference: referenceSegment, current: currentSegment)
        #expect(report["segment"]?.statistic == chi.pValue && report["segment"]?.testStatistic == chi.statistic)
        #expect(report["amount"]?.drifted == true, "a shift of 0.3 standard deviations over 250 rows is visible")
        #expect(report.columns.map(\.column) == ["amount", "rating", "segment"])
        #expect(report.driftedColumnCount == report.columns.filter(\.drifted).count)
        #expect(report.driftShare == Double(report.driftedColumnCount) / 3)
        #expect(report.datasetDrift == (report.driftShare >= 0.5))
    }

    @Test func psiCanBeChosenForEveryColumnAndOverridesAreChecked() throws {
        var configuration = DriftDetectorConfiguration()
        configuration.methodForAllColumns = .populationStabilityIndex
        let reference = Self.sample(rows: 2000, seed: 5)
        let current = Self.sample(rows: 2000, seed: 6)
        let report = try DriftDetector(reference: reference, configuration: configuration).detect(current: current)
        #expect(report.columns.allSatisfy { $0.method == .populationStabilityIndex && $0.threshold == 0.1 })
        guard case .numeric(let r)? = reference["amount"], case .numeric(let c)? = current["amount"] else {
            Issue.record("amount should be a numeric column in both samples")
            return
        }
        #expect(report["amount"]?.statistic == (try DriftStatistics.populationStabilityIndex(reference: r, current: c)))
        configuration.methodOverrides = ["segment": .kolmogorovSmirnov]
        #expect(
            throws: DriftError.methodNotApplicable(column: "segment", method: .kolmogorovSmirnov, kind: .categorical)
        ) {
            try DriftDetector(reference: reference, configuration: configuration)
        }
    }

    @Test func badCurrentDataIsATypedError() throws {
        let detector = try DriftDetector(reference: Self.sample(rows: 100, seed: 7))
        var current = Self.sample(rows: 50, seed: 8)
        current["segment"] = nil
        #expect(throws: DriftError.missingColumn("segment")) { try detector.detect(current: current) }
        current["segment"] = .numeric([1, 2])
        #expect(throws: DriftError.columnKindMismatch(column: "segment", reference: .categorical, current: .numeric)) {
            try detector.detect(current: current)
        }
        current["segment"] = .categorical(Array(repeating: "a", count: 50))
        // One empty numeric column used to throw and discard the whole report; now it is skipped and listed.
        current["amount"] = .numeric([.nan, .nan])
        let report = try detector.detect(current: current)
        #expect(report.columns.map(\.column) == ["rating", "segment"])
        #expect(
            report.skippedColumns == [
                SkippedDriftColumn(column: "amount", method: .kolmogorovSmirnov, usableCount: 0, requiredCount: 50)
            ])
        #expect(report["segment"]?.drifted == true, "a window of only \"a\" is judged and drifts")
        #expect(throws: DriftError.emptySample(sample: "reference", column: "x")) {
            try DriftDetector(reference: ["x": .numeric([])])
        }
    }
}
