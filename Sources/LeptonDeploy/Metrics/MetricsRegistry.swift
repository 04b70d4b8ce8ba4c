import LeptonKernels

/// A set of named metrics rendered together in the Prometheus text exposition format (version 0.0.4).
///
/// Asking twice for a metric with the same name, kind and labels returns the same metric; asking with a
/// conflicting definition is a programmer error and traps. Families are rendered sorted by name, series sorted by
/// label values. Thread-safe.
///
/// ```swift
/// let metrics = MetricsRegistry()
/// let requests = metrics.counter("lepton_requests_total", help: "Requests by outcome.", labelNames: ["outcome"])
/// requests.increment(labels: ["outcome": "succeeded"])
/// let body = metrics.render()   // serve with content type MetricsRegistry.contentType
/// ```
public final class MetricsRegistry: Sendable {
    /// The HTTP content type of ``render()``'s output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let families = PthreadMutex<[String: any MetricFamily]>([:])

    /// Creates an empty registry.
    public init() {}

    /// Returns the counter `name`, creating it on first use.
    /// - Parameters:
    ///   - name: a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`), by convention ending in `_total`.
    ///   - help: the `# HELP` text.
    ///   - labelNames: the label names every increment must give.
    /// - Returns: the counter.
    public func counter(_ name: String, help: String, labelNames: [String] = []) -> MetricCounter {
        family(name, labelNames: labelNames) { MetricCounter(name: name, help: help, labelNames: labelNames) }
    }

    /// Returns the gauge `name`, creating it on first use.
    /// - Parameters:
    ///   - name: a valid metric name.
    ///   - help: the `# HELP` text.
    ///   - labelNames: the label names every update must give.
    /// - Returns: the gauge.
    public func gauge(_ name: String, help: String, labelNames: [String] = []) -> MetricGauge {
        family(name, labelNames: labelNames) { MetricGauge(name: name, help: help, labelNames: labelNames) }
    }

    /// Returns the histogram `name`, creating it on first use.
    /// - Parameters:
    ///   - name: a valid metric name.
    ///   - help: the `# HELP` text.
    ///   - buckets: finite, strictly increasing upper bounds (`+Inf` is added).
    ///   - labelNames: the label names every observation must give (not `le`).
    /// - Returns: the histogram.
    public func histogram(
        _ name: String, help: String, buckets: [Double] = MetricHistogram.defaultBuckets, labelNames: [String] = []
    ) -> MetricHistogram {
        let histogram = family(name, labelNames: labelNames) {
            MetricHistogram(name: name, help: help, buckets: buckets, labelNames: labelNames)
        }
        precondition(
            histogram.buckets == buckets.filter(\.isFinite),
            "MetricsRegistry: histogram \(name) already exists with buckets \(histogram.buckets)")
        return histogram
    }

    /// Returns the info metric `name` (a gauge fixed at 1 whose labels carry facts), creating it on first use.
    /// - Parameters:
    ///   - name: a valid metric name, by convention ending in `_info`.
    ///   - help: the `# HELP` text.
    /// - Returns: the info metric; call ``InfoMetric/set(_:)`` to publish facts.
    public func info(_ name: String, help: String) -> InfoMetric {
        family(name, labelNames: nil) { InfoMetric(name: name, help: help) }
    }

    /// Every metric in the Prometheus text exposition format 0.0.4.
    /// - Returns: the text, one `# HELP`, one `# TYPE` and the sample lines per family, ending with a line feed.
    public func render() -> String {
        let all = families.withLock { $0 }
        var output = ""
        for name in all.keys.sorted() {
            let family = all[name]!
            output += "# HELP \(name) \(PrometheusText.escapeHelp(family.help))\n"
            output += "# TYPE \(name) \(family.typeName)\n"
            family.renderSamples(into: &output)
        }
        return output
    }

    private func family<Family: MetricFamily>(
        _ name: String, labelNames: [String]?, make: () -> Family
    ) -> Family {
        precondition(PrometheusText.isValidMetricName(name), "MetricsRegistry: invalid metric name '\(name)'")
        if let labelNames {
            precondition(
                labelNames.allSatisfy(PrometheusText.isValidLabelName) && Set(labelNames).count == labelNames.count,
                "MetricsRegistry: invalid or repeated label names \(labelNames) for metric \(name)")
        }
        return families.withLock { families in
            if let existing = families[name] {
                guard let same = existing as? Family, labelNames == nil || same.labelNames == labelNames! else {
                    preconditionFailure("MetricsRegistry: metric \(name) already exists with another kind or labels")
                }
                return same
            }
            let created = make()
            families[name] = created
            return created
        }
    }
}
