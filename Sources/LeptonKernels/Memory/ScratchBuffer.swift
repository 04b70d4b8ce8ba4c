/// A 64-byte aligned block of floats that kernels borrow for packing and temporaries.
///
/// Kernels take buffers from ``ScratchPool`` and give them back, so steady-state training and inference
/// do not allocate (and do not page-fault fresh memory) on every call.
final class ScratchBuffer {
    private(set) var capacity: Int
    private(set) var pointer: UnsafeMutablePointer<Float>

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        pointer = ScratchBuffer.allocate(self.capacity)
    }

    deinit {
        pointer.deallocate()
    }

    /// Makes room for at least `count` floats; the old contents are not kept.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = max(count, capacity * 2)
        pointer = ScratchBuffer.allocate(capacity)
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }
}

/// A shared free list of ``ScratchBuffer``s.
///
/// Any thread may borrow; a buffer is used by one thread at a time, between ``borrow(atLeast:)`` and
/// ``giveBack(_:)``.
enum ScratchPool {
    /// Buffers not in use. `ScratchBuffer` is not `Sendable`, but a buffer in this list is owned by no
    /// thread: it moves between threads only through the mutex, which orders the accesses.
    private nonisolated(unsafe) static var free: [ScratchBuffer] = []
    private static let lock = PthreadMutex(())
    private static let maximumKept = 16

    /// Returns a buffer with room for at least `count` floats.
    static func borrow(atLeast count: Int) -> ScratchBuffer {
        // Best fit: the smallest free buffer that is large enough, else the largest (which then grows), so that
        // borrowers of different sizes do not keep regrowing (and page-faulting) each other's buffers.
        let reused: ScratchBuffer? = lock.withLock { _ in
            guard !free.isEmpty else { return nil }
            var choice = 0
            for (index, buffer) in free.enumerated() {
                let current = free[choice].capacity
                let fits = buffer.capacity >= count
                if fits
                    ? (current < count || buffer.capacity < current) : (current < count && buffer.capacity > current)
                {
                    choice = index
                }
            }
            return free.remove(at: choice)
        }
        let buffer = reused ?? ScratchBuffer(capacity: count)
        buffer.reserve(count)
        return buffer
    }

    /// Returns a buffer to the pool.
    static func giveBack(_ buffer: ScratchBuffer) {
        lock.withLock { _ in
            if free.count < maximumKept { free.append(buffer) }
        }
    }

    /// Runs `body` with a buffer of at least `count` floats and returns the buffer afterwards.
    static func withBuffer<R>(atLeast count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = borrow(atLeast: count)
        defer { giveBack(buffer) }
        return try body(buffer.pointer)
    }
}
