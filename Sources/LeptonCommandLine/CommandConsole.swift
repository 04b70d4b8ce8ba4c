import Foundation
import LeptonDeploy
import LeptonKernels

/// Where a command writes: standard output and standard error, or buffers for tests.
public struct CommandConsole: Sendable {
    private let writeOutput: @Sendable (String) -> Void
    private let writeError: @Sendable (String) -> Void

    /// A console writing through the given functions.
    /// - Parameters:
    ///   - output: receives standard-output text.
    ///   - error: receives standard-error text.
    public init(output: @escaping @Sendable (String) -> Void, error: @escaping @Sendable (String) -> Void) {
        writeOutput = output
        writeError = error
    }

    /// The process's standard output and standard error.
    public static let standard = CommandConsole(
        output: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        error: { text in FileHandle.standardError.write(Data(text.utf8)) })

    /// Writes a line to standard output.
    /// - Parameter line: the text, without its newline.
    public func print(_ line: String = "") { writeOutput(line + "\n") }

    /// Writes a line to standard error.
    /// - Parameter line: the text, without its newline.
    public func printError(_ line: String) { writeError(line + "\n") }
}

/// A console that keeps what commands write, for tests.
public final class CapturedConsole: Sendable {
    private let buffers = PthreadMutex<(output: String, error: String)>(("", ""))

    /// An empty capture.
    public init() {}

    /// The console to hand to a command.
    public var console: CommandConsole {
        CommandConsole(
            output: { text in self.buffers.withLock { $0.output += text } },
            error: { text in self.buffers.withLock { $0.error += text } })
    }

    /// Everything written to standard output so far.
    public var output: String { buffers.withLock { $0.output } }
    /// Everything written to standard error so far.
    public var error: String { buffers.withLock { $0.error } }
}
