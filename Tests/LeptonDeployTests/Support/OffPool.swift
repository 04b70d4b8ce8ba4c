import Dispatch

/// Runs heavy test computation on a GCD thread instead of Swift's cooperative pool, so that long simulations do
/// not starve the other tests' tasks (and their timers). Expectations stay with the caller: return the numbers.
func offPool<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Swift.Result { try work() }) }
    }
}
