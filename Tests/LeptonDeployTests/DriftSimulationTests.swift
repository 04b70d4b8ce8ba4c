import Foundation
import LeptonDeploy
import Testing

/// False alarms and power of the drift detector with its default settings, by simulation.
@Suite struct DriftSimulationTests {
    /// 15 numeric columns (normal, with different means and spreads) and 5 categorical ones.
    static func table(rows: Int, random: inout TestRandom, shiftedColumn: String? = nil) -> [String: DriftColumn] {
        var columns: [String: DriftColumn] = [:]
        for index in 0..<15 {
            let name = "x\(index)"
            let mean = Double(index)
            let deviation = 1 + Double(index % 4)
            let shift = name == shiftedColumn ? 0.5 * deviation : 0
            columns[name] = .numeric((0..<rows).map { _ in random.normal(mean: mean + shift, deviation: deviation) })
        }
        for index in 0..<5 {
            columns["c\(index)"] = .categorical(
                (0..<rows).map { _ in random.category(["a", "b", "c", "d"], weights: [4, 3, 2, 1]) })
        }
        return columns
    }

    @Test(
        "200 undrifted windows of 100 and 1,000 rows raise an alarm in at most 5% of them",
        arguments: [1000, 5000])
    func falseAlarmRate(referenceRows: Int) async throws {
        let alarmsByWindow = try await offPool {
            var random = TestRandom(seed: UInt64(referenceRows))
            let detector = try DriftDetector(reference: Self.table(rows: referenceRows, random: &random))
            return try [100, 1000].map { window in
                var alarms = 0
                for _ in 0..<200
                where try detector.detect(current: Self.table(rows: window, random: &random))
                    .driftedColumnCount >= 1
                {
                    alarms += 1
                }
                return alarms
            }
        }
        for (window, alarms) in zip([100, 1000], alarmsByWindow) {
            #expect(alarms <= 10, "reference \(referenceRows), window \(window): \(alarms) alarms in 200")
        }
    }

    @Test(
        "a 0.5-standard-deviation shift of one column is detected within 2 windows of 1,000 rows",
        arguments: [1000, 5000])
    func shiftIsDetected(referenceRows: Int) async throws {
        let missed = try await offPool {
            var random = TestRandom(seed: 77 + UInt64(referenceRows))
            let detector = try DriftDetector(reference: Self.table(rows: referenceRows, random: &random))
            var missed: [Int] = []
            for trial in 0..<20 {
                var detected = false
                for _ in 0..<2 where !detected {
                    let current = Self.table(rows: 1000, random: &random, shiftedColumn: "x6")
                    detected = try detector.detect(current: current)["x6"]?.drifted == true
                }
                if !detected { missed.append(trial) }
            }
            return missed
        }
        #expect(missed.isEmpty, "missed in trials \(missed), reference \(referenceRows)")
    }

    @Test("without correction 20 tests alarm far more often: the default correction is what keeps the rate")
    func uncorrectedTestsAlarmOften() async throws {
        let alarms = try await offPool {
            var random = TestRandom(seed: 5)
            var configuration = DriftDetectorConfiguration()
            configuration.multipleTesting = .none
            configuration.pValueThreshold = 0.05
            let detector = try DriftDetector(
                reference: Self.table(rows: 1000, random: &random), configuration: configuration)
            var alarms = 0
            for _ in 0..<200
            where try detector.detect(current: Self.table(rows: 1000, random: &random)).driftedColumnCount >= 1 {
                alarms += 1
            }
            return alarms
        }
        // 1 − 0.95^20 ≈ 0.64 of windows (chi-square and KS are slightly conservative): far above 5%.
        #expect(alarms > 40, "\(alarms) alarms in 200")
    }

    @Test("Benjamini–Hochberg rejects the tests up to the largest rank under the step-up line")
    func benjaminiHochberg() throws {
        var random = TestRandom(seed: 9)
        var configuration = DriftDetectorConfiguration()
        configuration.multipleTesting = .benjaminiHochberg
        let reference = Self.table(rows: 1000, random: &random)
        let detector = try DriftDetector(reference: reference, configuration: configuration)
        var current = Self.table(rows: 1000, random: &random, shiftedColumn: "x3")
        if case .numeric(let values)? = current["x5"] { current["x5"] = .numeric(values.map { $0 + 0.4 * 2 }) }
        let report = try detector.detect(current: current)
        // Hand check of the step-up rule on the reported p-values.
        let pValues = report.columns.map(\.statistic).sorted()
        let k = Double(pValues.count)
        let largest = pValues.indices.last { pValues[$0] <= Double($0 + 1) * 0.01 / k }.map { $0 + 1 } ?? 0
        #expect(report.driftedColumnCount == largest)
        #expect(report["x3"]?.drifted == true && report["x5"]?.drifted == true)
        #expect(report.columns.allSatisfy { $0.threshold == Double(largest) * 0.01 / k })
    }

    @Test("missing categorical values are not a new category")
    func missingCategoriesAreNotDrift() throws {
        var random = TestRandom(seed: 21)
        let categories = ["a", "b", "c"]
        let reference = (0..<1000).map { _ in random.category(categories, weights: [5, 3, 2]) }
        var current = (0..<200).map { _ in random.category(categories, weights: [5, 3, 2]) }
        for row in stride(from: 0, to: 200, by: 40) { current[row] = "" }  // 5 missing values, as live records give
        let detector = try DriftDetector(reference: ["segment": .categorical(reference)])
        let report = try detector.detect(current: ["segment": .categorical(current)])
        let result = try #require(report["segment"])
        #expect(result.currentCount == 195)
        // The same window without its missing rows gives the same p-value.
        let clean = try detector.detect(current: ["segment": .categorical(current.filter { !$0.isEmpty })])
        #expect(result.statistic == clean["segment"]?.statistic)
    }
}
