/// The heap buffer behind a ``Tensor``: 64-byte aligned floats, shared between copies until one writes.
///
/// `@unchecked Sendable`: the buffer is written only through ``Tensor``'s mutating paths, which first make
/// the storage unique (`isKnownUniquelyReferenced`); a storage reachable from more than one tensor (or task)
/// is therefore never written, and reads of immutable memory are safe from any thread.
final class TensorStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// Allocates room for `count` floats, uninitialised.
    init(uninitializedCount count: Int) {
        self.count = count
        pointer = StorageCache.allocate(bytes: Self.byteCount(count)).bindMemory(
            to: Float.self, capacity: Swift.max(count, 1))
    }

    /// Allocates a copy of `count` floats starting at `source`.
    convenience init(copying source: UnsafePointer<Float>, count: Int) {
        self.init(uninitializedCount: count)
        pointer.update(from: source, count: count)
    }

    deinit {
        StorageCache.release(UnsafeMutableRawPointer(pointer), bytes: Self.byteCount(count))
    }

    private static func byteCount(_ count: Int) -> Int { Swift.max(count, 1) * MemoryLayout<Float>.stride }
}

/// A buffer of `Int32` indices (pooling winners) from the same cache as tensor storage.
///
/// `@unchecked Sendable`: written once by the operation that creates it, before it is shared; read-only after.
final class IndexStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int32>
    let count: Int

    /// Allocates room for `count` indices, uninitialised.
    init(uninitializedCount count: Int) {
        self.count = count
        pointer = StorageCache.allocate(bytes: Self.byteCount(count)).bindMemory(
            to: Int32.self, capacity: Swift.max(count, 1))
    }

    deinit {
        StorageCache.release(UnsafeMutableRawPointer(pointer), bytes: Self.byteCount(count))
    }

    private static func byteCount(_ count: Int) -> Int { Swift.max(count, 1) * MemoryLayout<Int32>.stride }
}
