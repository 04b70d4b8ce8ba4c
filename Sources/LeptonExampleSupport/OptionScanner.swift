import Foundation

/// Reads an example's command line as `--flag value` pairs, the one option syntax every example uses.
///
/// ```swift
/// var scanner = OptionScanner(CommandLine.arguments.dropFirst(), usage: usage)
/// while let option = try scanner.next() {
///     switch option.flag {
///     case "--epochs": epochs = try option.integer(in: 1...10_000)
///     default: throw option.unknown()
///     }
/// }
/// ```
///
/// `--help` and `-h` print the usage and exit with status 0; a flag without a value is an ``ExampleProblem``.
package struct OptionScanner {
    private var remaining: ArraySlice<String>
    private let usage: String

    /// Starts reading `arguments` (without the program name).
    ///
    /// - Parameters:
    ///   - arguments: The command-line arguments after the program name.
    ///   - usage: The usage text, printed for `--help` and appended to the messages about unknown or incomplete
    ///     options.
    package init(_ arguments: ArraySlice<String>, usage: String) {
        remaining = arguments
        self.usage = usage
    }

    /// The next flag and its value, or `nil` when the command line is used up.
    ///
    /// - Returns: The option.
    /// - Throws: ``ExampleProblem`` when the last flag has no value.
    package mutating func next() throws(ExampleProblem) -> OptionValue? {
        guard let flag = remaining.popFirst() else { return nil }
        if flag == "--help" || flag == "-h" {
            print(usage)
            exit(0)
        }
        guard let value = remaining.popFirst() else {
            throw ExampleProblem(description: "\(flag) needs a value\n\(usage)")
        }
        return OptionValue(flag: flag, text: value, usage: usage)
    }
}

/// One `--flag value` pair of an example's command line, with the conversions that name the flag when they fail.
package struct OptionValue {
    /// The flag, `--epochs` for example.
    package let flag: String
    /// The value as typed.
    package let text: String
    fileprivate let usage: String

    /// The value as an integer in `range`.
    ///
    /// - Parameter range: The accepted integers.
    /// - Returns: The integer.
    /// - Throws: ``ExampleProblem`` naming the flag, the value and the range.
    package func integer(in range: ClosedRange<Int>) throws(ExampleProblem) -> Int {
        guard let number = Int(text), range.contains(number) else {
            throw ExampleProblem(
                description: "\(flag): '\(text)' is not an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// The value as an integer above 0.
    ///
    /// - Returns: The integer.
    /// - Throws: ``ExampleProblem`` naming the flag and the value.
    package func positiveInteger() throws(ExampleProblem) -> Int {
        guard let number = Int(text), number > 0 else {
            throw ExampleProblem(description: "\(flag): '\(text)' is not a positive integer")
        }
        return number
    }

    /// The value as a number in `range`.
    ///
    /// - Parameter range: The accepted numbers.
    /// - Returns: The number.
    /// - Throws: ``ExampleProblem`` naming the flag, the value and the range.
    package func number(in range: ClosedRange<Float>) throws(ExampleProblem) -> Float {
        guard let number = Float(text), range.contains(number) else {
            throw ExampleProblem(description: "\(flag): '\(text)' is not a number in \(range)")
        }
        return number
    }

    /// The value as a file URL.
    package var fileURL: URL { URL(fileURLWithPath: text) }

    /// The problem to throw for a flag the example does not know.
    ///
    /// - Returns: A problem naming the flag, followed by the usage.
    package func unknown() -> ExampleProblem { ExampleProblem(description: "unknown option \(flag)\n\(usage)") }

    /// The problem to throw for a value the flag does not accept.
    ///
    /// - Parameter expected: What the flag accepts, `learned, sinusoidal or none` for example.
    /// - Returns: A problem naming the flag, the value and what was expected.
    package func invalid(expected: String) -> ExampleProblem {
        ExampleProblem(description: "\(flag): '\(text)' is not \(expected)")
    }
}
