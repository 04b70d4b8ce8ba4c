import Foundation
import LeptonData

/// One line of the prediction log file: a prediction or a piece of feedback.
struct PredictionLogLine: Codable {
    /// Set on prediction lines.
    var prediction: PredictionRecord?
    /// Set on feedback lines.
    var feedback: Feedback?

    struct Feedback: Codable {
        var requestId: String
        var label: FeatureValue
        var timestamp: Date
    }
}

/// Append-only JSON Lines files with rotation: `predictions.jsonl` is written; when the next line would take it
/// past the size limit it is renamed `predictions.000001.jsonl` (then `…000002…`) and a new one is started; the
/// oldest rotated files beyond the file limit are deleted.
final class PredictionLogStorage {
    static let activeName = "predictions.jsonl"

    /// What reopening found: decoded lines in file order, plus counts of lines that could not be read.
    struct Recovered {
        var lines: [PredictionLogLine] = []
        /// The file sequence each line lives in (the active file counts as the sequence it will get on rotation).
        var sequences: [Int] = []
        var tornLines = 0
        var corruptLines = 0
    }

    let directory: URL
    private let maxFileBytes: Int
    /// The most files kept (nil: no count bound; the log deletes by age).
    private let maxFiles: Int?
    /// Rotated files below this sequence have been deleted.
    private(set) var oldestKeptSequence: Int
    private let syncEachWrite: Bool
    private var handle: FileHandle
    private var activeBytes: Int
    private var nextSequence: Int
    private let encoder: JSONEncoder

    private var activeURL: URL { directory.appendingPathComponent(Self.activeName) }

