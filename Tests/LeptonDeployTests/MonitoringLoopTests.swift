import Foundation
import LeptonData
import Testing

@testable import LeptonDeploy

/// Drift injected into logged traffic is caught in the first drifted window; undrifted replays rarely alarm.
@Suite struct MonitoringLoopTests {
    static let categories = ["web", "app", "branch"]

    /// One window of traffic: three numeric features and a categorical one; `shift` moves `balance` by that many
    /// standard deviations.
    static func traffic(rows: Int, random: inout TestRandom, shift: Double = 0) -> [[String: FeatureValue]] {
        (0..<rows).map { _ in
            [
                "age": .number(random.normal(mean: 40, deviation: 12)),
                "balance": .number(random.normal(mean: 5 + 2 * shift, deviation: 2)),
                "score": .number(random.normal(mean: -1, deviation: 0.5)),
                "channel": .string(random.category(categories, weights: [5, 3, 2])),
            ]
        }
    }

    /// The same traffic as ``traffic(rows:random:shift:)``, drawn straight into columns (faster for many replays).
    static func trafficColumns(rows: Int, random: inout TestRandom, shift: Double = 0) -> [String: DriftColumn] {
        var age: [Double] = []
        var balance: [Double] = []
        var score: [Double] = []
        var channel: [String] = []
        for _ in 0..<rows {
            age.append(random.normal(mean: 40, deviation: 12))
            balance.append(random.normal(mean: 5 + 2 * shift, deviation: 2))
            score.append(random.normal(mean: -1, deviation: 0.5))
            channel.append(random.category(categories, weights: [5, 3, 2]))
        }
        return [
            "age": .numeric(age), "balance": .numeric(balance), "score": .numeric(score),
            "channel": .categorical(channel),
        ]
    }

    static func columns(_ rows: [[String: FeatureValue]]) -> [String: DriftColumn] {
        PredictionRecord.featureColumns(
            of: rows.enumerated().map {
                PredictionRecord(
                    requestId: "\($0.offset)", modelVersion: "v1", features: $0.element, prediction: [0],
                    latencySeconds: 0)
            })
    }

    /// One alert per column: fire on the first drifted window, clear after two healthy ones.
    static func rules(for columns: [String]) -> [AlertRule] {
        columns.map {
            AlertRule(
                id: "drift-\($0)", signal: .columnDrifted($0), condition: .atLeast(1), breachesToFire: 1,
                healthyToClear: 2)
        }
    }

    /// Evidently's large-reference defaults (normed Wasserstein 0.1, Jensen–Shannon 0.1) are distances, not tests:
    /// their null noise shrinks with the window size. With 500-row windows a 0.1 normed Wasserstein is crossed by
    /// chance in roughly 5–9% of undrifted column windows; with 2,000-row windows against a 5,000-row reference it
    /// practically never is, so the monitoring windows here hold 2,000 requests.
    static let windowRows = 2000

    @Test func driftOnOneFeatureIsDetectedWithinOneWindowAndClearsWithHysteresis() throws {
        var random = TestRandom(seed: 42)
        let detector = try DriftDetector(reference: Self.trafficColumns(rows: 5000, random: &random))
        var monitor = try AlertMonitor(rules: Self.rules(for: ["age", "balance", "channel", "score"]))
        let log = try PredictionLog()
        let start = Date(timeIntervalSince1970: 1_750_000_000)
        let shifts = [0, 0, 0.5, 0.5, 0, 0]  // drift of half a standard deviation in windows 2 and 3
        var firedAt: [String: Int] = [:]
        var clearedAt: [String: Int] = [:]
        for (window, shift) in shifts.enumerated() {
            for (row, features) in Self.traffic(rows: Self.windowRows, random: &random, shift: shift).enumerated() {
                try log.append(
                    PredictionRecord(
                        requestId: "w\(window)-\(row)",
                        timestamp: start.addingTimeInterval(Double(window * 60) + Double(row) * 0.01),
                        modelVersion: "v1", features: features, prediction: [0.5], latencySeconds: 0.001))
            }
            let interval = DateInterval(start: start.addingTimeInterval(Double(window * 60)), duration: 60)
            let windowRecords = log.records(in: interval)
            #expect(windowRecords.count == Self.windowRows)
            let report = try detector.detect(current: PredictionRecord.featureColumns(of: windowRecords))
            for event in monitor.observe(report.signals, at: interval.end) {
                if event.kind == .fired { firedAt[event.ruleId] = window } else { clearedAt[event.ruleId] = window }
            }
        }
        #expect(firedAt == ["drift-balance": 2], "only balance may alarm, in the first drifted window")
        #expect(clearedAt == ["drift-balance": 5], "it clears after two healthy windows")
        #expect(monitor.history.first?.id == "drift-balance#1")
    }

    @Test func undriftedReplaysRarelyRaiseAFalseAlarm() throws {
        var referenceRandom = TestRandom(seed: 7)
        let detector = try DriftDetector(reference: Self.trafficColumns(rows: 5000, random: &referenceRandom))
        var replaysWithAlarm = 0
        for seed in UInt64(1000)..<1100 {
            var random = TestRandom(seed: seed)
            var monitor = try AlertMonitor(rules: Self.rules(for: ["age", "balance", "channel", "score"]))
            for window in 0..<2 {
                let report = try detector.detect(current: Self.trafficColumns(rows: Self.windowRows, random: &random))
                monitor.observe(report.signals, at: Date(timeIntervalSince1970: Double(window)))
            }
            if !monitor.history.isEmpty { replaysWithAlarm += 1 }
        }
        #expect(replaysWithAlarm <= 5, "\(replaysWithAlarm) of 100 undrifted replays raised an alarm")
    }

    @Test func smallReferenceTestsFlagAboutFivePercentOfUndriftedColumnsAndCatchInjectedDrift() throws {
        var referenceRandom = TestRandom(seed: 8)
        // The raw per-column tests at 0.05, without the default multiple-testing correction.
        var configuration = DriftDetectorConfiguration()
        configuration.pValueThreshold = 0.05
        configuration.multipleTesting = .none
        let detector = try DriftDetector(
            reference: Self.trafficColumns(rows: 800, random: &referenceRandom), configuration: configuration)
        var flagged = 0
        var tests = 0
        var caught = 0
        for seed in UInt64(2000)..<2100 {
            var random = TestRandom(seed: seed)
            let report = try detector.detect(current: Self.trafficColumns(rows: 300, random: &random))
            flagged += report.driftedColumnCount
            tests += report.columns.count
            let drifted = try detector.detect(current: Self.trafficColumns(rows: 300, random: &random, shift: 0.5))
            if drifted["balance"]?.drifted == true { caught += 1 }
        }
        let rate = Double(flagged) / Double(tests)
        // With p < 0.05 the expected rate is 5%; over 400 tests 2%…9% lies within three standard deviations.
        #expect(rate >= 0.02 && rate <= 0.09, "false positive rate \(rate) over \(tests) column tests")
        #expect(caught == 100, "KS caught the 0.5 σ shift in \(caught) of 100 windows")
    }
}
