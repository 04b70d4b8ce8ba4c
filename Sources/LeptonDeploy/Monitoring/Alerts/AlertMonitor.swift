import Foundation

/// Evaluates alert rules window after window, with consecutive-breach firing and hysteresis, and keeps a history.
///
/// Per rule: while healthy, N consecutive breached windows fire the alert (a healthy window resets the count); while
/// firing, M consecutive healthy windows clear it (a breached window resets that count). A window without a value
/// for the rule's signal (or with NaN) changes nothing. A value type: keep it in your monitoring task or actor.
public struct AlertMonitor: Sendable {
    private struct RuleState: Sendable {
        var firing = false
        var streak = 0
        var firings = 0
    }

    /// The rules, in the order given.
    public let rules: [AlertRule]
    /// Every state change so far, oldest first.
    public private(set) var history: [AlertEvent] = []
    private var states: [String: RuleState]

    /// Creates a monitor.
    /// - Parameter rules: the rules; ids must be unique and window counts at least 1.
    /// - Throws: ``AlertError/duplicateRuleId(_:)`` or ``AlertError/invalidRule(id:reason:)``.
    public init(rules: [AlertRule]) throws(AlertError) {
        var states: [String: RuleState] = [:]
        for rule in rules {
            guard states[rule.id] == nil else { throw .duplicateRuleId(rule.id) }
            guard rule.breachesToFire >= 1, rule.healthyToClear >= 1 else {
                throw .invalidRule(id: rule.id, reason: "breachesToFire and healthyToClear must be at least 1")
            }
            states[rule.id] = RuleState()
        }
        self.rules = rules
        self.states = states
    }

    /// Feeds one window's values to every rule.
    /// - Parameters:
    ///   - values: the window's value of each signal (signals without a value are skipped).
    ///   - date: the end of the window.
    /// - Returns: the alerts that fired or cleared in this window, in rule order.
    @discardableResult
    public mutating func observe(_ values: [WatchedSignal: Double], at date: Date) -> [AlertEvent] {
        var events: [AlertEvent] = []
        for rule in rules {
            guard let value = values[rule.signal], !value.isNaN else { continue }
            var state = states[rule.id]!
            let breached = rule.condition.isBreached(by: value)
            if state.firing {
                state.streak = breached ? 0 : state.streak + 1
                if state.streak >= rule.healthyToClear {
                    state.firing = false
                    state.streak = 0
                    events.append(event(rule, .cleared, "\(rule.id)#\(state.firings)", date, value))
                }
            } else {
                state.streak = breached ? state.streak + 1 : 0
                if state.streak >= rule.breachesToFire {
                    state.firing = true
                    state.streak = 0
                    state.firings += 1
                    events.append(event(rule, .fired, "\(rule.id)#\(state.firings)", date, value))
                }
            }
            states[rule.id] = state
        }
        history.append(contentsOf: events)
        return events
    }

    /// The ids of the rules whose alert is firing now, in rule order.
    public var firingRuleIds: [String] { rules.filter { states[$0.id]!.firing }.map(\.id) }

    /// Whether a rule's alert is firing now.
    /// - Parameter ruleId: the rule id.
    /// - Returns: `true` while firing; `false` for an unknown id.
    public func isFiring(_ ruleId: String) -> Bool { states[ruleId]?.firing ?? false }

    private func event(_ rule: AlertRule, _ kind: AlertEvent.Kind, _ id: String, _ date: Date, _ value: Double)
        -> AlertEvent
    {
        AlertEvent(id: id, ruleId: rule.id, kind: kind, date: date, value: value, signal: rule.signal)
    }
}

extension DriftReport {
    /// The report as alert signals: ``WatchedSignal/driftShare``, ``WatchedSignal/driftedColumnCount``, and for each
    /// column ``WatchedSignal/columnDriftStatistic(_:)`` and ``WatchedSignal/columnDrifted(_:)``.
    public var signals: [WatchedSignal: Double] {
        var signals: [WatchedSignal: Double] = [
            .driftShare: driftShare, .driftedColumnCount: Double(driftedColumnCount),
        ]
        for column in columns {
            signals[.columnDriftStatistic(column.column)] = column.statistic
            signals[.columnDrifted(column.column)] = column.drifted ? 1 : 0
        }
        return signals
    }
}
