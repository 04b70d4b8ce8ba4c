/// Helpers for the Prometheus text exposition format, version 0.0.4.
///
/// Each family is written as `# HELP name text`, `# TYPE name type`, then one line per sample
/// `name{label="value",…} number`. In HELP text `\` and line feeds are escaped as `\\` and `\n`; in label values
/// `\`, `"` and line feeds are escaped as `\\`, `\"` and `\n`. Numbers are written as Go's `ParseFloat` reads them,
/// with `+Inf`, `-Inf` and `NaN` for the special values.
enum PrometheusText {
    /// Escapes a `# HELP` text.
    static func escapeHelp(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Escapes a label value.
    static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Formats a sample value or bucket bound: integers without a fraction (`3`, `1`), others in Swift's shortest
    /// round-trip form (`0.005`, `1e-05`), and `+Inf`, `-Inf`, `NaN`.
    static func formatNumber(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Writes `{name="value",…}` for the given pairs, or nothing when there are none.
    static func labelBlock(_ pairs: [(name: String, value: String)]) -> String {
        guard !pairs.isEmpty else { return "" }
        let body = pairs.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ",")
        return "{\(body)}"
    }

    /// Whether `name` is a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
    static func isValidMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isLetterOrUnderscore(first) || first == ":" else { return false }
        return name.unicodeScalars.allSatisfy { isLetterOrUnderscore($0) || isDigit($0) || $0 == ":" }
    }

    /// Whether `name` is a valid, non-reserved label name (`[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`).
    static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isLetterOrUnderscore(first), !name.hasPrefix("__") else {
            return false
        }
        return name.unicodeScalars.allSatisfy { isLetterOrUnderscore($0) || isDigit($0) }
    }

    private static func isLetterOrUnderscore(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}

/// One metric family that the registry can render.
protocol MetricFamily: AnyObject, Sendable {
    /// The family name.
    var name: String { get }
    /// The `# HELP` text.
    var help: String { get }
    /// The `# TYPE` word: `counter`, `gauge` or `histogram`.
    var typeName: String { get }
    /// The label names, in order.
    var labelNames: [String] { get }
    /// Appends the family's sample lines (without HELP and TYPE).
    func renderSamples(into output: inout String)
}

/// Series values keyed by their label values (in label-name order), rendered sorted by label values.
struct LabelledSeries<Value> {
    var values: [[String]: Value] = [:]

    /// The label value lists in rendering order.
    var sortedKeys: [[String]] { values.keys.sorted { $0.lexicographicallyPrecedes($1) } }
}

/// Puts the label values of `labels` in the order of `labelNames`, trapping when the names do not match.
func orderedLabelValues(_ labels: [String: String], labelNames: [String], metric: String) -> [String] {
    precondition(
        labels.count == labelNames.count && labelNames.allSatisfy { labels[$0] != nil },
        "metric \(metric): labels \(labels.keys.sorted()) do not match its label names \(labelNames)")
    return labelNames.map { labels[$0]! }
}
