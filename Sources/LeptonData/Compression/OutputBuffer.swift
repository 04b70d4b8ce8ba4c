import Foundation
import LeptonSupport

/// The growing byte buffer that decompressed output is written into.
///
/// A class so that the memory is freed if decoding throws; the hot loop copies `base`, `count` and
/// `capacity` into locals and writes them back before calling ``reserve(_:)``.
final class OutputBuffer {
    /// Start of the `malloc`ed memory.
    private(set) var base: UnsafeMutablePointer<UInt8>
    /// Allocated bytes.
    private(set) var capacity: Int
    /// Bytes written so far.
    var count = 0

    /// A buffer with room for `initialCapacity` bytes (at least 64).
    init(initialCapacity: Int) {
        capacity = max(64, initialCapacity)
        guard let memory = malloc(capacity) else {
            preconditionFailure("OutputBuffer: out of memory allocating \(capacity) bytes")
        }
        base = memory.assumingMemoryBound(to: UInt8.self)
    }

    deinit { free(base) }

    /// Makes room for at least `additional` more bytes after `count`, growing geometrically.
    func reserve(_ additional: Int) {
        let needed = count + additional
        guard needed > capacity else { return }
        let newCapacity = max(needed, capacity * 2)
        guard let memory = realloc(base, newCapacity) else {
            preconditionFailure("OutputBuffer: out of memory growing to \(newCapacity) bytes")
        }
        base = memory.assumingMemoryBound(to: UInt8.self)
        capacity = newCapacity
    }

    /// Appends `bytes`.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        count += bytes.count
    }

    /// The CRC-32 of the bytes from `start` to `count`.
    func crc32(from start: Int) -> UInt32 {
        CRC32.checksum(UnsafeRawBufferPointer(start: base + start, count: count - start))
    }

    /// Hands the bytes to a `Data` without copying; the buffer must not be used afterwards.
    func takeData() -> Data {
        let data = Data(bytesNoCopy: base, count: count, deallocator: .free)
        guard let memory = malloc(64) else { preconditionFailure("OutputBuffer: out of memory allocating 64 bytes") }
        base = memory.assumingMemoryBound(to: UInt8.self)
        capacity = 64
        count = 0
        return data
    }
}
