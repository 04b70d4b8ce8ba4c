import Foundation
import LeptonKernels

/// The state of one histogram series: cumulative bucket counts, sum and count.
public struct HistogramSnapshot: Sendable, Equatable {
    /// The bucket upper bounds (`le`), ending with `+infinity`.
    public var upperBounds: [Double]
    /// For each bound, the number of observations ≤ it (cumulative, so the last equals ``count``).
    public var cumulativeCounts: [Int]
    /// The sum of all observations.
    public var sum: Double
    /// The number of observations.
    public var count: Int
}

/// Counts observations in configurable buckets, with Prometheus semantics: an observation falls in every bucket
/// whose upper bound `le` is ≥ it; the output has cumulative `_bucket{le="…"}` lines ending in `le="+Inf"`, then
/// `_sum` and `_count`. NaN observations are ignored.
public final class MetricHistogram: MetricFamily {
    /// The metric name.
    public let name: String
    /// The help text.
    public let help: String
    /// The label names every observation must give (never `le`).
    public let labelNames: [String]
    /// The finite bucket upper bounds, strictly increasing (`+Inf` is implicit).
    public let buckets: [Double]
    let typeName = "histogram"

    private struct SeriesState {
        var bucketCounts: [Int]  // non-cumulative; last slot is the +Inf overflow
        var sum = 0.0
        var count = 0

        mutating func record(_ value: Double, _ bucket: Int) {
            bucketCounts[bucket] += 1
            sum += value
            count += 1
        }
    }

    private let series = PthreadMutex(LabelledSeries<SeriesState>())

    /// Prometheus's default buckets, in seconds: 5 ms … 10 s.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// `count` bounds `start`, `start·factor`, `start·factor²`, …
    /// - Parameters:
    ///   - start: the first bound (positive).
    ///   - factor: the ratio between bounds (> 1).
    ///   - count: the number of bounds (≥ 1).
    /// - Returns: the bounds.
    public static func exponentialBuckets(start: Double, factor: Double, count: Int) -> [Double] {
        precondition(
            start > 0 && factor > 1 && count >= 1, "MetricHistogram.exponentialBuckets: bad \(start), \(factor)")
        return (0..<count).map { start * pow(factor, Double($0)) }
    }

    /// `count` bounds `start`, `start+width`, `start+2·width`, …
    /// - Parameters:
    ///   - start: the first bound.
    ///   - width: the distance between bounds (> 0).
    ///   - count: the number of bounds (≥ 1).
    /// - Returns: the bounds.
    public static func linearBuckets(start: Double, width: Double, count: Int) -> [Double] {
        precondition(width > 0 && count >= 1, "MetricHistogram.linearBuckets: bad width \(width) or count \(count)")
        return (0..<count).map { start + width * Double($0) }
    }

    init(name: String, help: String, buckets: [Double], labelNames: [String]) {
        var bounds = buckets
        if bounds.last == .infinity { bounds.removeLast() }
        precondition(
            bounds.allSatisfy(\.isFinite) && zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 },
            "MetricHistogram \(name): buckets must be finite and strictly increasing, got \(buckets)")
        precondition(!labelNames.contains("le"), "MetricHistogram \(name): 'le' is reserved and cannot be a label name")
        self.name = name
        self.help = help
        self.buckets = bounds
        self.labelNames = labelNames
        if labelNames.isEmpty {
            series.withLock { $0.values[[]] = SeriesState(bucketCounts: .init(repeating: 0, count: bounds.count + 1)) }
        }
    }

    /// Records one observation in the series with these labels.
    /// - Parameters:
    ///   - value: the observed value (NaN is ignored).
    ///   - labels: one value for each of ``labelNames``.
    public func observe(_ value: Double, labels: [String: String] = [:]) {
        guard !value.isNaN else { return }
        let key = orderedLabelValues(labels, labelNames: labelNames, metric: name)
        let bucket = firstBucket(atLeast: value)
        let slots = buckets.count + 1
        series.withLock {
            $0.values[key, default: SeriesState(bucketCounts: .init(repeating: 0, count: slots))].record(value, bucket)
        }
    }

    /// Records one duration, in seconds.
    /// - Parameters:
    ///   - duration: the observed duration.
    ///   - labels: one value for each of ``labelNames``.
    public func observe(_ duration: Duration, labels: [String: String] = [:]) {
        observe(duration.inSeconds, labels: labels)
    }

    /// The cumulative buckets, sum and count of the series with these labels (zeros when never observed).
    /// - Parameter labels: one value for each of ``labelNames``.
    /// - Returns: the snapshot.
    public func snapshot(labels: [String: String] = [:]) -> HistogramSnapshot {
        let key = orderedLabelValues(labels, labelNames: labelNames, metric: name)
        let state =
            series.withLock { $0.values[key] }
            ?? SeriesState(bucketCounts: .init(repeating: 0, count: buckets.count + 1))
        return makeSnapshot(state)
    }

    func renderSamples(into output: inout String) {
        let all = series.withLock { $0 }
        for key in all.sortedKeys {
            let snapshot = makeSnapshot(all.values[key]!)
            let pairs = zip(labelNames, key).map { (name: $0, value: $1) }
            for (bound, cumulative) in zip(snapshot.upperBounds, snapshot.cumulativeCounts) {
                let block = PrometheusText.labelBlock(pairs + [(name: "le", value: PrometheusText.formatNumber(bound))])
                output += "\(name)_bucket\(block) \(cumulative)\n"
            }
            let block = PrometheusText.labelBlock(pairs)
            output += "\(name)_sum\(block) \(PrometheusText.formatNumber(snapshot.sum))\n"
            output += "\(name)_count\(block) \(snapshot.count)\n"
        }
    }

    /// The index of the first bucket whose bound is ≥ `value` (`buckets.count` for the +Inf bucket).
    private func firstBucket(atLeast value: Double) -> Int {
        var low = 0
        var high = buckets.count
        while low < high {
            let middle = (low + high) / 2
            if buckets[middle] >= value { high = middle } else { low = middle + 1 }
        }
        return low
    }

    private func makeSnapshot(_ state: SeriesState) -> HistogramSnapshot {
        var running = 0
        let cumulative = state.bucketCounts.map { count -> Int in
            running += count
            return running
        }
        return HistogramSnapshot(
            upperBounds: buckets + [.infinity], cumulativeCounts: cumulative, sum: state.sum, count: state.count)
    }
}
