import CLeptonKernels

/// Runs work with denormal floats flushed to zero (x86 FTZ/DAZ), restoring the thread's previous setting after.
///
/// Values below `Float.leastNormalMagnitude` cost about a hundred times more than normal ones on x86; optimizer
/// state decays into that range during long training runs. Lepton's worker threads always flush; kernels that
/// run on the caller's thread (optimizer updates) wrap themselves in this so the caller's own setting is left as
/// it was.
enum DenormalFlushing {
    /// Runs `body` with denormals flushed to zero on this thread.
    @inline(__always)
    static func run<R>(_ body: () -> R) -> R {
        let previous = lepton_flush_denormals_begin()
        defer { lepton_flush_denormals_end(previous) }
        return body()
    }

    /// Flushes denormals on this thread for good (for threads Lepton owns).
    static func enableForCurrentThread() {
        _ = lepton_flush_denormals_begin()
    }
}

/// Runs `body` with denormal floats flushed to zero on this thread (x86 FTZ and DAZ), restoring the previous
/// setting afterwards.
///
/// Training loops use it: gradients and optimizer state that decay below `Float.leastNormalMagnitude` are about a
/// hundred times slower to compute with on x86 and change no result that matters. Lepton's worker threads always
/// flush.
///
/// - Parameter body: The work.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws.
package func withDenormalsFlushedToZero<R>(_ body: () throws -> R) rethrows -> R {
    let previous = lepton_flush_denormals_begin()
    defer { lepton_flush_denormals_end(previous) }
    return try body()
}
