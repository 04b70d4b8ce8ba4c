import LeptonKernels

/// Latency percentiles over a sliding window, in seconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    /// The number of observations in the window.
    public var count: Int
    /// The median.
    public var p50: Double
    /// The 95th percentile.
    public var p95: Double
    /// The 99th percentile.
    public var p99: Double
    /// The largest observation.
    public var max: Double
}

/// Keeps the most recent latencies and reports exact percentiles over them.
///
/// The window holds the last `capacity` observations (a ring buffer), optionally restricted further to those
/// younger than `maxAge`. Percentiles are **exact over the window** with the nearest-rank definition: the
/// q-quantile of n sorted values is the value of rank ⌈q·n⌉ (1-based), so p99 of 1…100 is 99 and p50 of 1…4 is 2.
/// A summary sorts the window (O(n log n) for n ≤ capacity), so read it on scrape or per window, not per request.
/// Thread-safe.
public final class LatencyTracker: Sendable {
    private struct State {
        var window: SampleWindow
    }

    private let state: PthreadMutex<State>
    private let maxAge: Duration?
    private let clock = ContinuousClock()

    /// Creates a tracker.
    /// - Parameters:
    ///   - capacity: how many of the latest observations to keep (at least 1).
    ///   - maxAge: if given, observations older than this are left out of summaries.
    public init(capacity: Int = 2048, maxAge: Duration? = nil) {
        precondition(capacity >= 1, "LatencyTracker.init: capacity must be at least 1, got \(capacity)")
        state = PthreadMutex(State(window: SampleWindow(capacity: capacity)))
        self.maxAge = maxAge
    }

    /// Records one latency.
    /// - Parameter latency: the observed duration.
    public func record(_ latency: Duration) {
        let now = clock.now
        state.withLock { $0.window.append(latency.inSeconds, at: now) }
    }

    /// p50, p95, p99 and max over the window, or `nil` when the window is empty.
    public func summary() -> LatencySummary? {
        let sorted = currentValues().sorted()
        guard let largest = sorted.last else { return nil }
        return LatencySummary(
            count: sorted.count, p50: nearestRankPercentile(sorted, 0.50), p95: nearestRankPercentile(sorted, 0.95),
            p99: nearestRankPercentile(sorted, 0.99), max: largest)
    }

    /// One percentile over the window (nearest rank), or `nil` when the window is empty.
    /// - Parameter quantile: the quantile in (0, 1], for example 0.99.
    /// - Returns: the latency in seconds.
    public func percentile(_ quantile: Double) -> Double? {
        precondition(
            quantile > 0 && quantile <= 1, "LatencyTracker.percentile: quantile must be in (0, 1], got \(quantile)")
        let sorted = currentValues().sorted()
        return sorted.isEmpty ? nil : nearestRankPercentile(sorted, quantile)
    }

    private func currentValues() -> [Double] {
        let cutoff = maxAge.map { clock.now - $0 }
        return state.withLock { $0.window.values(since: cutoff) }
    }
}

/// The nearest-rank q-quantile of sorted, non-empty values: the value of rank ⌈q·n⌉ (1-based).
func nearestRankPercentile(_ sorted: [Double], _ quantile: Double) -> Double {
    precondition(!sorted.isEmpty, "nearestRankPercentile: no values")
    let rank = Int((quantile * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

/// A ring buffer of the latest `capacity` values with their arrival times.
struct SampleWindow {
    private var values: [Double] = []
    private var times: [ContinuousClock.Instant] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// The number of values held.
    var count: Int { values.count }

    mutating func append(_ value: Double, at time: ContinuousClock.Instant) {
        if values.count < capacity {
            values.append(value)
            times.append(time)
        } else {
            values[next] = value
            times[next] = time
            next = (next + 1) % capacity
        }
    }

    /// The values recorded at or after `cutoff` (all when `cutoff` is `nil`), in no particular order.
    func values(since cutoff: ContinuousClock.Instant?) -> [Double] {
        guard let cutoff else { return values }
        return zip(values, times).compactMap { $1 >= cutoff ? $0 : nil }
    }
}
