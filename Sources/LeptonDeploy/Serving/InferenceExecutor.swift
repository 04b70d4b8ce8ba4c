import Dispatch
import Foundation

/// Runs blocking model compute on its own threads, never on Swift's cooperative pool, so that the batchers'
/// timers and deadlines (which run on that pool) keep running while models compute.
///
/// At most `width` computations run at once; more wait on the executor's queue (not on the pool).
public final class InferenceExecutor: Sendable {
    /// One executor shared by the services that do not bring their own: as many threads as active processors.
    public static let shared = InferenceExecutor(
        label: "lepton.inference", width: ProcessInfo.processInfo.activeProcessorCount)

    /// The most computations that run at once.
    public let width: Int
    private let queue: DispatchQueue
    // A counting semaphore and a concurrent queue are both thread-safe.
    private let slots: DispatchSemaphore

    /// Creates an executor.
    ///
    /// - Parameters:
    ///   - label: The name of its queue (visible in debuggers and profiles).
    ///   - width: The most computations that run at once (at least 1).
    public init(label: String, width: Int) {
        self.width = Swift.max(1, width)
        queue = DispatchQueue(label: label, qos: .userInitiated, attributes: .concurrent)
        slots = DispatchSemaphore(value: Swift.max(1, width))
        queue.setSpecific(key: Self.key, value: ObjectIdentifier(self))
    }

    /// Runs `work` on the executor's threads and returns its result to the awaiting task.
    ///
    /// - Parameter work: The blocking computation.
    /// - Returns: Its result.
    public func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            queue.async { [slots] in
                slots.wait()
                let result = work()
                slots.signal()
                continuation.resume(returning: result)
            }
        }
    }

    /// Whether the calling thread belongs to this executor (for tests and assertions).
    public var isCurrent: Bool { DispatchQueue.getSpecific(key: Self.key) == ObjectIdentifier(self) }

    private static let key = DispatchSpecificKey<ObjectIdentifier>()
}
