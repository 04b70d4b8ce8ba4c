/// The standard serving metrics, fed by a ``DynamicBatcher``'s observer.
///
/// Registers in the given registry: `<prefix>_requests_total{outcome}` (counter), `<prefix>_queue_wait_seconds`
/// and `<prefix>_compute_seconds` (histograms), `<prefix>_batch_size` (histogram) and `<prefix>_model_info{version}`
/// (info); and keeps an in-process ``LatencyTracker`` of per-request latency (queue wait + batch compute time).
///
/// For a ``ModelService`` create it with `arms: true`: every series then carries an `arm` label (`champion`,
/// `challenger`), requests are counted by the service as callers see them (shadow runs go to
/// `<prefix>_shadow_runs_total{outcome}` instead of the request count), the end-to-end latency is in
/// `<prefix>_request_latency_seconds{arm}`, and `<prefix>_arm_version_info{arm,version}` names the version behind
/// each arm.
///
/// ```swift
/// let metrics = ServingMetrics(registry: registry)
/// let batcher = try DynamicBatcher(configuration: config, observer: metrics.observe) { … }
/// ```
public struct ServingMetrics: Sendable {
    /// Requests by final outcome.
    public let requests: MetricCounter
    /// Time requests waited in the queue, in seconds.
    public let queueWait: MetricHistogram
    /// Time the batch function took per batch, in seconds.
    public let computeTime: MetricHistogram
    /// Items per batch.
    public let batchSize: MetricHistogram
    /// The model version being served.
    public let modelInfo: InfoMetric
    /// Per-request latency (queue wait + compute) over a sliding window, for p50/p95/p99 in process.
    public let latency: LatencyTracker
    /// Whether the series carry an `arm` label (metrics of a ``ModelService``).
    public let arms: Bool
    /// Shadow runs by outcome (arm-labelled metrics only), counted apart from requests.
    public let shadowRuns: MetricCounter?
    /// End-to-end request latency, submission to answer, by arm (arm-labelled metrics only).
    public let requestLatency: MetricHistogram?
    /// The version behind each arm, as `{arm, version}` = 1 (arm-labelled metrics only).
    public let armVersion: MetricGauge?

    /// Registers the serving metrics.
    /// - Parameters:
    ///   - registry: where to register them.
    ///   - prefix: the metric name prefix (default `lepton`).
    ///   - latencyBuckets: bucket bounds in seconds for the queue-wait and compute histograms.
    ///   - batchSizeBuckets: bucket bounds for the batch-size histogram.
    ///   - latencyWindow: how many recent requests the in-process latency tracker keeps.
    ///   - arms: whether to label every series with the rollout arm (required by ``ModelService``).
    public init(
        registry: MetricsRegistry, prefix: String = "lepton",
        latencyBuckets: [Double] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        batchSizeBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256], latencyWindow: Int = 4096,
        arms: Bool = false
    ) {
        let arm = arms ? ["arm"] : []
        self.arms = arms
        requests = registry.counter(
            "\(prefix)_requests_total", help: "Requests by final outcome.", labelNames: arm + ["outcome"])
        queueWait = registry.histogram(
            "\(prefix)_queue_wait_seconds", help: "Time requests waited in the batcher queue.",
            buckets: latencyBuckets, labelNames: arm)
        computeTime = registry.histogram(
            "\(prefix)_compute_seconds", help: "Time the model took per batch.", buckets: latencyBuckets,
            labelNames: arm)
        batchSize = registry.histogram(
            "\(prefix)_batch_size", help: "Items per batch.", buckets: batchSizeBuckets, labelNames: arm)
        modelInfo = registry.info("\(prefix)_model_info", help: "The model version being served.")
        latency = LatencyTracker(capacity: latencyWindow)
        if arms {
            shadowRuns = registry.counter(
                "\(prefix)_shadow_runs_total", help: "Shadow runs of the challenger by outcome.",
                labelNames: ["outcome"])
            requestLatency = registry.histogram(
                "\(prefix)_request_latency_seconds", help: "End-to-end request latency, submission to answer.",
                buckets: latencyBuckets, labelNames: ["arm"])
            armVersion = registry.gauge(
                "\(prefix)_arm_version_info", help: "The model version behind each rollout arm.",
                labelNames: ["arm", "version"])
        } else {
            shadowRuns = nil
            requestLatency = nil
            armVersion = nil
        }
    }

    /// Updates the metrics from one batcher event; pass this method as the batcher's observer (metrics created
    /// with `arms: false`).
    /// - Parameter event: the event to record.
    public func observe(_ event: BatcherEvent) {
        precondition(!arms, "ServingMetrics.observe: arm-labelled metrics are fed by ModelService")
        switch event {
        case .requestConcluded(let outcome):
            requests.increment(labels: ["outcome": outcome.rawValue])
        case .batchFinished(let report): observeBatch(report, labels: [:])
        }
    }

    /// Records one batch of an arm (arm-labelled metrics; requests are counted by ``recordRequest(arm:outcome:latency:)``).
    func observe(_ event: BatcherEvent, arm: RouterArm) {
        if case .batchFinished(let report) = event { observeBatch(report, labels: ["arm": arm.rawValue]) }
    }

    private func observeBatch(_ report: BatchReport, labels: [String: String]) {
        computeTime.observe(report.computeTime, labels: labels)
        batchSize.observe(Double(report.size), labels: labels)
        for wait in report.queueWaits {
            queueWait.observe(wait, labels: labels)
            latency.record(wait + report.computeTime)
        }
    }

    /// Counts one request as its caller saw it (arm-labelled metrics).
    func recordRequest(arm: RouterArm, outcome: RequestOutcome, latency: Duration?) {
        requests.increment(labels: ["arm": arm.rawValue, "outcome": outcome.rawValue])
        if let latency { requestLatency?.observe(latency, labels: ["arm": arm.rawValue]) }
    }

    /// Counts one shadow run (arm-labelled metrics).
    func recordShadowRun(outcome: RequestOutcome) {
        shadowRuns?.increment(labels: ["outcome": outcome.rawValue])
    }

    /// Names the version behind an arm (arm-labelled metrics), replacing the arm's previous version.
    func setVersion(_ version: String, of arm: RouterArm, previous: String?) {
        if let previous, previous != version { armVersion?.set(0, labels: ["arm": arm.rawValue, "version": previous]) }
        armVersion?.set(1, labels: ["arm": arm.rawValue, "version": version])
    }

    /// Publishes the served model version in the info metric.
    /// - Parameter version: the version now served.
    public func setModelVersion(_ version: ModelVersion) {
        modelInfo.set(["version": version.id])
    }
}
