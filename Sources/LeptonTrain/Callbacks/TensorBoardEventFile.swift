import Foundation
import LeptonSupport

/// An append-only TensorBoard event file: TFRecord framing around serialised `tensorflow.Event` protocol buffers.
///
/// Each record is `length` (UInt64, little-endian), the masked CRC-32C of those 8 bytes, the event bytes, and the
/// masked CRC-32C of the event bytes. A record is written with one `write` call, so a crash leaves at most one
/// truncated record at the end, which TensorBoard's reader skips.
final class TensorBoardEventFile {
    /// The file being written.
    let url: URL
    private let handle: FileHandle

    /// Creates the directory if needed and a new event file in it, starting with the file-version event.
    ///
    /// - Parameter directory: The run directory (TensorBoard shows one run per directory).
    /// - Throws: ``CallbackError/writeFailed(url:reason:)`` when the file cannot be created.
    init(directory: URL) throws {
        let seconds = Int(Date().timeIntervalSince1970)
        let host = ProcessInfo.processInfo.hostName.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        let name = "events.out.tfevents.\(seconds).\(host).\(ProcessInfo.processInfo.processIdentifier).lepton"
        url = directory.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CallbackError.writeFailed(url: url, reason: "the file could not be created")
            }
            handle = try FileHandle(forWritingTo: url)
        } catch let error as CallbackError {
            throw error
        } catch {
            throw CallbackError.writeFailed(url: url, reason: error.localizedDescription)
        }
        var event = ProtobufWriter()
        event.double(field: 1, Date().timeIntervalSince1970)
        event.string(field: 3, "brain.Event:2")
        try append(event.bytes)
    }

    deinit { try? handle.close() }

    /// Appends one event holding scalar values.
    ///
    /// - Parameters:
    ///   - scalars: Tag and value pairs.
    ///   - step: The step (x axis) they belong to.
    func writeScalars(_ scalars: [(tag: String, value: Double)], step: Int) throws {
        guard !scalars.isEmpty else { return }
        var summary = ProtobufWriter()
        for (tag, value) in scalars {
            var entry = ProtobufWriter()
            entry.string(field: 1, tag)
            entry.float(field: 2, Float(value))
            summary.message(field: 1, entry)
        }
        try writeSummary(summary, step: step)
    }

    /// Appends one event holding a histogram of `values`.
    ///
    /// - Parameters:
    ///   - tag: The histogram's name.
    ///   - values: The values (non-finite ones are skipped).
    ///   - step: The step it belongs to.
    ///   - bucketCount: Equal-width buckets between the smallest and largest value.
    func writeHistogram(tag: String, values: UnsafeBufferPointer<Float>, step: Int, bucketCount: Int = 30) throws {
        var histogram = ProtobufWriter()
        let summaryValues = HistogramSummary(values: values, bucketCount: bucketCount)
        histogram.double(field: 1, summaryValues.minimum)
        histogram.double(field: 2, summaryValues.maximum)
        histogram.double(field: 3, summaryValues.count)
        histogram.double(field: 4, summaryValues.sum)
        histogram.double(field: 5, summaryValues.sumOfSquares)
        histogram.packedDoubles(field: 6, summaryValues.bucketLimits)
        histogram.packedDoubles(field: 7, summaryValues.bucketCounts)
        var entry = ProtobufWriter()
        entry.string(field: 1, tag)
        entry.message(field: 5, histogram)
        var summary = ProtobufWriter()
        summary.message(field: 1, entry)
        try writeSummary(summary, step: step)
    }

    /// Forces what was written to disk.
    func flush() throws {
        do {
            try handle.synchronize()
        } catch {
            throw CallbackError.writeFailed(url: url, reason: error.localizedDescription)
        }
    }

    private func writeSummary(_ summary: ProtobufWriter, step: Int) throws {
        var event = ProtobufWriter()
        event.double(field: 1, Date().timeIntervalSince1970)
        event.varint(field: 2, UInt64(bitPattern: Int64(step)))
        event.message(field: 5, summary)
        try append(event.bytes)
    }

    private func append(_ payload: [UInt8]) throws {
        var record = [UInt8]()
        record.reserveCapacity(payload.count + 16)
        let length = UInt64(payload.count)
        withUnsafeBytes(of: length.littleEndian) { record.append(contentsOf: $0) }
        let lengthChecksum = record.withUnsafeBytes { Self.maskedChecksum($0) }
        withUnsafeBytes(of: lengthChecksum.littleEndian) { record.append(contentsOf: $0) }
        record.append(contentsOf: payload)
        let payloadChecksum = payload.withUnsafeBytes { Self.maskedChecksum($0) }
        withUnsafeBytes(of: payloadChecksum.littleEndian) { record.append(contentsOf: $0) }
        do {
            try handle.write(contentsOf: record)
        } catch {
            throw CallbackError.writeFailed(url: url, reason: error.localizedDescription)
        }
    }

    /// TFRecord's masked CRC-32C: the checksum rotated right by 15 bits plus 0xA282EAD8.
    static func maskedChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let crc = CRC32.checksum(bytes, polynomial: .castagnoli)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// The numbers of a TensorBoard histogram: range, moments and equal-width bucket counts.
