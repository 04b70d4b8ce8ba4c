/// The standard serving metrics, fed by a ``DynamicBatcher``'s observer.
///
/// Registers in the given registry: `<prefix>_requests_total{outcome}` (counter), `<prefix>_queue_wait_seconds`
/// and `<prefix>_compute_seconds` (histograms), `<prefix>_batch_size` (histogram) and `<prefix>_model_info{version}`
/// (info); and keeps an in-process ``LatencyTracker`` of per-request latency (queue wait + batch compute time).
///
/// ```swift
/// let metrics = ServingMetrics(registry: registry)
/// let batcher = try DynamicBatcher(configuration: config, observer: metrics.observe) { … }
/// ```
public struct ServingMetrics: Sendable {
    /// Requests by final outcome.
    public let requests: Counter
    /// Time requests waited in the queue, in seconds.
    public let queueWait: Histogram
    /// Time the batch function took per batch, in seconds.
    public let computeTime: Histogram
    /// Items per batch.
    public let batchSize: Histogram
    /// The model version being served.
    public let modelInfo: InfoMetric
    /// Per-request latency (queue wait + compute) over a sliding window, for p50/p95/p99 in process.
    public let latency: LatencyTracker

    /// Registers the serving metrics.
    /// - Parameters:
    ///   - registry: where to register them.
    ///   - prefix: the metric name prefix (default `lepton`).
    ///   - latencyBuckets: bucket bounds in seconds for the queue-wait and compute histograms.
    ///   - batchSizeBuckets: bucket bounds for the batch-size histogram.
    ///   - latencyWindow: how many recent requests the in-process latency tracker keeps.
    public init(
        registry: MetricsRegistry, prefix: String = "lepton",
        latencyBuckets: [Double] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        batchSizeBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256], latencyWindow: Int = 4096
    ) {
        requests = registry.counter(
            "\(prefix)_requests_total", help: "Requests by final outcome.", labelNames: ["outcome"])
        queueWait = registry.histogram(
            "\(prefix)_queue_wait_seconds", help: "Time requests waited in the batcher queue.",
            buckets: latencyBuckets)
        computeTime = registry.histogram(
            "\(prefix)_compute_seconds", help: "Time the model took per batch.", buckets: latencyBuckets)
        batchSize = registry.histogram(
            "\(prefix)_batch_size", help: "Items per batch.", buckets: batchSizeBuckets)
        modelInfo = registry.info("\(prefix)_model_info", help: "The model version being served.")
        latency = LatencyTracker(capacity: latencyWindow)
    }

    /// Updates the metrics from one batcher event; pass this method as the batcher's observer.
    /// - Parameter event: the event to record.
    public func observe(_ event: BatcherEvent) {
        switch event {
        case .requestConcluded(let outcome):
            requests.increment(labels: ["outcome": outcome.rawValue])
        case .batchFinished(let report):
            computeTime.observe(report.computeTime)
            batchSize.observe(Double(report.size))
            for wait in report.queueWaits {
                queueWait.observe(wait)
                latency.record(wait + report.computeTime)
            }
        }
    }

    /// Publishes the served model version in the info metric.
    /// - Parameter version: the version now served.
    public func setModelVersion(_ version: ModelVersion) {
        modelInfo.set(["version": version.id])
    }
}
