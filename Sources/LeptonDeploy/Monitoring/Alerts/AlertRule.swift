import Foundation

/// A monitored value an alert rule can watch; the caller supplies its value for every window.
public enum WatchedSignal: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The share of drifted columns in a ``DriftReport``.
    case driftShare
    /// The number of drifted columns in a ``DriftReport``.
    case driftedColumnCount
    /// One column's drift statistic (a p-value or a distance, see ``ColumnDriftResult/statistic``).
    case columnDriftStatistic(String)
    /// 1 when the column drifted in the window, else 0.
    case columnDrifted(String)
    /// The error rate of requests in the window.
    case errorRate
    /// The p99 latency in the window, in seconds.
    case p99Latency
    /// A realised performance metric by name (for example `"accuracy"`).
    case realisedMetric(String)
    /// Anything else, by name.
    case custom(String)

    /// A short name, for example `columnDrift(income)`.
    public var description: String {
        switch self {
        case .driftShare: return "driftShare"
        case .driftedColumnCount: return "driftedColumnCount"
        case .columnDriftStatistic(let column): return "columnDriftStatistic(\(column))"
        case .columnDrifted(let column): return "columnDrifted(\(column))"
        case .errorRate: return "errorRate"
        case .p99Latency: return "p99Latency"
        case .realisedMetric(let name): return "realisedMetric(\(name))"
        case .custom(let name): return "custom(\(name))"
        }
    }
}

/// When a window's value counts as a breach.
public enum BreachCondition: Codable, Sendable, Equatable {
    /// value > threshold.
    case above(Double)
    /// value ≥ threshold.
    case atLeast(Double)
    /// value < threshold.
    case below(Double)
    /// value ≤ threshold.
    case atMost(Double)

    /// Whether `value` breaches the condition.
    /// - Parameter value: the window's value.
    /// - Returns: `true` on a breach.
    public func isBreached(by value: Double) -> Bool {
        switch self {
        case .above(let threshold): return value > threshold
        case .atLeast(let threshold): return value >= threshold
        case .below(let threshold): return value < threshold
        case .atMost(let threshold): return value <= threshold
        }
    }
}

/// A rule that fires after N consecutive breached windows and clears only after M consecutive healthy ones.
public struct AlertRule: Codable, Sendable, Equatable, Identifiable {
    /// The rule's unique id (alert ids are derived from it).
    public var id: String
    /// The watched value.
    public var signal: WatchedSignal
    /// When a window's value is a breach.
    public var condition: BreachCondition
    /// Consecutive breached windows needed to fire (N ≥ 1).
    public var breachesToFire: Int
    /// Consecutive healthy windows needed to clear a firing alert (M ≥ 1).
    public var healthyToClear: Int

    /// Creates a rule.
    /// - Parameters:
    ///   - id: the unique rule id.
    ///   - signal: the watched value.
    ///   - condition: the breach condition.
    ///   - breachesToFire: consecutive breaches before firing (default 1).
    ///   - healthyToClear: consecutive healthy windows before clearing (default 2).
    public init(
        id: String, signal: WatchedSignal, condition: BreachCondition, breachesToFire: Int = 1, healthyToClear: Int = 2
    ) {
        self.id = id
        self.signal = signal
        self.condition = condition
        self.breachesToFire = breachesToFire
        self.healthyToClear = healthyToClear
    }
}

/// A change of an alert's state, kept in the monitor's history.
public struct AlertEvent: Codable, Sendable, Equatable, Identifiable {
    /// Whether the alert started or ended.
    public enum Kind: String, Codable, Sendable {
        /// The rule's breaches reached `breachesToFire`.
        case fired
        /// The rule's healthy windows reached `healthyToClear`.
        case cleared
    }

    /// The alert id, `<rule id>#<n>` for the rule's n-th firing; a clearing event carries the id of the alert it
    /// clears. Use it as the ``ModelLineage/cause`` of a retrained version.
    public var id: String
    /// The rule that changed state.
    public var ruleId: String
    /// Fired or cleared.
    public var kind: Kind
    /// The end of the window that caused the change.
    public var date: Date
    /// The watched value in that window.
    public var value: Double
    /// The watched signal.
    public var signal: WatchedSignal
}

/// Why an alert monitor could not be created.
public enum AlertError: Error, Equatable, Sendable {
    /// Two rules share this id.
    case duplicateRuleId(String)
    /// A rule's window counts are below 1.
    case invalidRule(id: String, reason: String)
}
