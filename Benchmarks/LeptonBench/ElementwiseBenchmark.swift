import LeptonKernels

/// `lepton-bench elementwise`: relu, add and axpy over 10,000,000 floats written into existing storage, in
/// GB/s (bytes read plus bytes written) and elements per second.
func runElementwiseBenchmark(_ arguments: BenchmarkArguments) throws {
    let count = try arguments.integers("count", default: [10_000_000])[0]
    let threadCounts = try arguments.integers("threads", default: [1, 2])
    let seconds = try arguments.double("seconds", default: 1.5)
    var generator = BenchmarkRandom(seed: 11)
    let x = (0..<count).map { _ in generator.nextFloat() }
    let y = (0..<count).map { _ in generator.nextFloat() }
    var out = [Float](repeating: 0, count: count)
    let floatBytes = Double(MemoryLayout<Float>.size)
    // (task, floats moved per element, the kernel call)
    let tasks: [(String, Double, (ThreadPool, UnsafeMutablePointer<Float>) -> Void)] = [
        ("relu", 2, { pool, target in Elementwise.unary(.relu, x, target, count: count, pool: pool) }),
        (
            "add", 3,
            { pool, target in Elementwise.binary(.add, x, aStride: 1, y, bStride: 1, target, count: count, pool: pool) }
        ),
        ("axpy", 3, { pool, target in Elementwise.axpy(alpha: 0.5, x, y, target, count: count, pool: pool) }),
    ]
    for (task, floatsPerElement, kernel) in tasks {
        for threads in threadCounts {
            let pool = ThreadPool(threadCount: threads)
            let samples = Measurement.sample(targetSeconds: seconds) {
                out.withUnsafeMutableBufferPointer { kernel(pool, $0.baseAddress!) }
            }
            let median = Measurement.percentile(samples, 0.5)
            Measurement.report(
                task: task, shape: [count], threads: threads, samples: samples,
                work: Double(count) * floatsPerElement * floatBytes / 1e9, units: "GB/s",
                extra: ["elements_per_second": Double(count) / median])
        }
    }
}
