/// A small, strict reader of the Prometheus text exposition format 0.0.4, written from the format description, to
/// check that the registry's output is well formed and says what was recorded.
struct ExpositionChecker {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var help: String?
        var type: String?
        var samples: [Sample] = []
    }

    enum Problem: Error, CustomStringConvertible {
        case malformed(line: Int, reason: String)

        var description: String {
            switch self {
            case .malformed(let line, let reason): return "line \(line): \(reason)"
            }
        }
    }

    private(set) var families: [String: Family] = [:]

    /// Parses and checks `text`; throws on the first problem.
    init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw Problem.malformed(line: 0, reason: "text must end with a line feed") }
        for (offset, line) in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            try read(String(line), number: offset + 1)
        }
        for (name, family) in families where family.type == "histogram" {
            try checkHistogram(name, family)
        }
    }

    private mutating func read(_ line: String, number: Int) throws {
        if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
            let rest = line.dropFirst(7)
            guard let space = rest.firstIndex(of: " ") else {
                throw Problem.malformed(line: number, reason: "comment without text")
            }
            let name = String(rest[..<space])
            let text = String(rest[rest.index(after: space)...])
            if line.hasPrefix("# HELP ") {
                guard families[name]?.help == nil else { throw Problem.malformed(line: number, reason: "second HELP") }
                families[name, default: Family()].help = try unescape(text, quotes: false, line: number)
            } else {
                guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(text) else {
                    throw Problem.malformed(line: number, reason: "unknown type \(text)")
                }
                guard families[name]?.type == nil, families[name]?.samples.isEmpty ?? true else {
                    throw Problem.malformed(line: number, reason: "TYPE repeated or after samples")
                }
                families[name, default: Family()].type = text
            }
            return
        }
        var cursor = line[...]
        let name = String(cursor.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        guard !name.isEmpty, !(name.first!.isNumber) else { throw Problem.malformed(line: number, reason: "no name") }
        cursor = cursor.dropFirst(name.count)
        var labels: [String: String] = [:]
        if cursor.first == "{" {
            cursor = cursor.dropFirst()
            while cursor.first != "}" {
                let labelName = String(cursor.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                cursor = cursor.dropFirst(labelName.count)
                guard !labelName.isEmpty, cursor.hasPrefix("=\"") else {
                    throw Problem.malformed(line: number, reason: "bad label near \(cursor)")
                }
                cursor = cursor.dropFirst(2)
                var raw = ""
                while let character = cursor.first, character != "\"" {
                    raw.append(character)
                    cursor = cursor.dropFirst()
                    if character == "\\", let next = cursor.first {
                        raw.append(next)
                        cursor = cursor.dropFirst()
                    }
                }
                guard cursor.first == "\"" else { throw Problem.malformed(line: number, reason: "unterminated value") }
                cursor = cursor.dropFirst()
                guard labels[labelName] == nil else { throw Problem.malformed(line: number, reason: "repeated label") }
                labels[labelName] = try unescape(raw, quotes: true, line: number)
                if cursor.first == "," { cursor = cursor.dropFirst() }
            }
            cursor = cursor.dropFirst()
        }
        guard cursor.first == " " else { throw Problem.malformed(line: number, reason: "no space before the value") }
        let valueText = String(cursor.dropFirst())
        guard let value = Self.number(valueText) else {
            throw Problem.malformed(line: number, reason: "bad value \(valueText)")
        }
        let family = Self.familyName(of: name, in: families)
        guard families[family]?.type != nil else {
            throw Problem.malformed(line: number, reason: "sample \(name) before its TYPE")
        }
        families[family]!.samples.append(Sample(name: name, labels: labels, value: value))
    }

    private func checkHistogram(_ name: String, _ family: Family) throws {
        var groups: [[String: String]: [Sample]] = [:]
        for sample in family.samples {
            var key = sample.labels
            key["le"] = nil
            groups[key, default: []].append(sample)
        }
        for (labels, samples) in groups {
            let buckets = samples.filter { $0.name == name + "_bucket" }
            let bounds = buckets.map { Self.number($0.labels["le"] ?? "") ?? .nan }
            guard bounds.last == .infinity, zip(bounds, bounds.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw Problem.malformed(line: 0, reason: "\(name)\(labels): bounds \(bounds) not increasing to +Inf")
            }
            let counts = buckets.map(\.value)
            guard zip(counts, counts.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw Problem.malformed(line: 0, reason: "\(name)\(labels): buckets not cumulative")
            }
            guard let count = samples.first(where: { $0.name == name + "_count" })?.value, count == counts.last,
                samples.contains(where: { $0.name == name + "_sum" })
            else {
                throw Problem.malformed(line: 0, reason: "\(name)\(labels): _count/_sum missing or wrong")
            }
        }
    }

    private static func familyName(of sample: String, in families: [String: Family]) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where sample.hasSuffix(suffix) {
            let base = String(sample.dropLast(suffix.count))
            if families[base]?.type == "histogram" { return base }
        }
        return sample
    }

    private static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(text)
        }
    }

    private func unescape(_ text: String, quotes: Bool, line: Int) throws -> String {
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "\\": result.append("\\")
                case "n": result.append("\n")
                case "\"" where quotes: result.append("\"")
                default: throw Problem.malformed(line: line, reason: "bad escape \\\(character)")
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                if character == "\n" || (quotes && character == "\"") {
                    throw Problem.malformed(line: line, reason: "unescaped \(character)")
                }
                result.append(character)
            }
        }
        guard !escaping else { throw Problem.malformed(line: line, reason: "dangling backslash") }
        return result
    }
}
