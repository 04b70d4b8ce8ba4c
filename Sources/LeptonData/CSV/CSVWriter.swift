import Foundation

/// Writes RFC 4180 CSV atomically: records go to a temporary file next to the destination, which
/// ``finish()`` flushes to disk and renames over the destination. Readers never see a half-written file,
/// and an abandoned writer leaves the destination untouched.
///
/// Fields are quoted only when needed: when they contain the delimiter, a quote, CR or LF (and a record
/// made of one empty field is written as `""` so that it is not read back as a blank line).
public final class CSVWriter {
    /// The destination file.
    public let url: URL
    /// The dialect written.
    public let format: CSVFormat

    private let temporaryURL: URL
    private let handle: FileHandle
    private var pending: [UInt8] = []
    private var isFinished = false
    private let delimiter: UInt8
    private let terminator: [UInt8]

    /// Starts writing to a temporary file in the destination's directory.
    /// - Parameters:
    ///   - url: where the finished file goes (replaced if it exists).
    ///   - format: the dialect (delimiter and line terminator are used).
    /// - Throws: ``CSVError`` with ``CSVError/Problem/unwritable(reason:)`` if the temporary file cannot be created.
    public init(url: URL, format: CSVFormat = .csv) throws {
        try format.validate(source: url.path)
        self.url = url
        self.format = format
        delimiter = format.delimiterByte
        terminator = Array(format.lineTerminator.utf8)
        temporaryURL = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporaryURL.path, contents: nil) else {
            throw CSVError(file: url.path, problem: .unwritable(reason: "cannot create \(temporaryURL.path)"))
        }
        do {
            handle = try FileHandle(forWritingTo: temporaryURL)
        } catch {
            try? FileManager.default.removeItem(at: temporaryURL)
            throw CSVError(file: url.path, problem: .unwritable(reason: error.localizedDescription))
        }
    }

    deinit {
        if !isFinished {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporaryURL)
        }
    }

    /// Appends one record.
    /// - Parameter fields: the field values, unquoted.
    /// - Throws: ``CSVError`` if writing fails.
    public func write<Fields: Sequence>(_ fields: Fields) throws where Fields.Element: StringProtocol {
        precondition(!isFinished, "CSVWriter.write: called after finish() for \(url.path)")
        var fieldCount = 0
        var lastWasEmpty = false
        for field in fields {
            if fieldCount > 0 { pending.append(delimiter) }
            appendField(field)
            lastWasEmpty = field.isEmpty
            fieldCount += 1
        }
        if fieldCount == 1 && lastWasEmpty { pending.append(contentsOf: [0x22, 0x22]) }
        pending.append(contentsOf: terminator)
        if pending.count >= 1 << 20 { try flush() }
    }

    /// Writes the remaining bytes, syncs them to disk and renames the temporary file over ``url``.
    /// - Throws: ``CSVError`` if writing, syncing or renaming fails (the destination is then unchanged).
    public func finish() throws {
        precondition(!isFinished, "CSVWriter.finish: called twice for \(url.path)")
        try flush()
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw CSVError(file: url.path, problem: .unwritable(reason: error.localizedDescription))
        }
        guard rename(temporaryURL.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporaryURL)
            isFinished = true
            throw CSVError(file: url.path, problem: .unwritable(reason: "rename failed: \(reason)"))
        }
        isFinished = true
    }

    /// Writes `records` (after `header`, if given) to `url` atomically.
    /// - Parameters:
    ///   - header: the column names, or `nil` for none.
    ///   - records: the records.
    ///   - url: the destination.
    ///   - format: the dialect.
    /// - Throws: ``CSVError`` if writing fails.
    public static func write(header: [String]?, records: [[String]], to url: URL, format: CSVFormat = .csv) throws {
        let writer = try CSVWriter(url: url, format: format)
        if let header { try writer.write(header) }
        for record in records { try writer.write(record) }
        try writer.finish()
    }

    /// Appends `field`, quoted if it holds the delimiter, a quote or a line break.
    private func appendField<Field: StringProtocol>(_ field: Field) {
        let bytes = field.utf8
        let needsQuotes = bytes.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            pending.append(contentsOf: bytes)
            return
        }
        pending.append(0x22)
        for byte in bytes {
            pending.append(byte)
            if byte == 0x22 { pending.append(0x22) }
        }
        pending.append(0x22)
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
        } catch {
            throw CSVError(file: url.path, problem: .unwritable(reason: error.localizedDescription))
        }
        pending.removeAll(keepingCapacity: true)
    }
}
