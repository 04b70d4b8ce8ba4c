import Foundation
import LeptonData
import LeptonKernels

/// Why the prediction log refused an operation.
public enum PredictionLogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Feedback named a request id the log does not hold (never logged, or already evicted).
    case unknownRequestId(String)
    /// A prediction with this request id is already in the log.
    case duplicateRequestId(String)
    /// Reading or writing the log files failed.
    case io(path: String, reason: String)
    /// A configuration value is out of range.
    case invalidConfiguration(setting: String, reason: String)

    /// A sentence naming what went wrong.
    public var description: String {
        switch self {
        case .unknownRequestId(let id): return "no logged prediction has request id '\(id)' (unknown or evicted)"
        case .duplicateRequestId(let id): return "a prediction with request id '\(id)' is already logged"
        case .io(let path, let reason): return "prediction log I/O error at \(path): \(reason)"
        case .invalidConfiguration(let setting, let reason):
            return "invalid prediction log setting \(setting): \(reason)"
        }
    }
}

/// Settings of a ``PredictionLog``.
public struct PredictionLogConfiguration: Codable, Sendable, Equatable {
    /// The most records kept in memory; the oldest are evicted first (they stay on disk until rotated away).
    public var capacity: Int = 100_000
    /// The size at which the active file is rotated, in bytes.
    public var maxFileBytes: Int = 16 << 20
    /// The most files kept on disk, the active one included; older rotated files are deleted.
    public var maxFiles: Int = 8
    /// How long predictions stay joinable, measured on the log's own clock (the newest prediction's timestamp):
    /// when set, rotated files whose predictions are all older than this are deleted and ``maxFiles`` no longer
    /// bounds the count; `nil` (the default) keeps the count bound.
    public var retention: TimeInterval?
    /// Whether every line is flushed to the disk before the call returns (slower, survives power loss).
    public var syncEachWrite: Bool = false

    /// Creates the default configuration: 100,000 records in memory, 16 MiB files, 8 files.
    public init() {}
}

/// What reopening a log found on disk.
public struct PredictionLogRecovery: Sendable, Equatable {
    /// Lines read back.
    public var linesRead: Int
    /// Last lines cut short by a crash (no line feed), skipped and removed from the active file.
    public var tornLinesSkipped: Int
    /// Complete lines that did not decode, skipped.
    public var corruptLinesSkipped: Int
}

/// A bounded log of served predictions, keyed by request id, persisted as append-only JSON Lines, with delayed
/// ground truth joined by request id.
///
/// Late labels: a persisted log keeps a join index of every prediction still on disk (request id, time, file,
/// label — about 100 bytes each), so feedback for a record long evicted from memory is still joined (appended to
/// the log and applied on reading), also after a restart, until the prediction's file is deleted: after
/// ``PredictionLogConfiguration/retention`` when set (time-bounded), else when more than
/// ``PredictionLogConfiguration/maxFiles`` files exist.
/// The same label delivered twice is recorded once; a different label corrects the earlier one.
///
/// On disk every prediction and every feedback is one line (`{"prediction":{…}}` or `{"feedback":{…}}`) in
/// `predictions.jsonl`, rotated at a size limit (see ``PredictionLogConfiguration``). Reopening replays the files,
/// skipping — and counting in ``recovery`` — a torn last line or undecodable lines, never dropping earlier lines.
/// Thread-safe.
public final class PredictionLog: Sendable {
    /// What a persisted log remembers of every prediction still on disk, evicted from memory or not.
    private struct Known {
        var timestamp: Date
        var sequence: Int
        var label: FeatureValue?
        var feedbackTimestamp: Date?
    }

    private struct State {
        var byId: [String: PredictionRecord] = [:]
        var order = FIFOQueue<String>()
        var storage: PredictionLogStorage?
        /// Every prediction on disk by request id (persisted logs only): the join index of late labels.
        var known: [String: Known] = [:]
        var labelledCount = 0
        var prunedBelow = 0
        var duplicateFeedback = 0
        /// The newest prediction timestamp in each file sequence (persisted logs only), for time retention.
        var newestBySequence: [Int: Date] = [:]
    }

    /// The settings in force.
    public let configuration: PredictionLogConfiguration
    /// What opening the log found on disk (all zeros for a new or in-memory log).
    public let recovery: PredictionLogRecovery
    // The storage object is only touched under the mutex, so the state can be sent to it.
    private let state: PthreadMutex<State>

