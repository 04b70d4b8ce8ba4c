import Foundation

/// A bounded first-in first-out queue between one producer thread and one consumer, with cancellation.
///
/// `@unchecked Sendable` is safe: every stored property other than the immutable `capacity` and `condition` is
/// read and written only while `condition` is locked.
final class PrefetchQueue<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var items: [Item] = []
    private var head = 0
    private var isFinished = false
    private var isCancelled = false
    private var hasProducerExited = false

    /// A queue holding at most `capacity` items.
    init(capacity: Int) {
        precondition(capacity >= 1, "PrefetchQueue: capacity \(capacity) must be >= 1")
        self.capacity = capacity
    }

    private var storedCount: Int { items.count - head }

    /// Producer: waits for room, then adds `item`; returns `false` (dropping it) once the consumer cancelled.
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while storedCount >= capacity && !isCancelled { condition.wait() }
        if isCancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Producer: whether the consumer has cancelled (to stop before computing the next item).
    var cancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return isCancelled
    }

    /// Producer: no more items will come.
    func finish() {
        condition.lock()
        isFinished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Producer: the thread is about to return (set last, after ``finish()``).
    func producerExited() {
        condition.lock()
        hasProducerExited = true
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: waits for the next item; `nil` once the producer finished and the queue is empty.
    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while storedCount == 0 && !isFinished && !isCancelled { condition.wait() }
        guard storedCount > 0, !isCancelled else { return nil }
        let item = items[head]
        head += 1
        if head > capacity {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// Consumer: stop; wakes a waiting producer, which then exits, and drops queued items.
    func cancel() {
        condition.lock()
        isCancelled = true
        items.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the producer thread has exited or `timeout` passes; returns whether it exited.
    func waitForProducerExit(timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while !hasProducerExited {
            if !condition.wait(until: deadline) { return hasProducerExited }
        }
        return true
    }
}
