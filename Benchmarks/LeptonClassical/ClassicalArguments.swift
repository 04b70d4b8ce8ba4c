import Foundation
import Lepton

/// Command-line options: `--name value` pairs, `--flag` switches and repeated `--set key=value` settings.
struct ClassicalArguments {
    /// Problems with the command line.
    enum Problem: Error, CustomStringConvertible {
        case missingValue(String)
        case missingOption(String)
        case invalidValue(option: String, value: String)
        case unknownEstimator(String)
        case unknownSetting(estimator: String, key: String)

        var description: String {
            switch self {
            case .missingValue(let option): return "option --\(option) needs a value"
            case .missingOption(let option): return "option --\(option) is required"
            case .invalidValue(let option, let value): return "option \(option) has invalid value \(value)"
            case .unknownEstimator(let name): return "unknown estimator \(name)"
            case .unknownSetting(let estimator, let key): return "estimator \(estimator) has no setting \(key)"
            }
        }
    }

    private var values: [String: String] = [:]
    private var flags: Set<String> = []
    /// The `--set key=value` settings, in order.
    private(set) var settings: [(key: String, value: String)] = []

    init(_ arguments: [String]) throws {
        var index = 0
        while index < arguments.count {
            let option = String(arguments[index].drop { $0 == "-" })
            let next = index + 1 < arguments.count ? arguments[index + 1] : nil
            if let next, !next.hasPrefix("--") {
                if option == "set" {
                    let parts = next.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw Problem.invalidValue(option: "--set", value: next) }
                    settings.append((parts[0], parts[1]))
                } else {
                    values[option] = next
                }
                index += 2
            } else {
                flags.insert(option)
                index += 1
            }
        }
    }

    func string(_ name: String) throws -> String {
        guard let value = values[name] else { throw Problem.missingOption(name) }
        return value
    }

    func string(_ name: String, default fallback: String) -> String { values[name] ?? fallback }

    func integer(_ name: String, default fallback: Int) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text) else { throw Problem.invalidValue(option: "--\(name)", value: text) }
        return value
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }
}

/// Parses a setting's value.
func number(_ setting: (key: String, value: String)) throws -> Double {
    guard let value = Double(setting.value) else {
        throw ClassicalArguments.Problem.invalidValue(option: setting.key, value: setting.value)
    }
    return value
}

/// Parses an integer setting.
func integer(_ setting: (key: String, value: String)) throws -> Int {
    guard let value = Int(setting.value) else {
        throw ClassicalArguments.Problem.invalidValue(option: setting.key, value: setting.value)
    }
    return value
}

/// Prints one JSON object on its own line.
func emit(_ object: [String: Any]) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}