    /// Opens (creating if needed) the log in `directory` and reads everything already there.
    ///
    /// A last line without its line feed is a write torn by a crash: it is skipped, counted, and cut off the active
    /// file so that the next line starts cleanly. A complete line that does not decode is skipped and counted. Every
    /// other line is kept.
    static func open(directory: URL, maxFileBytes: Int, maxFiles: Int?, syncEachWrite: Bool) throws(PredictionLogError)
        -> (PredictionLogStorage, Recovered)
    {
        let files = FileManager.default
        var recovered = Recovered()
        let rotated: [(sequence: Int, url: URL)]
        do {
            try files.createDirectory(at: directory, withIntermediateDirectories: true)
            rotated = try files.contentsOfDirectory(atPath: directory.path).compactMap { name in
                rotatedSequence(of: name).map { ($0, directory.appendingPathComponent(name)) }
            }.sorted { $0.sequence < $1.sequence }
        } catch {
            throw .io(path: directory.path, reason: "cannot create or list the log directory: \(error)")
        }
        for file in rotated { _ = try read(file.url, sequence: file.sequence, into: &recovered) }
        let active = directory.appendingPathComponent(activeName)
        if !files.fileExists(atPath: active.path) && !files.createFile(atPath: active.path, contents: nil) {
            throw .io(path: active.path, reason: "cannot create the log file")
        }
        let keptBytes = try read(active, sequence: (rotated.last?.sequence ?? 0) + 1, into: &recovered)
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: active)
            try handle.truncate(atOffset: UInt64(keptBytes))
            try handle.seekToEnd()
        } catch {
            throw .io(path: active.path, reason: "cannot open for appending: \(error)")
        }
        let storage = PredictionLogStorage(
            directory: directory, maxFileBytes: maxFileBytes, maxFiles: maxFiles, syncEachWrite: syncEachWrite,
            handle: handle, activeBytes: keptBytes, nextSequence: (rotated.last?.sequence ?? 0) + 1,
            oldestKeptSequence: rotated.first?.sequence ?? (rotated.last?.sequence ?? 0) + 1)
        return (storage, recovered)
    }

    private init(
        directory: URL, maxFileBytes: Int, maxFiles: Int?, syncEachWrite: Bool, handle: FileHandle, activeBytes: Int,
        nextSequence: Int, oldestKeptSequence: Int
    ) {
        self.oldestKeptSequence = oldestKeptSequence
        self.directory = directory
        self.maxFileBytes = maxFileBytes
        self.maxFiles = maxFiles
        self.syncEachWrite = syncEachWrite
        self.handle = handle
        self.activeBytes = activeBytes
        self.nextSequence = nextSequence
        encoder = makeLogEncoder()
    }

    deinit { try? handle.close() }

    /// Appends one line, rotating first when it would not fit in the active file.
    func append(_ line: PredictionLogLine) throws(PredictionLogError) {
        var data: Data
        do {
            data = try encoder.encode(line)
        } catch {
            throw .io(path: activeURL.path, reason: "cannot encode a log line: \(error)")
        }
        data.append(0x0A)
        if activeBytes > 0 && activeBytes + data.count > maxFileBytes { try rotate() }
        do {
            try handle.write(contentsOf: data)
            if syncEachWrite { try handle.synchronize() }
        } catch {
            throw .io(path: activeURL.path, reason: "cannot append: \(error)")
        }
        activeBytes += data.count
    }

    /// Flushes written lines to the disk.
    /// The sequence the lines appended now will live under (the active file's number once rotated).
    var activeSequence: Int { nextSequence }

    /// Deletes the rotated files up to and including `sequence` (never the active file).
    func removeFiles(through sequence: Int) {
        let last = Swift.min(sequence, nextSequence - 1)
        guard last >= oldestKeptSequence else { return }
        for old in oldestKeptSequence...last {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(Self.rotatedName(old)))
        }
        oldestKeptSequence = last + 1
    }

    /// Reads the prediction of `requestId` back from the file of sequence `sequence` (the log keeps its feedback in
    /// memory). A slow path for records evicted from memory: it reads and scans one file.
    func lookup(requestId: String, sequence: Int) throws(PredictionLogError) -> PredictionRecord? {
        let url = sequence == nextSequence ? activeURL : directory.appendingPathComponent(Self.rotatedName(sequence))
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .io(path: url.path, reason: "cannot read: \(error)") }
        var needle = Data("\"requestId\":".utf8)
        needle.append((try? encoder.encode(requestId)) ?? Data())
        let decoder = makeLogDecoder()
        var lineStart = data.startIndex
        while let newline = data[lineStart...].firstIndex(of: 0x0A) {
            let line = data[lineStart..<newline]
            lineStart = newline + 1
            guard line.firstRange(of: needle) != nil,
                let prediction = (try? decoder.decode(PredictionLogLine.self, from: line))?.prediction,
                prediction.requestId == requestId
            else { continue }
            return prediction
        }
        return nil
    }

    func synchronize() throws(PredictionLogError) {
        do { try handle.synchronize() } catch { throw .io(path: activeURL.path, reason: "cannot sync: \(error)") }
    }

    private func rotate() throws(PredictionLogError) {
        let files = FileManager.default
        let rotatedURL = directory.appendingPathComponent(Self.rotatedName(nextSequence))
        do {
            try handle.synchronize()
            try handle.close()
            try files.moveItem(at: activeURL, to: rotatedURL)
            guard files.createFile(atPath: activeURL.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown)
            }
            handle = try FileHandle(forWritingTo: activeURL)
        } catch {
            throw .io(path: activeURL.path, reason: "cannot rotate to \(rotatedURL.lastPathComponent): \(error)")
        }
        nextSequence += 1
        activeBytes = 0
        guard let maxFiles else { return }
        let oldestKept = nextSequence - (maxFiles - 1)
        let names = (try? files.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names {
            if let sequence = Self.rotatedSequence(of: name), sequence < oldestKept {
                try? files.removeItem(at: directory.appendingPathComponent(name))
            }
        }
        oldestKeptSequence = Swift.max(oldestKeptSequence, oldestKept)
    }

    /// Decodes the lines of one file into `recovered` and returns the byte length of its complete lines.
    private static func read(_ url: URL, sequence: Int, into recovered: inout Recovered) throws(PredictionLogError)
        -> Int
    {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .io(path: url.path, reason: "cannot read: \(error)")
        }
        let decoder = makeLogDecoder()
        var lineStart = data.startIndex
        while let newline = data[lineStart...].firstIndex(of: 0x0A) {
            let line = data[lineStart..<newline]
            if !line.isEmpty {
                if let decoded = try? decoder.decode(PredictionLogLine.self, from: line) {
                    recovered.lines.append(decoded)
                    recovered.sequences.append(sequence)
                } else {
                    recovered.corruptLines += 1
                }
            }
            lineStart = newline + 1
        }
        if lineStart < data.endIndex { recovered.tornLines += 1 }
        return lineStart - data.startIndex
    }

    private static func rotatedName(_ sequence: Int) -> String {
        let digits = String(sequence)
        return "predictions." + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".jsonl"
    }

    private static func rotatedSequence(of name: String) -> Int? {
        guard name.hasPrefix("predictions."), name.hasSuffix(".jsonl"), name != activeName else { return nil }
        return Int(name.dropFirst("predictions.".count).dropLast(".jsonl".count))
    }
}

/// The JSON encoder of log lines: sorted keys, dates in seconds since 1970, non-finite numbers as strings.
func makeLogEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .secondsSince1970
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
    return encoder
}

/// The JSON decoder matching ``makeLogEncoder()``.
func makeLogDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .secondsSince1970
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
        positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
    return decoder
}
