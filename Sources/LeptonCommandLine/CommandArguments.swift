import Foundation
import LeptonDeploy

/// A command's arguments split into positional values, `--name value` options and `--flag`s, parsed by hand.
struct CommandArguments {
    /// A mistake in the arguments, reported with the usage text and exit code 2.
    struct UsageError: Error {
        let message: String
    }

    private(set) var positional: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []

    /// Parses `arguments` given the names of the options that take a value and of the flags.
    init(_ arguments: [String], options valued: Set<String>, flags known: Set<String>) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positional.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if valued.contains(name) {
                if let inlineValue {
                    options[name] = inlineValue
                } else {
                    guard index < arguments.count else { throw UsageError(message: "--\(name) needs a value") }
                    options[name] = arguments[index]
                    index += 1
                }
            } else if known.contains(name), inlineValue == nil {
                flags.insert(name)
            } else {
                throw UsageError(message: "unknown option --\(name)")
            }
        }
    }

    /// The value of `--name`, if given.
    func option(_ name: String) -> String? { options[name] }

    /// Whether `--name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The value of `--name` as a positive integer, or `defaultValue`.
    func positiveInteger(_ name: String, default defaultValue: Int) throws(UsageError) -> Int {
        guard let text = options[name] else { return defaultValue }
        guard let value = Int(text), value >= 1 else {
            throw UsageError(message: "--\(name) must be a positive integer, got '\(text)'")
        }
        return value
    }

    /// The value of `--name` as a positive number, or `defaultValue`.
    func positiveNumber(_ name: String, default defaultValue: Double) throws(UsageError) -> Double {
        guard let text = options[name] else { return defaultValue }
        guard let value = Double(text), value > 0, value.isFinite else {
            throw UsageError(message: "--\(name) must be a positive number, got '\(text)'")
        }
        return value
    }

    /// The value of `--name` as a comma-separated list of positive integers, or `defaultValue`.
    func integerList(_ name: String, default defaultValue: [Int]) throws(UsageError) -> [Int] {
        guard let text = options[name] else { return defaultValue }
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw UsageError(message: "--\(name) must be a comma-separated list of positive integers, got '\(text)'")
        }
        return values.map { $0! }
    }

    /// Exactly `count` positional arguments, named in `names` for the message.
    func requirePositional(_ names: [String]) throws(UsageError) -> [String] {
        guard positional.count == names.count else {
            let expected = names.map { "<\($0)>" }.joined(separator: " ")
            throw UsageError(
                message: "expected \(expected), got \(positional.count) argument\(positional.count == 1 ? "" : "s")"
                    + (positional.isEmpty ? "" : " (\(positional.joined(separator: " ")))"))
        }
        return positional
    }
}
