import Foundation

/// The demo's narration: numbered stages, indented facts, and the elapsed time.
enum Story {
    nonisolated(unsafe) private static var stage = 0
    private static let started = Date()

    /// Starts a stage.
    static func stage(_ title: String) {
        stage += 1
        print("\n[\(stage)] \(title)  (t = \(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
        fflush(nil)
    }

    /// One fact of the current stage.
    static func say(_ text: String) {
        print("    " + text)
        fflush(nil)
    }

    /// A number with four decimals.
    static func number(_ value: Double) -> String { String(format: "%.4f", value) }

    /// Seconds since the demo started.
    static var elapsed: Double { Date().timeIntervalSince(started) }
}
