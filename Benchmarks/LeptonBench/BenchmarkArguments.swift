/// The `--name value` options of one benchmark command.
struct BenchmarkArguments {
    /// A problem with the command line.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    private var values: [String: String] = [:]

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            guard flag.hasPrefix("--"), index + 1 < arguments.count else {
                throw Problem(description: "expected --option value, found '\(flag)'")
            }
            values[String(flag.dropFirst(2))] = arguments[index + 1]
            index += 2
        }
    }

    /// A comma-separated list of integers, or `defaults` when the option is absent.
    func integers(_ name: String, default defaults: [Int]) throws -> [Int] {
        guard let text = values[name] else { return defaults }
        return try text.split(separator: ",").map { part in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)), value > 0 else {
                throw Problem(description: "--\(name): '\(part)' is not a positive integer")
            }
            return value
        }
    }

    /// A number, or `defaultValue` when the option is absent.
    func double(_ name: String, default defaultValue: Double) throws -> Double {
        guard let text = values[name] else { return defaultValue }
        guard let value = Double(text) else { throw Problem(description: "--\(name): '\(text)' is not a number") }
        return value
    }

    /// A string, or `defaultValue` when the option is absent.
    func string(_ name: String, default defaultValue: String) -> String {
        values[name] ?? defaultValue
    }
}
