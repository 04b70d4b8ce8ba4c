// ThreadSanitizer reports races inside `Synchronization.Mutex.withLock` on Linux (see README.md): four threads
// increment one Mutex-guarded counter; the count is always exactly 40 000, yet TSan reports a "Swift access race".
import Foundation
import Synchronization

let counter = Mutex(0)
let threads = (0..<4).map { _ in Thread { for _ in 0..<10_000 { counter.withLock { $0 += 1 } } } }
for thread in threads { thread.start() }
while counter.withLock({ $0 }) < 40_000 { usleep(1000) }
print("count", counter.withLock { $0 })