    /// Opens a log.
    /// - Parameters:
    ///   - directory: where to persist it (created if needed; existing files are replayed), or `nil` to keep it in
    ///     memory only.
    ///   - configuration: capacity and file settings.
    /// - Throws: ``PredictionLogError/io(path:reason:)`` when the directory cannot be used, or
    ///   ``PredictionLogError/invalidConfiguration(setting:reason:)``.
    public init(directory: URL? = nil, configuration: PredictionLogConfiguration = .init()) throws(PredictionLogError) {
        for (setting, value) in [
            ("capacity", configuration.capacity), ("maxFileBytes", configuration.maxFileBytes),
            ("maxFiles", configuration.maxFiles),
        ] where value < 1 {
            throw .invalidConfiguration(setting: setting, reason: "must be at least 1, got \(value)")
        }
        if let retention = configuration.retention, !(retention > 0) {
            throw .invalidConfiguration(setting: "retention", reason: "must be positive seconds, got \(retention)")
        }
        self.configuration = configuration
        var initial = State()
        var recovery = PredictionLogRecovery(linesRead: 0, tornLinesSkipped: 0, corruptLinesSkipped: 0)
        if let directory {
            let (storage, recovered) = try PredictionLogStorage.open(
                directory: directory, maxFileBytes: configuration.maxFileBytes,
                maxFiles: configuration.retention == nil ? configuration.maxFiles : nil,
                syncEachWrite: configuration.syncEachWrite)
            for (line, sequence) in zip(recovered.lines, recovered.sequences) {
                if let record = line.prediction {
                    Self.insert(record, into: &initial, capacity: configuration.capacity)
                    initial.known[record.requestId] = Known(
                        timestamp: record.timestamp, sequence: sequence, label: record.groundTruth,
                        feedbackTimestamp: record.feedbackTimestamp)
                    if record.groundTruth != nil { initial.labelledCount += 1 }
                    initial.newestBySequence[sequence] = max(
                        initial.newestBySequence[sequence] ?? record.timestamp, record.timestamp)
                } else if let feedback = line.feedback {
                    initial.byId[feedback.requestId]?.groundTruth = feedback.label
                    initial.byId[feedback.requestId]?.feedbackTimestamp = feedback.timestamp
                    if initial.known[feedback.requestId]?.label == nil, initial.known[feedback.requestId] != nil {
                        initial.labelledCount += 1
                    }
                    initial.known[feedback.requestId]?.label = feedback.label
                    initial.known[feedback.requestId]?.feedbackTimestamp = feedback.timestamp
                }
            }
            initial.storage = storage
            initial.prunedBelow = storage.oldestKeptSequence
            recovery = PredictionLogRecovery(
                linesRead: recovered.lines.count, tornLinesSkipped: recovered.tornLines,
                corruptLinesSkipped: recovered.corruptLines)
        }
        self.recovery = recovery
        state = PthreadMutex(initial)
    }

    /// Logs one prediction (and writes it to disk when persisted).
    /// - Parameter record: the prediction; its request id must be new.
    /// - Throws: ``PredictionLogError/duplicateRequestId(_:)`` or ``PredictionLogError/io(path:reason:)``.
    public func append(_ record: PredictionRecord) throws(PredictionLogError) {
        try state.withLock { state throws(PredictionLogError) in
            guard state.byId[record.requestId] == nil, state.known[record.requestId] == nil else {
                throw .duplicateRequestId(record.requestId)
            }
            try state.storage?.append(PredictionLogLine(prediction: record))
            Self.insert(record, into: &state, capacity: configuration.capacity)
            if let storage = state.storage {
                state.known[record.requestId] = Known(
                    timestamp: record.timestamp, sequence: storage.activeSequence, label: record.groundTruth,
                    feedbackTimestamp: record.feedbackTimestamp)
                if record.groundTruth != nil { state.labelledCount += 1 }
                state.newestBySequence[storage.activeSequence] = max(
                    state.newestBySequence[storage.activeSequence] ?? record.timestamp, record.timestamp)
                if let retention = configuration.retention {
                    let cutoff = record.timestamp.addingTimeInterval(-retention)
                    var expired: Int?
                    var sequence = storage.oldestKeptSequence
                    while sequence < storage.activeSequence,
                        (state.newestBySequence[sequence] ?? .distantPast) < cutoff
                    {
                        expired = sequence
                        sequence += 1
                    }
                    if let expired { storage.removeFiles(through: expired) }
                }
                if storage.oldestKeptSequence > state.prunedBelow {
                    // Rotation deleted the oldest file: its predictions can no longer be joined.
                    let oldest = storage.oldestKeptSequence
                    for (id, known) in state.known where known.sequence < oldest {
                        if known.label != nil { state.labelledCount -= 1 }
                        state.known[id] = nil
                    }
                    state.prunedBelow = oldest
                    state.newestBySequence = state.newestBySequence.filter { $0.key >= oldest }
                }
            }
        }
    }

