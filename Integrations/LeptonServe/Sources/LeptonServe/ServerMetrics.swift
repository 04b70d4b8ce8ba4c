import LeptonDeploy

/// The server's own Prometheus metrics (requests by model, version and outcome; latency; in-flight requests), and
/// the rendering of `/metrics`, which adds every loaded model's serving metrics (queue wait and compute histograms,
/// batch sizes, rollout arms) with a `model` label.
public final class ServerMetrics: Sendable {
    /// The registry of the server-level series.
    public let registry = MetricsRegistry()
    /// Inference requests by model (`_unknown` for names that are not loaded), version and outcome (`success`,
    /// `client_error`, `rejected`, `timeout`,
    /// `unavailable`, `error`).
    public let requests: MetricCounter
    /// End-to-end inference request latency by model, body reading and JSON included.
    public let latency: MetricHistogram
    /// Requests being handled now.
    public let inFlight: MetricGauge

    /// Registers the metrics.
    public init() {
        requests = registry.counter(
            "lepton_inference_requests_total", help: "Inference requests by model, version and outcome.",
            labelNames: ["model", "version", "outcome"])
        latency = registry.histogram(
            "lepton_inference_request_seconds", help: "End-to-end inference request latency.",
            buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
            labelNames: ["model"])
        inFlight = registry.gauge("lepton_in_flight_requests", help: "HTTP requests being handled now.")
    }

    /// The full exposition: the server's series, then every model's serving series with a `model` label.
    /// - Parameter models: the loaded models.
    /// - Returns: Prometheus text.
    public func render(models: [ServedModel]) -> String {
        render(registries: models.map { (name: $0.name, registry: $0.metricsRegistry) })
    }

    /// The full exposition: the server's series, then every model's series with a `model` label.
    /// - Parameter registries: each loaded model's name and metrics.
    /// - Returns: Prometheus text.
    public func render(registries: [(name: String, registry: MetricsRegistry)]) -> String {
        var families: [(name: String, header: [String], samples: [String])] = []
        var position: [String: Int] = [:]
        for model in registries {
            var current: Int?
            var createdHere = Set<String>()
            for line in model.registry.render().split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix("#") {
                    let parts = line.split(separator: " ", maxSplits: 3)
                    guard parts.count >= 3 else { continue }
                    let name = String(parts[2])
                    if let index = position[name] {
                        current = index
                        if createdHere.contains(name) { families[index].header.append(String(line)) }
                    } else {
                        position[name] = families.count
                        current = families.count
                        families.append((name, [String(line)], []))
                        createdHere.insert(name)
                    }
                } else if let current {
                    families[current].samples.append(Self.addingModelLabel(model.name, to: line))
                }
            }
        }
        var text = registry.render()
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        for family in families {
            for line in family.header + family.samples { text += line + "\n" }
        }
        return text
    }

    /// A sample line with `model="NAME"` as its first label.
    static func addingModelLabel(_ model: String, to line: Substring) -> String {
        let escaped = model.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        guard let nameEnd = line.firstIndex(where: { $0 == "{" || $0 == " " }) else { return String(line) }
        let name = line[..<nameEnd]
        if line[nameEnd] == "{" {
            let rest = line[line.index(after: nameEnd)...]
            let separator = rest.hasPrefix("}") ? "" : ","
            return "\(name){model=\"\(escaped)\"\(separator)\(rest)"
        }
        return "\(name){model=\"\(escaped)\"}\(line[nameEnd...])"
    }
}
