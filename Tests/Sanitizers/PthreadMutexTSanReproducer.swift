// The program of MutexTSanReproducer.swift with Lepton's `PthreadMutex` (Sources/LeptonKernels/Threading) in place of
// `Synchronization.Mutex`: ThreadSanitizer sees the pthread lock and reports nothing. Built by reproduce.sh together
// with PthreadMutex.swift.
import Foundation

let counter = PthreadMutex(0)
let threads = (0..<4).map { _ in Thread { for _ in 0..<10_000 { counter.withLock { $0 += 1 } } } }
for thread in threads { thread.start() }
while counter.withLock({ $0 }) < 40_000 { usleep(1000) }
print("count", counter.withLock { $0 })
