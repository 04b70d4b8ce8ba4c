import Foundation
import Testing

@testable import LeptonDeploy

@Suite struct MetricsTests {
    static let awkwardModel = "path\\with \"quotes\"\nand newline"

    /// A fixed set of observations; every number is exact in binary so that sums print exactly.
    static func populatedRegistry() -> MetricsRegistry {
        let registry = MetricsRegistry()
        let requests = registry.counter(
            "lepton_requests_total", help: "Requests by outcome.", labelNames: ["outcome", "model"])
        for _ in 0..<3 { requests.increment(labels: ["outcome": "succeeded", "model": "v1"]) }
        requests.increment(by: 2, labels: ["model": "v1", "outcome": "failed"])
        requests.increment(labels: ["outcome": "succeeded", "model": awkwardModel])
        let queue = registry.gauge("lepton_queue_length", help: "Waiting requests.\nSecond line with a \\ backslash.")
        queue.set(7)
        queue.add(-2)
        let latency = registry.histogram("lepton_latency_seconds", help: "Latency.", buckets: [0.25, 0.5, 1, 2.5])
        for value in [0.125, 0.25, 0.375, 0.75, 2, 4] { latency.observe(value) }
        registry.info("lepton_model_info", help: "Served model.").set(["version": "v1", "framework": "lepton"])
        _ = registry.counter("lepton_restarts_total", help: "Restarts.")
        return registry
    }

    @Test func renderingMatchesTheHandWrittenExposition() {
        let expected = """
            # HELP lepton_latency_seconds Latency.
            # TYPE lepton_latency_seconds histogram
            lepton_latency_seconds_bucket{le="0.25"} 2
            lepton_latency_seconds_bucket{le="0.5"} 3
            lepton_latency_seconds_bucket{le="1"} 4
            lepton_latency_seconds_bucket{le="2.5"} 5
            lepton_latency_seconds_bucket{le="+Inf"} 6
            lepton_latency_seconds_sum 7.5
            lepton_latency_seconds_count 6
            # HELP lepton_model_info Served model.
            # TYPE lepton_model_info gauge
            lepton_model_info{framework="lepton",version="v1"} 1
            # HELP lepton_queue_length Waiting requests.\\nSecond line with a \\\\ backslash.
            # TYPE lepton_queue_length gauge
            lepton_queue_length 5
            # HELP lepton_requests_total Requests by outcome.
            # TYPE lepton_requests_total counter
            lepton_requests_total{outcome="failed",model="v1"} 2
            lepton_requests_total{outcome="succeeded",model="path\\\\with \\"quotes\\"\\nand newline"} 1
            lepton_requests_total{outcome="succeeded",model="v1"} 3
            # HELP lepton_restarts_total Restarts.
            # TYPE lepton_restarts_total counter
            lepton_restarts_total 0

            """
        #expect(Self.populatedRegistry().render() == expected)
    }

    @Test func theCheckerReadsBackWhatWasRecorded() throws {
        let checker = try ExpositionChecker(Self.populatedRegistry().render())
        let requests = try #require(checker.families["lepton_requests_total"])
        #expect(requests.type == "counter")
        #expect(requests.samples.contains { $0.labels == ["outcome": "succeeded", "model": Self.awkwardModel] })
        #expect(checker.families["lepton_queue_length"]?.help == "Waiting requests.\nSecond line with a \\ backslash.")
        let latency = try #require(checker.families["lepton_latency_seconds"])
        #expect(latency.samples.first { $0.name == "lepton_latency_seconds_sum" }?.value == 7.5)
        #expect(latency.samples.first { $0.labels["le"] == "+Inf" }?.value == 6)
    }

    @Test func theCheckerRejectsMalformedText() {
        #expect(throws: ExpositionChecker.Problem.self) { try ExpositionChecker("x 1\n") }  // no TYPE
        #expect(throws: ExpositionChecker.Problem.self) {
            try ExpositionChecker("# TYPE x counter\nx{a=\"b\\q\"} 1\n")  // bad escape
        }
        #expect(throws: ExpositionChecker.Problem.self) {
            try ExpositionChecker(
                "# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n")
        }
    }

    @Test func labelledHistogramsAndBoundaryValuesFollowPrometheusSemantics() throws {
        let registry = MetricsRegistry()
        let histogram = registry.histogram(
            "batch_size", help: "Items.", buckets: MetricHistogram.exponentialBuckets(start: 1, factor: 2, count: 4),
            labelNames: ["model"])
        for size in [1.0, 2, 3, 8, 9, 16] { histogram.observe(size, labels: ["model": "a"]) }
        histogram.observe(.nan, labels: ["model": "a"])
        let snapshot = histogram.snapshot(labels: ["model": "a"])
        #expect(snapshot.upperBounds == [1, 2, 4, 8, .infinity])
        #expect(snapshot.cumulativeCounts == [1, 2, 3, 4, 6])
        #expect(snapshot.sum == 39 && snapshot.count == 6)
        #expect(histogram.snapshot(labels: ["model": "b"]).count == 0)
        let checker = try ExpositionChecker(registry.render())
        #expect(checker.families["batch_size"]?.samples.count == 7)
        #expect(
            registry.histogram("batch_size", help: "Items.", buckets: [1, 2, 4, 8], labelNames: ["model"]) === histogram
        )
        #expect(MetricHistogram.linearBuckets(start: 0.5, width: 0.5, count: 3) == [0.5, 1, 1.5])
    }

    @Test func metricsAreSafeUnderConcurrentUpdates() async {
        let registry = MetricsRegistry()
        let counter = registry.counter("hits_total", help: "Hits.", labelNames: ["worker"])
        let histogram = registry.histogram("work_seconds", help: "Work.", buckets: [0.5])
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for _ in 0..<1000 {
                        counter.increment(labels: ["worker": "\(worker % 2)"])
                        histogram.observe(0.25)
                        _ = registry.render()
                    }
                }
            }
        }
        #expect(counter.value(labels: ["worker": "0"]) == 4000 && counter.value(labels: ["worker": "1"]) == 4000)
        #expect(histogram.snapshot().count == 8000)
    }

    @Test func latencyPercentilesUseTheNearestRankOverTheWindow() async throws {
        let tracker = LatencyTracker(capacity: 100)
        #expect(tracker.summary() == nil)
        for millisecond in 1...100 { tracker.record(.milliseconds(millisecond)) }
        let summary = try #require(tracker.summary())
        #expect(summary.count == 100)
        #expect(isClose(summary.p50, 0.050) && isClose(summary.p95, 0.095) && isClose(summary.p99, 0.099))
        #expect(isClose(summary.max, 0.100))
        for millisecond in 101...150 { tracker.record(.milliseconds(millisecond)) }  // evicts the oldest, 1…50
        #expect(isClose(tracker.percentile(0.5)!, 0.100), "window now holds 51…150")
        let aging = LatencyTracker(capacity: 100, maxAge: .milliseconds(40))
        for _ in 0..<5 { aging.record(.milliseconds(9)) }
        try await Task.sleep(for: .milliseconds(80))
        aging.record(.milliseconds(1))
        #expect(aging.summary()?.count == 1)
    }
}
