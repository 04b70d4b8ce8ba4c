import LeptonKernels

/// A monotonically increasing count (requests served, errors), optionally split by labels.
public final class MetricCounter: MetricFamily {
    /// The metric name.
    public var name: String { series.metric }
    /// The help text.
    public var help: String { series.help }
    /// The label names every observation must give.
    public var labelNames: [String] { series.labelNames }
    let typeName = "counter"
    private let series: ScalarSeries

    init(name: String, help: String, labelNames: [String]) {
        series = ScalarSeries(metric: name, help: help, labelNames: labelNames)
    }

    /// Adds `amount` to the series with these labels.
    /// - Parameters:
    ///   - amount: a non-negative increment (default 1).
    ///   - labels: one value for each of ``labelNames``.
    public func increment(by amount: Double = 1, labels: [String: String] = [:]) {
        precondition(amount >= 0, "MetricCounter \(name).increment: amount must not be negative, got \(amount)")
        series.update(labels) { $0 += amount }
    }

    /// The current value of the series with these labels (0 when never incremented).
    /// - Parameter labels: one value for each of ``labelNames``.
    /// - Returns: the count.
    public func value(labels: [String: String] = [:]) -> Double { series.value(labels) }

    func renderSamples(into output: inout String) { series.render(into: &output) }
}

/// A value that goes up and down (queue length, model count), optionally split by labels.
public final class MetricGauge: MetricFamily {
    /// The metric name.
    public var name: String { series.metric }
    /// The help text.
    public var help: String { series.help }
    /// The label names every observation must give.
    public var labelNames: [String] { series.labelNames }
    let typeName = "gauge"
    private let series: ScalarSeries

    init(name: String, help: String, labelNames: [String]) {
        series = ScalarSeries(metric: name, help: help, labelNames: labelNames)
    }

    /// Sets the series with these labels to `value`.
    /// - Parameters:
    ///   - value: the new value.
    ///   - labels: one value for each of ``labelNames``.
    public func set(_ value: Double, labels: [String: String] = [:]) { series.update(labels) { $0 = value } }

    /// Adds `delta` (possibly negative) to the series with these labels.
    /// - Parameters:
    ///   - delta: the change.
    ///   - labels: one value for each of ``labelNames``.
    public func add(_ delta: Double, labels: [String: String] = [:]) { series.update(labels) { $0 += delta } }

    /// The current value of the series with these labels (0 when never set).
    /// - Parameter labels: one value for each of ``labelNames``.
    /// - Returns: the value.
    public func value(labels: [String: String] = [:]) -> Double { series.value(labels) }

    func renderSamples(into output: inout String) { series.render(into: &output) }
}

/// An info metric: one series with constant value 1 whose labels carry facts, such as the served model version
/// (`lepton_model_info{version="v3"} 1`). The text format 0.0.4 has no info type, so it is exposed as a gauge.
public final class InfoMetric: MetricFamily {
    /// The metric name (by convention ending in `_info`).
    public let name: String
    /// The help text.
    public let help: String
    let typeName = "gauge"
    private let current = PthreadMutex<[String: String]?>(nil)

    init(name: String, help: String) {
        self.name = name
        self.help = help
    }

    /// The label names of the current facts, sorted.
    public var labelNames: [String] { current.withLock { $0?.keys.sorted() ?? [] } }

    /// Replaces the facts (for example after a model swap).
    /// - Parameter labels: the facts as label names and values; every name must be a valid label name.
    public func set(_ labels: [String: String]) {
        precondition(
            labels.keys.allSatisfy(PrometheusText.isValidLabelName),
            "InfoMetric \(name).set: invalid label name among \(labels.keys.sorted())")
        current.withLock { $0 = labels }
    }

    func renderSamples(into output: inout String) {
        guard let labels = current.withLock({ $0 }) else { return }
        let pairs = labels.keys.sorted().map { (name: $0, value: labels[$0]!) }
        output += "\(name)\(PrometheusText.labelBlock(pairs)) 1\n"
    }
}

/// What a counter and a gauge hold: the family's name, help text and label names, and its labelled values behind a
/// lock (a series without labels exists from the start at 0, others from their first update).
private final class ScalarSeries: Sendable {
    /// The family name.
    let metric: String
    /// The help text.
    let help: String
    /// The label names, in order.
    let labelNames: [String]
    private let series = PthreadMutex(LabelledSeries<Double>())

    init(metric: String, help: String, labelNames: [String]) {
        self.metric = metric
        self.help = help
        self.labelNames = labelNames
        if labelNames.isEmpty { series.withLock { $0.values[[]] = 0 } }
    }

    /// Changes the value of the series with these labels (starting from 0).
    func update(_ labels: [String: String], _ change: (inout Double) -> Void) {
        let key = orderedLabelValues(labels, labelNames: labelNames, metric: metric)
        series.withLock { change(&$0.values[key, default: 0]) }
    }

    /// The value of the series with these labels (0 when never updated).
    func value(_ labels: [String: String]) -> Double {
        let key = orderedLabelValues(labels, labelNames: labelNames, metric: metric)
        return series.withLock { $0.values[key, default: 0] }
    }

    /// Appends one sample line per series, in label order.
    func render(into output: inout String) {
        let snapshot = series.withLock { $0 }
        for key in snapshot.sortedKeys {
            let pairs = zip(labelNames, key).map { (name: $0, value: $1) }
            let value = snapshot.values[key, default: 0]
            output += "\(metric)\(PrometheusText.labelBlock(pairs)) \(PrometheusText.formatNumber(value))\n"
        }
    }
}
