import LeptonKernels

/// How many CPU threads Lepton's kernels may use: the one knob of the kernels that users need.
///
/// Every kernel runs on one shared pool with a thread per core (the calling thread included). Set ``count`` to
/// compare with a peer at the same thread count, or to 1 to keep all work on the calling thread.
///
/// ```swift
/// ComputeThreads.count = 1
/// ```
public enum ComputeThreads {
    /// The number of threads (the caller included) a kernel may use; at least 1, the processor count by default.
    ///
    /// Setting a value below 1 stores 1.
    public static var count: Int {
        get { ThreadPool.shared.threadCount }
        set { ThreadPool.shared.threadCount = Swift.max(1, newValue) }
    }

    /// The number of processors this process may run on.
    public static var available: Int { ThreadPool.processorCount }
}
