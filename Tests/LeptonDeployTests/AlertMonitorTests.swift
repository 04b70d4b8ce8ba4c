import Foundation
import Testing

@testable import LeptonDeploy

@Suite struct AlertMonitorTests {
    @Test func alertsFireAfterNBreachesAndClearAfterMHealthyWindows() throws {
        let rule = AlertRule(
            id: "p99", signal: .p99Latency, condition: .above(0.1), breachesToFire: 3, healthyToClear: 2)
        var monitor = try AlertMonitor(rules: [rule])
        let values = [0.2, 0.2, 0.05, 0.2, 0.2, 0.2, 0.2, 0.05, 0.2, 0.05, 0.05, 0.2]
        var fired: [Int] = []
        var cleared: [Int] = []
        for (window, value) in values.enumerated() {
            for event in monitor.observe([.p99Latency: value], at: Date(timeIntervalSince1970: Double(window))) {
                (event.kind == .fired ? { fired.append(window) } : { cleared.append(window) })()
            }
        }
        // Breaches at 0,1 are reset by 2; 3,4,5 fire at 5; 6 breaches; 7 healthy, 8 resets; 9,10 clear at 10.
        #expect(fired == [5])
        #expect(cleared == [10])
        #expect(monitor.history.map(\.id) == ["p99#1", "p99#1"])
        #expect(monitor.history.map(\.value) == [0.2, 0.05])
        #expect(!monitor.isFiring("p99"))
    }

    @Test func windowsWithoutAValueChangeNothingAndIdsCountFirings() throws {
        var monitor = try AlertMonitor(rules: [
            AlertRule(id: "share", signal: .driftShare, condition: .atLeast(0.5), breachesToFire: 1, healthyToClear: 1),
            AlertRule(id: "acc", signal: .realisedMetric("accuracy"), condition: .below(0.8), breachesToFire: 2),
        ])
        let date = Date(timeIntervalSince1970: 0)
        #expect(monitor.observe([.driftShare: 0.5], at: date).map(\.id) == ["share#1"])
        #expect(monitor.observe([:], at: date).isEmpty)
        #expect(monitor.observe([.driftShare: .nan], at: date).isEmpty)
        #expect(monitor.firingRuleIds == ["share"])
        #expect(monitor.observe([.driftShare: 0.1], at: date).map(\.kind) == [.cleared])
        #expect(
            monitor.observe([.driftShare: 0.9, .realisedMetric("accuracy"): 0.7], at: date).map(\.id) == ["share#2"])
        #expect(monitor.observe([.realisedMetric("accuracy"): 0.7], at: date).map(\.id) == ["acc#1"])
        #expect(monitor.firingRuleIds == ["share", "acc"])
    }

    @Test func badRulesAreTypedErrors() {
        let rule = AlertRule(id: "x", signal: .errorRate, condition: .above(0.1))
        #expect(throws: AlertError.duplicateRuleId("x")) { try AlertMonitor(rules: [rule, rule]) }
        var broken = rule
        broken.breachesToFire = 0
        #expect(throws: AlertError.self) { try AlertMonitor(rules: [broken]) }
    }
}
