import Foundation

/// Shows training progress: on a terminal, a live bar per epoch with ETA and running metrics; otherwise (a
/// log file, CI) one plain line per epoch.
public final class ProgressDisplay: Callback {
    private let isTerminal: Bool
    private var epochStart = Date()
    private var lastDraw = Date.distantPast
    private let output: (String) -> Void

    /// Creates the display.
    ///
    /// - Parameters:
    ///   - isTerminal: Whether to draw a live bar; by default, whether standard output is a terminal.
    ///   - output: Where text goes (standard output by default).
    public init(
        isTerminal: Bool? = nil,
        output: @escaping (String) -> Void = {
            print($0, terminator: "")
            fflush(nil)
        }
    ) {
        self.isTerminal = isTerminal ?? (isatty(STDOUT_FILENO) != 0)
        self.output = output
    }

    /// Starts the epoch clock.
    public func epochWillBegin(_ epoch: Int, state: TrainingState) throws {
        epochStart = Date()
        lastDraw = .distantPast
    }

    /// Redraws the bar (at most ten times a second) on a terminal.
    public func batchDidEnd(_ batch: Int, logs: [String: Double], state: TrainingState) throws {
        guard isTerminal else { return }
        let now = Date()
        guard batch + 1 == state.batchesPerEpoch || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let done = batch + 1
        let elapsed = now.timeIntervalSince(epochStart)
        let remaining = elapsed / Double(done) * Double(state.batchesPerEpoch - done)
        let width = 30
        let filled = width * done / Swift.max(state.batchesPerEpoch, 1)
        let bar = String(repeating: "━", count: filled) + String(repeating: "─", count: width - filled)
        output(
            "\r\u{1B}[2KEpoch \(state.epoch + 1)/\(state.epochs) \(bar) \(done)/\(state.batchesPerEpoch) ETA \(Self.duration(remaining)) \(Self.format(logs))"
        )
    }

    /// Prints the epoch's summary line.
    public func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {
        let seconds = Date().timeIntervalSince(epochStart)
        let prefix = isTerminal ? "\r\u{1B}[2K" : ""
        output("\(prefix)Epoch \(epoch + 1)/\(state.epochs) - \(Self.duration(seconds)) - \(Self.format(logs))\n")
    }

    static func format(_ logs: [String: Double]) -> String {
        let order =
            ["loss"] + logs.keys.filter { $0 != "loss" && !$0.hasPrefix("val_") && $0 != "lr" }.sorted()
            + logs.keys.filter { $0.hasPrefix("val_") }.sorted()
        return order.compactMap { key in logs[key].map { "\(key): \(String(format: "%.4f", $0))" } }
            .joined(separator: " - ")
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return String(format: "%.0fms", seconds * 1000) }
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        return String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    }
}
