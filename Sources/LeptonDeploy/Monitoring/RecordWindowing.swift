import Foundation

/// How records are cut into monitoring windows.
public enum RecordWindowing: Sendable, Equatable {
    /// Consecutive windows of exactly this many records; a last, incomplete window is left out.
    case count(Int)
    /// Consecutive windows of this length, starting at the first record's time; empty windows are left out and the
    /// last window may be incomplete.
    case time(TimeInterval)

    /// Cuts records, sorted by timestamp, into windows.
    /// - Parameter records: the records, oldest first.
    /// - Returns: the windows, oldest first.
    public func windows(of records: [PredictionRecord]) -> [RecordWindow] {
        guard let first = records.first else { return [] }
        switch self {
        case .count(let size):
            precondition(size >= 1, "RecordWindowing.count: window size must be at least 1, got \(size)")
            return stride(from: 0, to: records.count - size + 1, by: size).map { start in
                let slice = Array(records[start..<start + size])
                return RecordWindow(
                    interval: DateInterval(start: slice[0].timestamp, end: slice[slice.count - 1].timestamp),
                    records: slice)
            }
        case .time(let length):
            precondition(length > 0, "RecordWindowing.time: window length must be positive, got \(length)")
            var windows: [RecordWindow] = []
            var index = 0
            while index < records.count {
                let number = ((records[index].timestamp.timeIntervalSince(first.timestamp)) / length).rounded(.down)
                let start = first.timestamp.addingTimeInterval(number * length)
                let end = start.addingTimeInterval(length)
                var slice: [PredictionRecord] = []
                while index < records.count && records[index].timestamp < end {
                    slice.append(records[index])
                    index += 1
                }
                windows.append(RecordWindow(interval: DateInterval(start: start, end: end), records: slice))
            }
            return windows
        }
    }
}

/// One monitoring window of records.
public struct RecordWindow: Sendable, Equatable {
    /// The window's time span (for count windows: first to last record).
    public var interval: DateInterval
    /// The records in it, oldest first.
    public var records: [PredictionRecord]
}

/// A value computed over one window (a realised metric, an error rate…).
public struct WindowedValue: Codable, Sendable, Equatable {
    /// The window's time span.
    public var interval: DateInterval
    /// The number of records behind the value.
    public var count: Int
    /// The value.
    public var value: Double
}
