import CLeptonMPI
import Foundation
import LeptonTrain

/// A ``Collective`` over Open MPI: one rank per process of `mpirun -np N`.
///
/// All-reductions run as a ring over `MPI_Sendrecv` (reduce-scatter, then all-gather), the algorithm Horovod
/// popularised: each process sends and receives `2(p−1)/p` of the buffer whatever the job size, and the summation
/// order is the one ``Collective`` documents, so results are bit-identical to ``InProcessCollective``'s.
///
/// MPI errors on `MPI_COMM_WORLD` return codes (`MPI_ERRORS_RETURN`) that become
/// ``CollectiveError/communicationFailed(operation:rank:detail:)``. Because a dead peer can also leave an MPI call
/// waiting for ever, a watchdog thread ends the process with a message on standard error when one operation takes
/// longer than `timeout` seconds; `mpirun` then ends the other ranks.
///
/// Make MPI calls from one thread only (the one that created the collective).
public final class MPICollective: Collective {
    /// This process's rank.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    /// Seconds spent inside collective operations so far (communication and waiting for other ranks).
    public var communicationSeconds: Double { watchdog.watchedSeconds }
    private let watchdog: CollectiveWatchdog
    /// Messages larger than this many elements are sent in pieces (MPI counts are 32-bit).
    static let maximumMessage = 1 << 28

    /// Initialises MPI (once per process) and joins `MPI_COMM_WORLD`.
    ///
    /// - Parameter timeout: Seconds one collective operation may take before the watchdog ends the process.
    /// - Throws: ``CollectiveError/communicationFailed(operation:rank:detail:)`` when MPI cannot start, or
    ///   ``CollectiveError/invalidSetting(name:value:requirement:)`` for a timeout that is not positive.
    public init(timeout: Double = 120) throws {
        guard timeout > 0, timeout.isFinite else {
            throw CollectiveError.invalidSetting(
                name: "timeout", value: "\(timeout)", requirement: "must be a positive number of seconds")
        }
        try Self.check(lepton_mpi_init(), "MPI_Init_thread", rank: -1)
        var rank: Int32 = 0
        var size: Int32 = 0
        try Self.check(lepton_mpi_rank(&rank), "MPI_Comm_rank", rank: -1)
        try Self.check(lepton_mpi_size(&size), "MPI_Comm_size", rank: Int(rank))
        self.rank = Int(rank)
        self.size = Int(size)
        watchdog = CollectiveWatchdog(rank: Int(rank), timeout: timeout)
    }

    /// Ends MPI in this process; call once, after the last collective (no later operation may follow).
    ///
    /// - Throws: ``CollectiveError/communicationFailed(operation:rank:detail:)``.
    public func finalize() throws {
        watchdog.stop()
        try Self.check(lepton_mpi_finalize(), "MPI_Finalize", rank: rank)
    }

    /// Ends every process of the job with `code`.
    ///
    /// - Parameter code: The exit status `mpirun` reports.
    public func abort(code: Int32) -> Never {
        _ = lepton_mpi_abort(code)
        exit(code)
    }

    /// Sums (or averages) the ranks' buffers with a ring.
    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws {
        let name = "allReduce(\(operation.rawValue))"
        // A ring chunk is one MPI message, whose count is 32-bit.
        guard buffer.count / Swift.max(size, 1) < Int(Int32.max) else {
            throw CollectiveError.invalidSetting(
                name: "buffer.count", value: "\(buffer.count)",
                requirement: "a ring chunk (count / ranks) must fit MPI's 32-bit counts; reduce in buckets")
        }
        try watchdog.watch(name) {
            if size > 1 { try ringAllReduce(buffer, name) }
            if operation == .mean && size > 1 {
                let divisor = Float(size)
                for index in buffer.indices { buffer[index] /= divisor }
            }
        }
    }

