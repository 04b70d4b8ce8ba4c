import Foundation
import LeptonTensor

/// Where a bundled model came from: its training data, its parent, when and with what it was made, and why.
public struct BundleLineage: Codable, Sendable, Equatable {
    /// The Lepton version this library writes into new bundles.
    public static let currentLeptonVersion = "0.1.0"

    /// `sha256:<hex>` of the training data (see ``dataHash(ofFile:)`` and ``dataHash(of:)``), if recorded.
    public var dataHash: String?
    /// What was hashed (`"file train.csv"`, `"feature matrix [4000, 784]"`…).
    public var dataDescription: String?
    /// The model version this one was retrained from or replaces.
    public var parentVersion: String?
    /// The creation time, ISO 8601 in UTC (`2025-06-01T12:00:00Z`).
    public var createdAt: String
    /// The Lepton version that wrote the bundle.
    public var leptonVersion: String
    /// The alert id, schedule or person that caused this version, if any.
    public var trigger: String?
    /// The start of the logged-traffic window the model was trained on (ISO 8601), if any.
    public var dataWindowStart: String?
    /// The end of that window (ISO 8601), if any.
    public var dataWindowEnd: String?
    /// Free-form notes.
    public var notes: String

    /// A lineage record; the creation time defaults to now.
    /// - Parameters:
    ///   - dataHash: `sha256:<hex>` of the training data.
    ///   - dataDescription: what was hashed.
    ///   - parentVersion: the version this one derives from.
    ///   - createdAt: the creation time.
    ///   - trigger: the alert id or reason that caused it.
    ///   - dataWindow: the time span of logged traffic it was trained on.
    ///   - notes: free-form notes.
    public init(
        dataHash: String? = nil, dataDescription: String? = nil, parentVersion: String? = nil,
        createdAt: Date = Date(), trigger: String? = nil, dataWindow: DateInterval? = nil, notes: String = ""
    ) {
        self.dataHash = dataHash
        self.dataDescription = dataDescription
        self.parentVersion = parentVersion
        self.createdAt = Self.iso8601(createdAt)
        leptonVersion = Self.currentLeptonVersion
        self.trigger = trigger
        dataWindowStart = dataWindow.map { Self.iso8601($0.start) }
        dataWindowEnd = dataWindow.map { Self.iso8601($0.end) }
        self.notes = notes
    }

    /// The creation time as a date, if ``createdAt`` is valid ISO 8601.
    public var creationDate: Date? { Self.date(fromISO8601: createdAt) }

    /// The lineage as the model registry records it.
    public var modelLineage: ModelLineage {
        let window: DateInterval? =
            if let start = dataWindowStart.flatMap(Self.date(fromISO8601:)),
                let end = dataWindowEnd.flatMap(Self.date(fromISO8601:)), start <= end
            {
                DateInterval(start: start, end: end)
            } else {
                nil
            }
        return ModelLineage(parentVersion: parentVersion, dataWindow: window, cause: trigger, notes: notes)
    }

    /// `sha256:<hex>` of a file's bytes, read in 1 MiB pieces.
    /// - Parameter url: the file.
    /// - Returns: the tagged digest.
    /// - Throws: the error of opening or reading the file.
    public static func dataHash(ofFile url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        return "sha256:" + hasher.finalizeHex()
    }

    /// `sha256:<hex>` of a feature matrix: its shape as little-endian `Int64`s, then its values as little-endian F32.
    /// - Parameter tensor: the matrix.
    /// - Returns: the tagged digest.
    public static func dataHash(of tensor: Tensor) -> String {
        var hasher = SHA256Hasher()
        for dimension in tensor.shape.dimensions {
            withUnsafeBytes(of: Int64(dimension).littleEndian) { hasher.update($0) }
        }
        tensor.withUnsafeBufferPointer { values in
            #if _endian(little)
                hasher.update(UnsafeRawBufferPointer(values))
            #else
                for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { hasher.update($0) } }
            #endif
        }
        return "sha256:" + hasher.finalizeHex()
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func date(fromISO8601 text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