struct HistogramSummary {
    var minimum = 0.0
    var maximum = 0.0
    var count = 0.0
    var sum = 0.0
    var sumOfSquares = 0.0
    /// The right edge of each bucket (TensorBoard's `bucket_limit`).
    var bucketLimits: [Double] = []
    /// Values per bucket.
    var bucketCounts: [Double] = []

    init(values: UnsafeBufferPointer<Float>, bucketCount: Int) {
        let finite = values.lazy.filter(\.isFinite).map(Double.init)
        guard let low = finite.min(), let high = finite.max() else { return }
        minimum = low
        maximum = high
        let buckets = max(1, bucketCount)
        let width = (high - low) / Double(buckets)
        bucketLimits = (1...buckets).map { $0 == buckets ? high : low + width * Double($0) }
        bucketCounts = [Double](repeating: 0, count: buckets)
        for value in finite {
            count += 1
            sum += value
            sumOfSquares += value * value
            let index = width > 0 ? min(buckets - 1, Int((value - low) / width)) : 0
            bucketCounts[index] += 1
        }
    }
}

/// Writes protocol-buffer fields (wire format: varint keys, little-endian fixed-width numbers, length-prefixed
/// strings and messages) — the few field kinds an event file needs.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private mutating func key(field: Int, wireType: UInt64) {
        appendVarint(UInt64(field) << 3 | wireType)
    }

    private mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// A varint field (`int64`, `uint64`, `bool`, enums).
    mutating func varint(field: Int, _ value: UInt64) {
        key(field: field, wireType: 0)
        appendVarint(value)
    }

    /// A `double` field.
    mutating func double(field: Int, _ value: Double) {
        key(field: field, wireType: 1)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A `float` field.
    mutating func float(field: Int, _ value: Float) {
        key(field: field, wireType: 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A `string` field (UTF-8).
    mutating func string(field: Int, _ value: String) {
        lengthDelimited(field: field, Array(value.utf8))
    }

    /// An embedded message.
    mutating func message(field: Int, _ value: ProtobufWriter) {
        lengthDelimited(field: field, value.bytes)
    }

    /// A packed `repeated double` field.
    mutating func packedDoubles(field: Int, _ values: [Double]) {
        var packed = [UInt8]()
        packed.reserveCapacity(values.count * 8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { packed.append(contentsOf: $0) } }
        lengthDelimited(field: field, packed)
    }

    private mutating func lengthDelimited(field: Int, _ payload: [UInt8]) {
        key(field: field, wireType: 2)
        appendVarint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }
}
