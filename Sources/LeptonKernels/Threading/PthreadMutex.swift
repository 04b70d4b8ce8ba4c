#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mutual-exclusion lock that owns the value it protects, built on `pthread_mutex_t`.
///
/// It has the shape of `Synchronization.Mutex`: the value is reachable only inside ``withLock(_:)``, whose closure
/// may throw a typed error. Lepton uses it instead of `Mutex` because ThreadSanitizer understands it. TSan
/// intercepts `pthread_mutex_lock` and `pthread_mutex_unlock` and so sees that one critical section happens before
/// the next. On Linux, `Mutex` locks with atomics and raw `futex` system calls inside the toolchain's precompiled,
/// uninstrumented Synchronization module, which TSan cannot see, so it reports every pair of `Mutex`-guarded accesses
/// from two threads as a race (`Tests/Sanitizers/MutexTSanReproducer.swift` shows it in ten lines).
///
/// The mutex and the value live in one heap block that the initializer allocates and `deinit` frees: the mutex
/// never moves (POSIX leaves a copied `pthread_mutex_t` undefined), even when this struct is moved. The type is
/// `~Copyable` so that exactly one owner frees that block, once. The lock is not recursive: calling ``withLock(_:)``
/// again on the same lock from inside its closure deadlocks.
///
/// The integrations (`Integrations/LeptonServe`, `Integrations/LeptonMPI`) compile this same file into their own
/// modules through a symbolic link, since a `package` declaration is not visible outside the root package.
package struct PthreadMutex<Value: ~Copyable>: ~Copyable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline let value: UnsafeMutablePointer<Value>

    /// Creates a lock that protects `initialValue`.
    package init(_ initialValue: consuming sending Value) {
        // One block: the mutex first, then the value at the next multiple of its alignment.
        let valueAlignment = MemoryLayout<Value>.alignment
        let valueOffset = (MemoryLayout<pthread_mutex_t>.size + valueAlignment - 1) / valueAlignment * valueAlignment
        let block = UnsafeMutableRawPointer.allocate(
            byteCount: valueOffset + MemoryLayout<Value>.size,
            alignment: max(MemoryLayout<pthread_mutex_t>.alignment, valueAlignment))
        mutex = block.bindMemory(to: pthread_mutex_t.self, capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed with status \(status)")
        value = (block + valueOffset).bindMemory(to: Value.self, capacity: 1)
        value.initialize(to: initialValue)
    }

    deinit {
        value.deinitialize(count: 1)
        pthread_mutex_destroy(mutex)
        UnsafeMutableRawPointer(mutex).deallocate()
    }

    /// Runs `body` with exclusive access to the protected value and returns its result.
    ///
    /// The lock is held while `body` runs and released when it returns or throws.
    ///
    /// - Parameter body: Reads or changes the value; its result and the value it leaves may not escape to another
    ///   thread except through the lock (`sending`), as with `Mutex`.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, after the lock is released.
    @inlinable
    package borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        // With a default (normal) mutex created by the initializer, lock and unlock cannot fail when used as here.
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }
}

/// `@unchecked Sendable`, as `Mutex` is `Sendable`: the value is reached only inside ``PthreadMutex/withLock(_:)``,
/// under the mutex, and enters (`init`) and leaves (`withLock`'s result) only as `sending`, so no thread keeps a
/// reference into it that another thread could use without the lock. The mutex itself is made for use from many
/// threads, and its memory stays valid and in place for the lock's whole life.
extension PthreadMutex: @unchecked Sendable where Value: ~Copyable {}