    /// Joins delayed ground truth to a logged prediction — in memory, or on disk for a persisted log whose record was
    /// evicted from memory. Later feedback with a different label replaces earlier feedback (corrections); the same
    /// label again is ignored and counted in ``labelCoverage``.
    /// - Parameters:
    ///   - requestId: the request the truth belongs to.
    ///   - label: the true label or value.
    ///   - date: when the truth arrived (default: now).
    /// - Throws: ``PredictionLogError/unknownRequestId(_:)`` when neither memory nor the files on disk hold this id, or
    ///   ``PredictionLogError/io(path:reason:)``.
    public func recordFeedback(requestId: String, label: FeatureValue, at date: Date = Date())
        throws(PredictionLogError)
    {
        try state.withLock { state throws(PredictionLogError) in
            let known = state.known[requestId]
            guard state.byId[requestId] != nil || known != nil else { throw .unknownRequestId(requestId) }
            let current = state.byId[requestId]?.groundTruth ?? known?.label
            if current == label {
                // The same label again (a redelivered message): nothing to change.
                state.duplicateFeedback += 1
                return
            }
            let feedback = PredictionLogLine.Feedback(requestId: requestId, label: label, timestamp: date)
            try state.storage?.append(PredictionLogLine(feedback: feedback))
            state.byId[requestId]?.groundTruth = label
            state.byId[requestId]?.feedbackTimestamp = date
            if known != nil {
                if known?.label == nil { state.labelledCount += 1 }
                state.known[requestId]?.label = label
                state.known[requestId]?.feedbackTimestamp = date
            }
        }
    }

    /// The record of one request, with its feedback: from memory, or — for a persisted log — read back from disk
    /// when it was evicted from memory (a slow path that scans one log file).
    /// - Parameter requestId: the request id.
    /// - Returns: the record with its feedback, or `nil` when the log does not hold it (or its file is unreadable).
    public func record(requestId: String) -> PredictionRecord? {
        state.withLock { state in
            if let record = state.byId[requestId] { return record }
            guard let known = state.known[requestId], let storage = state.storage,
                var record = try? storage.lookup(requestId: requestId, sequence: known.sequence)
            else { return nil }
            record.groundTruth = known.label
            record.feedbackTimestamp = known.feedbackTimestamp
            return record
        }
    }

    /// Label coverage of a persisted log: the predictions still on disk, how many have a label, and how many
    /// feedback messages repeated a label already recorded. Predictions whose label never arrives stay unlabelled
    /// until rotation deletes their file. (In-memory logs count the records held.)
    public var labelCoverage: LabelCoverage {
        state.withLock { state in
            if state.storage == nil {
                let labelled = state.byId.values.lazy.filter { $0.groundTruth != nil }.count
                return LabelCoverage(
                    predictions: state.byId.count, labelled: labelled, duplicateFeedback: state.duplicateFeedback)
            }
            return LabelCoverage(
                predictions: state.known.count, labelled: state.labelledCount,
                duplicateFeedback: state.duplicateFeedback)
        }
    }

    /// The number of records held in memory.
    public var count: Int { state.withLock { $0.byId.count } }

    /// Every held record, oldest logged first.
    public var records: [PredictionRecord] {
        state.withLock { state in state.order.elements.compactMap { state.byId[$0] } }
    }

    /// The held records whose prediction time lies in `interval` (start included, end excluded).
    /// - Parameter interval: the time span.
    /// - Returns: the records, oldest logged first.
    public func records(in interval: DateInterval) -> [PredictionRecord] {
        records.filter { $0.timestamp >= interval.start && $0.timestamp < interval.end }
    }

    /// Flushes everything written so far to the disk (no-op in memory).
    /// - Throws: ``PredictionLogError/io(path:reason:)``.
    public func synchronize() throws(PredictionLogError) {
        try state.withLock { state throws(PredictionLogError) in try state.storage?.synchronize() }
    }

    /// Realised model performance over windows of the records that have ground truth.
    /// - Parameters:
    ///   - windowing: count or time windows (see ``RecordWindowing``).
    ///   - metric: computes the metric (accuracy, AUC, MAE…) from the labelled records of one window.
    /// - Returns: one value per window, oldest first.
    public func realisedPerformance(
        windowing: RecordWindowing, metric: ([PredictionRecord]) -> Double
    ) -> [WindowedValue] {
        let labelled = records.filter { $0.groundTruth != nil }.sorted { $0.timestamp < $1.timestamp }
        return windowing.windows(of: labelled).map { window in
            WindowedValue(interval: window.interval, count: window.records.count, value: metric(window.records))
        }
    }

    private static func insert(_ record: PredictionRecord, into state: inout State, capacity: Int) {
        if state.byId.updateValue(record, forKey: record.requestId) == nil { state.order.append(record.requestId) }
        while state.byId.count > capacity, let oldest = state.order.popFirst() {
            state.byId[oldest] = nil
        }
    }
}