    /// The ring: `size − 1` steps of reduce-scatter, after which rank `r` holds the complete sum of chunk `r + 1`,
    /// then `size − 1` steps passing the complete chunks on.
    private func ringAllReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ name: String) throws {
        let chunks = ringChunks(count: buffer.count, size: size)
        let right = (rank + 1) % size
        let left = (rank + size - 1) % size
        var incoming = [Float](repeating: 0, count: chunks.map(\.count).max() ?? 0)
        for step in 0..<(size - 1) {
            let send = chunks[(rank - step + 2 * size) % size]
            let receive = chunks[(rank - step - 1 + 2 * size) % size]
            try incoming.withUnsafeMutableBufferPointer { incoming in
                try exchange(
                    buffer, send, to: right, into: incoming, count: receive.count, from: left, tag: step, name)
            }
            // The partial sum that arrived plus this rank's values (IEEE addition is commutative, so the order of
            // the two operands does not change the bits).
            for (offset, index) in receive.enumerated() { buffer[index] = incoming[offset] + buffer[index] }
        }
        for step in 0..<(size - 1) {
            let send = chunks[(rank + 1 - step + 2 * size) % size]
            let receive = chunks[(rank - step + 2 * size) % size]
            try incoming.withUnsafeMutableBufferPointer { incoming in
                try exchange(
                    buffer, send, to: right, into: incoming, count: receive.count, from: left, tag: size + step, name)
            }
            for (offset, index) in receive.enumerated() { buffer[index] = incoming[offset] }
        }
    }

    /// Sends `buffer[send]` to `destination` while receiving `count` values from `source`.
    private func exchange(
        _ buffer: UnsafeMutableBufferPointer<Float>, _ send: Range<Int>, to destination: Int,
        into incoming: UnsafeMutableBufferPointer<Float>, count: Int, from source: Int, tag: Int, _ name: String
    ) throws {
        guard let base = buffer.baseAddress, let incomingBase = incoming.baseAddress else { return }
        try Self.check(
            lepton_mpi_sendrecv_float(
                base + send.lowerBound, Int32(send.count), Int32(destination), incomingBase, Int32(count),
                Int32(source), Int32(tag)),
            "MPI_Sendrecv in \(name)", rank: rank)
    }

    /// Copies the root's buffer to every rank.
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws {
        guard (0..<size).contains(root) else {
            throw CollectiveError.invalidSetting(
                name: "root", value: "\(root)", requirement: "must be a rank in 0..<\(size)")
        }
        guard let base = buffer.baseAddress else { return }
        try watchdog.watch("broadcast") {
            for start in stride(from: 0, to: buffer.count, by: Self.maximumMessage) {
                let count = Swift.min(Self.maximumMessage, buffer.count - start)
                try Self.check(
                    lepton_mpi_bcast_float(base + start, Int32(count), Int32(root)), "MPI_Bcast", rank: rank)
            }
        }
    }

    /// Waits for every rank.
    public func barrier() throws {
        try watchdog.watch("barrier") { try Self.check(lepton_mpi_barrier(), "MPI_Barrier", rank: rank) }
    }

    /// Every rank's values, in rank order; every rank must pass the same count.
    public func allGather(_ values: [Double]) throws -> [[Double]] {
        guard values.count <= Self.maximumMessage / Swift.max(size, 1) else {
            throw CollectiveError.invalidSetting(
                name: "values.count", value: "\(values.count)", requirement: "allGather is for a few values")
        }
        var gathered = [Double](repeating: 0, count: values.count * size)
        try watchdog.watch("allGather") {
            try values.withUnsafeBufferPointer { send in
                try gathered.withUnsafeMutableBufferPointer { receive in
                    guard let sendBase = send.baseAddress, let receiveBase = receive.baseAddress else { return }
                    try Self.check(
                        lepton_mpi_allgather_double(sendBase, Int32(values.count), receiveBase), "MPI_Allgather",
                        rank: rank)
                }
            }
        }
        return (0..<size).map { Array(gathered[($0 * values.count)..<(($0 + 1) * values.count)]) }
    }

    /// MPI's own `MPI_Allreduce` sum, whose summation order is the library's choice (for comparisons).
    ///
    /// - Parameter buffer: The values, replaced by the sums.
    /// - Throws: ``CollectiveError/communicationFailed(operation:rank:detail:)``.
    public func nativeAllReduceSum(_ buffer: inout [Float]) throws {
        guard !buffer.isEmpty else { return }
        try watchdog.watch("MPI_Allreduce") {
            try buffer.withUnsafeMutableBufferPointer { values in
                guard let base = values.baseAddress else { return }
                for start in stride(from: 0, to: values.count, by: Self.maximumMessage) {
                    let count = Swift.min(Self.maximumMessage, values.count - start)
                    try Self.check(
                        lepton_mpi_allreduce_float_sum(base + start, Int32(count)), "MPI_Allreduce", rank: rank)
                }
            }
        }
    }

    /// Throws ``CollectiveError/communicationFailed(operation:rank:detail:)`` with MPI's message unless `code` is
    /// `MPI_SUCCESS`.
    static func check(_ code: Int32, _ operation: String, rank: Int) throws {
        guard code != lepton_mpi_success() else { return }
        var text = [CChar](repeating: 0, count: Int(lepton_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        _ = lepton_mpi_error_string(code, &text, &length)
        let message = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw CollectiveError.communicationFailed(
            operation: operation, rank: rank, detail: "MPI error \(code): \(message)")
    }
}
