import LeptonKernels

/// A cache of freed tensor buffers, so training steps reuse memory instead of mapping fresh pages.
///
/// Large allocations come from `mmap` in the C allocator and go back to the kernel when freed; every training
/// step would then page-fault and zero its activations again (measured at about 15% of a batch-128 step of the
/// reference CNN). Buffers of at least ``minimumCachedBytes`` are kept here instead, by exact rounded size, up to
/// ``capacityBytes`` in total, and handed out again for the next tensor of the same size.
enum StorageCache {
    /// Smaller buffers go straight to the system allocator, which handles them well.
    static let minimumCachedBytes = 64 * 1024
    /// The most memory kept for reuse.
    static let capacityBytes = 1 << 30
    static let alignment = 64

    private struct State {
        /// Free buffers (addresses) by byte count.
        var free: [Int: [UInt]] = [:]
        var cachedBytes = 0
    }

    private static let state = PthreadMutex(State())

    /// The byte count actually allocated for a request of `bytes`.
    static func roundedSize(_ bytes: Int) -> Int {
        bytes < minimumCachedBytes ? bytes : (bytes + 4095) / 4096 * 4096
    }

    /// A 64-byte aligned buffer of at least `bytes` bytes.
    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = roundedSize(bytes)
        if size >= minimumCachedBytes {
            let reused: UInt? = state.withLock { state in
                guard let address = state.free[size]?.popLast() else { return nil }
                state.cachedBytes -= size
                return address
            }
            if let reused, let pointer = UnsafeMutableRawPointer(bitPattern: reused) { return pointer }
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: alignment)
    }

    /// Returns a buffer from ``allocate(bytes:)``; it is kept for reuse while the cache has room.
    static func release(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        let size = roundedSize(bytes)
        if size >= minimumCachedBytes {
            let address = UInt(bitPattern: pointer)
            let kept = state.withLock { state in
                guard state.cachedBytes + size <= capacityBytes else { return false }
                state.free[size, default: []].append(address)
                state.cachedBytes += size
                return true
            }
            if kept { return }
        }
        pointer.deallocate()
    }

    /// Frees every cached buffer (for callers that want the memory back, and for tests).
    static func trim() {
        let addresses = state.withLock { state in
            defer {
                state.free = [:]
                state.cachedBytes = 0
            }
            return state.free.values.flatMap { $0 }
        }
        for address in addresses { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() }
    }
}
