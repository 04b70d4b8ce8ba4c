import Foundation

/// Writes one CSV row per epoch (`epoch` then the log keys, sorted), rewriting the file atomically each epoch.
public final class CSVLogger: Callback {
    /// The destination.
    public let url: URL
    private var rows: [[String: Double]] = []

    /// Creates the logger.
    ///
    /// - Parameter url: The CSV file to write.
    public init(url: URL) { self.url = url }

    /// Starts a new file.
    public func trainingWillBegin(_ state: TrainingState) throws { rows = [] }

    /// Appends the epoch and rewrites the file.
    public func epochDidEnd(_ epoch: Int, logs: [String: Double], state: TrainingState) throws {
        var row = logs
        row["epoch"] = Double(epoch)
        rows.append(row)
        let keys = ["epoch"] + Set(rows.flatMap { $0.keys }).subtracting(["epoch"]).sorted()
        var text = keys.joined(separator: ",") + "\n"
        for row in rows {
            text +=
                keys.map { key in row[key].map { key == "epoch" ? String(Int($0)) : String($0) } ?? "" }
                .joined(separator: ",") + "\n"
        }
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw CallbackError.writeFailed(url: url, reason: error.localizedDescription)
        }
    }
}

/// A callback could not do its work.
public enum CallbackError: Error, Equatable, CustomStringConvertible {
    /// A file could not be written.
    case writeFailed(url: URL, reason: String)

    /// A sentence naming the file and the reason.
    public var description: String {
        switch self {
        case .writeFailed(let url, let reason): return "could not write \(url.path): \(reason)"
        }
    }
}
