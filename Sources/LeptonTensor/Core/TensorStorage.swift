#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        let bytes = Swift.max(count, 1) * MemoryLayout<Float>.stride
        pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    }

    /// Allocates a copy of `count` floats starting at `source`.
    convenience init(copying source: UnsafePointer<Float>, count: Int) {
        self.init(uninitializedCount: count)
        pointer.update(from: source, count: count)
    }

    deinit {
        pointer.deallocate()
    }
}
