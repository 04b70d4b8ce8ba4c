import Foundation
import LeptonTensor

/// The content checksum of a bundle: SHA-256 over the manifest and every tensor, framed so that no two different
/// contents give the same byte stream.
///
/// The hashed stream, all integers unsigned 64-bit little-endian:
/// 1. the manifest JSON's byte count, then its bytes (exactly as stored under ``ModelBundle/manifestMetadataKey``);
/// 2. for every tensor in the order of its bytes in the file (safetensors data order): the byte count and UTF-8 bytes
///    of its name, the byte count and bytes of its dtype (`F32`), its rank and each dimension, then the byte count
///    of its data and the data.
///
/// The checksum itself is stored next to the manifest, under ``ModelBundle/checksumMetadataKey``, as
/// `sha256:<64 hex digits>`, so the hashed manifest bytes are the stored bytes with nothing removed or re-encoded.
/// Tensor names and shapes are hashed too, so renaming or swapping two equally shaped tensors is detected.
struct BundleChecksum {
    private var hasher = SHA256Hasher()

    /// Starts the stream with the manifest.
    init(manifest: Data) {
        append(count: manifest.count)
        hasher.update(manifest)
    }

    /// Adds one tensor's description and bytes.
    mutating func appendTensor(name: String, dtype: String, shape: [Int], bytes: UnsafeRawBufferPointer) {
        appendString(name)
        appendString(dtype)
        append(count: shape.count)
        for dimension in shape { append(count: dimension) }
        append(count: bytes.count)
        hasher.update(bytes)
    }

    /// `sha256:<hex>`.
    var taggedDigest: String { Self.prefix + hasher.finalizeHex() }

    static let prefix = "sha256:"

    private mutating func appendString(_ text: String) {
        let bytes = Array(text.utf8)
        append(count: bytes.count)
        hasher.update(bytes)
    }

    private mutating func append(count: Int) {
        withUnsafeBytes(of: UInt64(count).littleEndian) { hasher.update($0) }
    }

    /// The checksum of a validated safetensors file's content under `manifest`.
    static func digest(manifest: Data, file: SafeTensorsFile) throws -> String {
        var checksum = BundleChecksum(manifest: manifest)
        for entry in file.entries {
            try file.withRawBytes(entry.name) { bytes in
                checksum.appendTensor(name: entry.name, dtype: entry.dtype.rawValue, shape: entry.shape, bytes: bytes)
            }
        }
        return checksum.taggedDigest
    }
}
